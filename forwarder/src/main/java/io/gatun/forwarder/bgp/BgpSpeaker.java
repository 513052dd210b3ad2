package io.gatun.forwarder.bgp;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpSession;
import io.gatun.control.v1.Observation;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's BGP loop. Every {@link #PERIOD}: takes the operator's latest {@code BgpConfig}
 * (reloading FRR when the plan changed), decides which prefixes may be advertised ({@link
 * Advertising}) and advertises or withdraws the difference at once; every {@link #STATUS_PERIOD}
 * reads the sessions back from FRR for the observation and the metrics. A new FRR instance (the frr
 * container restarted, or this agent did and found FRR running) gets the whole configuration again.
 */
public final class BgpSpeaker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BgpSpeaker.class);
  static final Duration PERIOD = Duration.ofMillis(200);
  static final Duration STATUS_PERIOD = Duration.ofSeconds(1);

  /** A TCP MD5 failure counted this recently still explains a session that is down. */
  private static final Duration MD5_MEMORY = Duration.ofSeconds(30);

  private final String hostname;
  private final String routerId;
  private final FrrDirectory frr;
  private final List<KernelInterfaces.KernelInterface> interfaces;
  private final Supplier<Advertising.Readiness> readiness;
  private final MeterRegistry registry;
  private volatile BgpPlan wanted = BgpPlan.OFF;
  private BgpPlan applied = BgpPlan.OFF; // loop thread only
  private String appliedTo; // the FRR instance `applied` went to; loop thread only
  private boolean waitingLogged; // loop thread only
  private Set<String> advertised = Set.of(); // loop thread only
  private volatile List<BgpSession> sessions = List.of();
  private volatile List<String> advertisedNow = List.of();
  private final Map<String, BgpSession> byPeer = new ConcurrentHashMap<>();
  private final Set<String> metered = ConcurrentHashMap.newKeySet();
  private long md5Seen = -1;
  private long md5FailedAtNanos = Long.MIN_VALUE;
  private volatile Thread loop;
  private volatile boolean closing;

  /**
   * @param routerId the data port's IPv4 address (BGP's router id)
   * @param interfaces the data ports' kernel interfaces, given the ports' addresses while BGP is on
   * @param readiness the agent's own health, asked every period
   */
  public BgpSpeaker(
      String hostname,
      String routerId,
      List<KernelInterfaces.KernelInterface> interfaces,
      FrrDirectory frr,
      Supplier<Advertising.Readiness> readiness,
      MeterRegistry registry) {
    this.hostname = hostname;
    this.routerId = routerId;
    this.interfaces = List.copyOf(interfaces);
    this.frr = frr;
    this.readiness = readiness;
    this.registry = registry;
    Gauge.builder("gatun.bgp.prefixes.wanted", () -> wanted.advertisements().size())
        .description("Prefixes the operator lets this forwarder advertise (its BGP Pools' VIPs)")
        .register(registry);
  }

  /** The operator's BGP configuration from a snapshot (absent: BGP off). */
  public void configure(BgpConfig config) {
    BgpPlan plan = BgpPlan.of(config);
    plan.problems().forEach((what, why) -> log.warn("BGP: {} set aside: {}", what, why));
    wanted = plan;
  }

  public void start() {
    loop = Thread.ofPlatform().name("bgp").daemon().start(this::run);
  }

  /** Adds the sessions and the prefixes advertised to an observation (fields 60-69). */
  public void describe(Observation.Builder observation) {
    observation.addAllBgpSessions(sessions).addAllVipsAdvertised(advertisedNow);
  }

  private void run() {
    long nextStatus = 0;
    while (!closing) {
      try {
        step();
        if (System.nanoTime() - nextStatus >= 0 && applied.on()) {
          readStatus();
          nextStatus = System.nanoTime() + STATUS_PERIOD.toNanos();
        }
        Thread.sleep(PERIOD);
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("BGP: {}", e.toString());
        try {
          Thread.sleep(Duration.ofSeconds(1));
        } catch (InterruptedException x) {
          return;
        }
      }
    }
  }

  /** One turn: the plan, then the advertised set. */
  void step() throws IOException, InterruptedException {
    BgpPlan plan = wanted;
    String instance = frr.instance();
    if (instance == null) {
      if (plan.on() && !waitingLogged) {
        log.info("BGP: waiting for FRR in {} (its entrypoint writes 'ready')", frr.dir());
        waitingLogged = true;
      }
      return;
    }
    waitingLogged = false;
    if (!instance.equals(appliedTo) && appliedTo != null) {
      log.warn("BGP: FRR restarted (instance {}): configuring it again", instance);
    }
    if (!instance.equals(appliedTo)) {
      applied = BgpPlan.OFF;
      advertised = Set.of();
      advertisedNow = List.of();
      appliedTo = instance;
    }
    if (!plan.on() && !applied.on()) {
      return;
    }
    Advertising.Readiness r = readiness.get();
    Set<String> next = Advertising.advertised(plan, r);
    if (!plan.equals(applied)) {
      String error =
          frr.apply(FrrConfigRenderer.render(plan, hostname, routerId, next, interfaces));
      if (error != null) {
        throw new IOException("FRR refused the configuration: " + error);
      }
      log.info(
          "BGP: FRR configured: AS {}, {} neighbours, {} prefixes, advertising {}",
          plan.localAsn(),
          plan.neighbors().size(),
          plan.advertisements().size(),
          next);
      applied = plan;
      advertised = next;
      advertisedNow = List.copyOf(next);
      return;
    }
    if (!next.equals(advertised)) {
      String error = frr.configure(networkCommands(plan, advertised, next));
      if (error != null) {
        throw new IOException("FRR refused an advertisement change: " + error);
      }
      String unfit = Advertising.unfit(r);
      log.info(
          "BGP: advertising {} (was {}){}", next, advertised, unfit == null ? "" : ": " + unfit);
      advertised = next;
      advertisedNow = List.copyOf(next);
    }
  }

  /** Configuration commands that turn the advertised set {@code from} into {@code to}. */
  static List<String> networkCommands(BgpPlan plan, Set<String> from, Set<String> to) {
    List<String> cmds = new ArrayList<>();
    cmds.add("router bgp " + plan.localAsn());
    for (boolean v6 : new boolean[] {false, true}) {
      List<String> lines = new ArrayList<>();
      for (String p : new TreeSet<>(from)) {
        if (!to.contains(p) && p.contains(":") == v6) {
          lines.add("no network " + p);
        }
      }
      for (String p : new TreeSet<>(to)) {
        if (!from.contains(p) && p.contains(":") == v6) {
          lines.add("network " + p);
        }
      }
      if (!lines.isEmpty()) {
        cmds.add("address-family " + (v6 ? "ipv6" : "ipv4") + " unicast");
        cmds.addAll(lines);
        cmds.add("exit-address-family");
      }
    }
    return cmds;
  }

  private void readStatus() throws IOException, InterruptedException {
    String neighbors = frr.show("bgpd", "show bgp neighbors json");
    String bfd = frr.show("bfdd", "show bfd peers json");
    List<BgpSession> now = FrrStatus.sessions(applied, neighbors, bfd, md5Failing());
    sessions = now;
    for (BgpSession s : now) {
      byPeer.put(s.getPeer(), s);
      if (metered.add(s.getPeer())) {
        meter(s.getPeer());
      }
    }
  }

  /** Whether the kernel dropped TCP segments for their MD5 signature lately (this namespace). */
  private boolean md5Failing() {
    long count = md5Drops(Path.of("/proc/self/net/netstat"));
    if (md5Seen >= 0 && count > md5Seen) {
      md5FailedAtNanos = System.nanoTime();
    }
    md5Seen = count;
    return System.nanoTime() - md5FailedAtNanos < MD5_MEMORY.toNanos();
  }

  /** TcpExt's TCPMD5NotFound + TCPMD5Unexpected + TCPMD5Failure, or 0 when unreadable. */
  static long md5Drops(Path netstat) {
    try {
      List<String> lines = Files.readAllLines(netstat);
      for (int i = 0; i + 1 < lines.size(); i++) {
        if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
          String[] names = lines.get(i).split("\\s+");
          String[] values = lines.get(i + 1).split("\\s+");
          long sum = 0;
          for (int k = 1; k < names.length && k < values.length; k++) {
            if (names[k].startsWith("TCPMD5")) {
              sum += Long.parseLong(values[k]);
            }
          }
          return sum;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or a format this does not know: no hint
    }
    return 0;
  }

  private void meter(String peer) {
    Gauge.builder("gatun.bgp.session.up", () -> session(peer).getEstablished() ? 1 : 0)
        .description("1 while the BGP session with the peer is Established")
        .tag("peer", peer)
        .register(registry);
    Gauge.builder("gatun.bgp.bfd.up", () -> "up".equals(session(peer).getBfdState()) ? 1 : 0)
        .description("1 while the BFD session with the peer is up")
        .tag("peer", peer)
        .register(registry);
    Gauge.builder("gatun.bgp.prefixes.advertised", () -> session(peer).getPrefixesAdvertised())
        .description("Prefixes this forwarder advertises to the peer now")
        .tag("peer", peer)
        .register(registry);
    FunctionCounter.builder("gatun.bgp.updates.sent", this, s -> s.session(peer).getUpdatesSent())
        .description("BGP UPDATE messages sent to the peer (FRR's count for the session)")
        .tag("peer", peer)
        .register(registry);
    FunctionCounter.builder(
            "gatun.bgp.updates.received", this, s -> s.session(peer).getUpdatesReceived())
        .description("BGP UPDATE messages received from the peer (FRR's count for the session)")
        .tag("peer", peer)
        .register(registry);
  }

  private BgpSession session(String peer) {
    return byPeer.getOrDefault(peer, BgpSession.getDefaultInstance());
  }

  @Override
  public void close() {
    closing = true;
    Thread t = loop;
    if (t != null) {
      t.interrupt();
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (!frr.runsChild() && applied.on()) {
      // FRR outlives this agent in its own container: end the sessions now with a Cease, rather
      // than leave the peers to notice at their hold or BFD time that the kernel interface went.
      // Unless FRR is stopping too (a pod deleted: its containers get SIGTERM together, and
      // gatun-frr takes its ready token away first).
      try {
        String error =
            frr.instance() == null
                ? null
                : frr.apply(FrrConfigRenderer.off(hostname), Duration.ofSeconds(5));
        if (error != null) {
          log.warn("BGP: FRR refused the empty configuration at shutdown: {}", error);
        }
      } catch (IOException e) {
        log.warn("BGP: sessions not ended at shutdown: {}", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    frr.close();
  }
}
