package io.gatun.forwarder.fleet;

import io.gatun.control.Address;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPeer;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.VipMove;
import io.gatun.forwarder.dataplane.WorkerWatch;
import io.gatun.fwd.Punted;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * L2 ownership among the forwarders of one cluster, learned on the data segment itself. Every
 * interval this forwarder advertises itself on each port (through worker 0, so a forwarder whose
 * workers stop looping falls silent, and one whose port is down cannot be heard: "cannot hear the
 * owner" means "clients here cannot reach it either"); it reads its peers' advertisements from the
 * data plane's punt queue, and owns each served address whose rendezvous winner among the live
 * forwarders it is. On gaining an address it sets the data plane's owned set first, then sends
 * gratuitous ARPs / unsolicited NAs; on losing one it stops answering but keeps forwarding (every
 * forwarder forwards every VIP), so a move loses nothing in flight.
 *
 * <p>Like a VRRP backup, a forwarder listens for a down interval before it claims anything (at
 * start and after its port or workers recover), so a joining forwarder learns who is there instead
 * of claiming every VIP for a moment. It advertises meanwhile, marked listening. Peers elect owners
 * among the claiming forwarders and the listeners that were already listening when they began to
 * claim (forwarders starting together: each claims only its share); a listener that joined later is
 * left out until it claims, so its peers keep what it will take until then (it announces before
 * they, hearing its claim, stop), and an owner that dies meanwhile is replaced by a claiming peer
 * at once, not by the listener: no address goes unanswered in between.
 *
 * <p>Before its first snapshot is applied ({@link #ready}) a forwarder is silent: it hears its
 * peers but does not advertise, since its data plane has nothing to forward (restarted on a busy
 * machine, it may take seconds to reach its operator; one that owned addresses before it restarted
 * falls silent for its peers like a dead one). Its listening begins when it is ready.
 *
 * <p>Two forwarders answering for one address (a healing partition, heard as the data plane's
 * conflict report) resolve it by rendezvous between the two: the loser yields the address for a
 * while, the winner announces again. A foreign MAC is counted and reported.
 *
 * <p>A VIP with a NAT-mode service is owned with the return-path gateway of its family (elected by
 * the gateway's address): its backends send their replies to the gateway's owner, so forward and
 * return paths meet at one forwarder, and after a move both go to the same new one (whose data
 * plane makes a flow from whichever arrives first). Without a gateway each VIP goes its own way.
 *
 * <p>One thread runs {@link #tick} every millisecond; the tests call it with their own clock.
 */
public final class Fleet implements Announcer {
  private static final Logger log = LoggerFactory.getLogger(Fleet.class);
  private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();
  private static final int MAX_PUNTED_PER_TURN = 256;

  /**
   * Looks at a still loop count before the workers count as stopped (idle back-off sleeps), and at
   * least as long as peers wait for a silent forwarder: a worker that stands still for less (not
   * scheduled for a moment on a busy machine) is not a dead one, and peers would not notice its
   * advertisements late either. Three looks alone were 40-60 ms at 20 ms intervals, and forwarders
   * on two loaded cores gave everything up and claimed it back a hundred times in ten minutes.
   */
  private static final int STUCK_LOOKS = 3;

  static final int MAX_MOVES = 32;
  static final int LEAVING_ADVERTISEMENTS = 3;

  private final FleetSettings settings;
  private final String self;
  private final String node;
  private final FleetDataPlane dataPlane;
  private final FleetMetrics metrics;
  private final AdvertisementCodec codec;
  private final PeerTable peers;
  private final Candidates candidates;
  private final LongSupplier nanos;
  private final LongSupplier unixMillis;
  private final List<byte[]> portMacs;
  private final WorkerWatch workers = new WorkerWatch();
  private final ConflictBook conflicts = new ConflictBook();
  private final Deque<VipMove> moves = new ArrayDeque<>();
  private final Set<Rejection> rejectionsLogged = EnumSet.noneOf(Rejection.class);

  /** Addresses yielded to a peer after a conflict, until when. */
  private final Map<String, Long> yielded = new HashMap<>();

  private Set<InetAddress> served = Set.of();

  /** The operator's per-Pool timers and per-VIP candidates (Snapshot.fleet). */
  private FleetPlan plan = FleetPlan.NONE;

  /** Under each Pool's timers, the peers alive at the last turn: a Pool's own "peer gone". */
  private Map<FleetPlan.Timers, Set<String>> aliveByTimers = Map.of();

  /** The smallest interval among the served VIPs' Pools (the flags' without Pools). */
  private Duration advertiseEvery;

  /** The served VIPs with a NAT-mode service, as text: owned with their family's gateway. */
  private Set<String> natVips = Set.of();

  private Map<String, InetAddress> owned = new TreeMap<>();
  private volatile List<String> ownedText = List.of();
  private volatile int peersAlive;
  private long sequence;
  private boolean started;
  private long nextAdvertisementAt;
  private boolean listening = true;
  private long listenUntil;

  /** A snapshot was applied: the data plane has something to forward ({@link #ready}). */
  private boolean ready;

  /** What the last advertisement said: a change is advertised at once. */
  private boolean advertisedClaiming;

  /**
   * The peers that were listening when this forwarder began to claim: they began with it and are
   * counted as candidates (each claims only its share); later listeners are not until they claim.
   */
  private Set<String> coListeners = Set.of();

  private boolean healthy = true;
  private int stillLooks;

  /** When the workers' loop counts last moved (a look found them moving). */
  private long loopedAt;

  private boolean leaving;

  /** False at first: the data plane answers for every VIP until it is given an owned set. */
  private boolean dataPlaneInSync = false;

  private boolean dirty = true;
  private String why = "served";
  private long detectedAt = -1;
  private volatile boolean running;
  private Thread thread;

  /**
   * @param self this forwarder's name (its id in the fleet)
   * @param nanos a monotonic clock ({@link System#nanoTime})
   * @param unixMillis the wall clock: reports, and the first sequence number
   */
  public Fleet(
      FleetSettings settings,
      String self,
      String node,
      FleetDataPlane dataPlane,
      Candidates candidates,
      MeterRegistry registry,
      LongSupplier nanos,
      LongSupplier unixMillis) {
    this.settings = settings;
    this.self = self;
    this.node = node;
    this.dataPlane = dataPlane;
    this.candidates = candidates;
    this.codec = new AdvertisementCodec(settings.key());
    this.peers = new PeerTable(settings.multiplier());
    this.nanos = nanos;
    this.unixMillis = unixMillis;
    this.metrics = new FleetMetrics(registry, () -> ownedText.size(), () -> peersAlive);
    this.advertiseEvery = settings.interval();
    this.portMacs =
        java.util.stream.IntStream.range(0, dataPlane.portCount())
            .mapToObj(dataPlane::portMac)
            .toList();
    // Above every number an earlier run of this forwarder used (peers remember them).
    this.sequence = unixMillis.getAsLong() * 1000;
  }

  public static Fleet running(
      FleetSettings settings,
      String self,
      String node,
      FleetDataPlane dataPlane,
      MeterRegistry registry) {
    return new Fleet(
        settings,
        self,
        node,
        dataPlane,
        Candidates.EVERY_LIVE,
        registry,
        System::nanoTime,
        System::currentTimeMillis);
  }

  @Override
  public synchronized void start() {
    running = true;
    thread =
        Thread.ofPlatform()
            .daemon()
            .name("fleet")
            .start(
                () -> {
                  while (running) {
                    try {
                      tick(nanos.getAsLong());
                    } catch (RuntimeException e) {
                      log.error("fleet turn failed; going on", e);
                    }
                    LockSupport.parkNanos(POLL_NANOS);
                  }
                });
  }

  @Override
  public synchronized void serveNat(Collection<InetAddress> vips) {
    Set<String> next = new TreeSet<>();
    vips.forEach(v -> next.add(Address.text(v)));
    if (!next.equals(natVips)) {
      natVips = next;
      changed("served");
    }
  }

  /**
   * What rendezvous hashes for {@code address}: a NAT VIP's family gateway (so the two share an
   * owner), else the address itself.
   */
  private String electedAs(String address) {
    if (natVips.contains(address)) {
      boolean v6 = address.contains(":");
      for (InetAddress gateway : settings.gateways()) {
        if ((gateway instanceof Inet6Address) == v6) {
          return Address.text(gateway);
        }
      }
    }
    return address;
  }

  @Override
  public synchronized void serve(Collection<InetAddress> vips) {
    Set<InetAddress> next = Set.copyOf(vips);
    if (!next.equals(served)) {
      served = next;
      planned();
      changed("served");
    }
  }

  /**
   * Takes the operator's per-Pool timers and per-VIP candidates (Snapshot.fleet): this forwarder
   * advertises at the smallest interval among the Pools it serves, judges a peer gone for a VIP
   * after that VIP's Pool's interval × multiplier, sends its Pool's gratuitous ARPs, and elects
   * each VIP's owner among the live forwarders on its candidate nodes.
   */
  @Override
  public synchronized void configure(FleetConfig config) {
    FleetPlan next = FleetPlan.of(config);
    plan = next;
    planned();
    changed("fleet configuration");
  }

  private void planned() {
    peers.retainAtLeast(plan.longestDownNanos());
    Duration every =
        plan.advertisementInterval(
            served.stream().map(Address::text).toList(), settings.interval());
    if (!every.equals(advertiseEvery)) {
      log.info(
          "advertising every {} ms (the smallest interval of the Pools served)", every.toMillis());
      advertiseEvery = every;
    }
  }

  /**
   * The first snapshot is applied: this forwarder begins to advertise, listening for a down
   * interval (peers learn it is there) before it claims its share.
   */
  @Override
  public synchronized void ready() {
    if (!ready) {
      ready = true;
      long now = nanos.getAsLong();
      if (started && healthy) {
        listening = true;
        listenUntil = now + settings.downInterval().toNanos();
        nextAdvertisementAt = now;
      }
      log.info("snapshot applied: advertising, claiming after a down interval of listening");
      changed("snapshot applied");
    }
  }

  /** Whether this forwarder takes what rendezvous gives it (peers count it then). */
  private boolean claiming() {
    return ready && !listening;
  }

  @Override
  public List<String> owned() {
    return ownedText;
  }

  /** One turn: read what was punted, expire peers, advertise when due, re-elect on a change. */
  synchronized void tick(long now) {
    if (!started) {
      started = true;
      loopedAt = now;
      listenUntil = now + settings.downInterval().toNanos();
      nextAdvertisementAt = now; // heard at once, as listening
      log.info(
          "fleet {}: listening {} ms for peers before claiming addresses",
          settings.key().clusterId(),
          settings.downInterval().toMillis());
    }
    for (int i = 0; i < MAX_PUNTED_PER_TURN; i++) {
      Optional<Punted> punted = dataPlane.readPunted();
      if (punted.isEmpty()) {
        break;
      }
      switch (punted.get()) {
        case Punted.FleetFrame f -> heard(f, now);
        case Punted.AddressConflict c -> conflict(c, now);
      }
      if (dirty) {
        // At once: a peer's claim heard here, a hand-over's GARPs behind it in the queue are
        // judged against what this forwarder owns after the claim, not as a conflict.
        elect(now);
      }
    }
    for (Peer gone : peers.expire(now)) {
      log.info(
          "peer {} ({}) fell silent ({} ms since its last advertisement, at {} ms): taking over"
              + " what it owned",
          gone.id(),
          gone.node(),
          (now - gone.heardAtNanos()) / 1_000_000,
          gone.interval().toMillis());
      detected(now);
      changed("peer " + gone.id() + " gone");
    }
    poolDeaths(now);
    if (yielded.values().removeIf(until -> now - until >= 0)) {
      changed("conflict yield over");
    }
    if (listening && ready && now - listenUntil >= 0) {
      listening = false;
      coListeners = peers.listening();
      changed("listened for peers");
    }
    if (healthy && !leaving && ready && claiming() != advertisedClaiming) {
      nextAdvertisementAt = now; // peers hear a claim before this forwarder's GARPs
    }
    if (now - nextAdvertisementAt >= 0) {
      nextAdvertisementAt = now + advertiseEvery.toNanos();
      if (!leaving) {
        checkSelf(now); // a leaving forwarder owns nothing whatever its state
      }
      if (healthy && !leaving && ready) {
        advertise(Advertisement.DEFAULT_PRIORITY);
      }
    }
    if (dirty || !dataPlaneInSync) {
      // Also an owned set held back from a worker that stood still: it goes to the data plane as
      // soon as the worker loops again, not at the next change (there may be none).
      elect(now);
    }
  }

  /** A peer silent longer than a Pool's timers allow is gone for that Pool's VIPs. */
  private void poolDeaths(long now) {
    if (aliveByTimers.isEmpty() && plan.allTimers().isEmpty()) {
      return;
    }
    var next = new HashMap<FleetPlan.Timers, Set<String>>();
    for (FleetPlan.Timers timers : plan.allTimers()) {
      Set<String> alive = peers.aliveWithin(now, timers::downNanos);
      Set<String> before = aliveByTimers.get(timers);
      if (before != null) {
        for (String id : before) {
          if (!alive.contains(id)) {
            log.info(
                "peer {} silent past {} ms x {}: taking over its VIPs of that Pool",
                id,
                timers.interval().toMillis(),
                timers.multiplier());
            detected(now);
            changed("peer " + id + " gone");
          }
        }
      }
      next.put(timers, alive);
    }
    aliveByTimers = next;
  }

  private void heard(Punted.FleetFrame frame, long now) {
    switch (codec.decode(frame.frame())) {
      case AdvertisementCodec.Rejected r -> {
        metrics.rejected(r.reason());
        if (rejectionsLogged.add(r.reason())) {
          log.warn(
              "ignoring a fleet advertisement ({}: {}); further ones are only counted",
              r.reason().label(),
              r.detail());
        }
      }
      case AdvertisementCodec.Accepted a -> {
        Advertisement ad = a.advertisement();
        if (ad.forwarderId().equals(self)) {
          return; // our own, looped back by the segment
        }
        metrics.received();
        switch (peers.heard(ad, a.mac(), now)) {
          case JOINED -> {
            log.info(
                "peer {} ({}, {}) joined{}",
                ad.forwarderId(),
                ad.node(),
                a.mac(),
                ad.listening() ? ", listening" : "");
            changed("peer " + ad.forwarderId() + " joined");
          }
          case CLAIMING -> {
            log.info("peer {} ({}) claims its share", ad.forwarderId(), ad.node());
            changed("peer " + ad.forwarderId() + " joined");
          }
          case LISTENING -> {
            log.info(
                "peer {} ({}) listens again (restarted or recovered): taking over what it owned",
                ad.forwarderId(),
                ad.node());
            detected(now);
            changed("peer " + ad.forwarderId() + " restarted");
          }
          case LEFT -> {
            log.info(
                "peer {} ({}) is leaving: taking over what it owned", ad.forwarderId(), ad.node());
            detected(now);
            changed("peer " + ad.forwarderId() + " left");
          }
          case REFRESHED -> {}
        }
      }
    }
  }

  private void conflict(Punted.AddressConflict c, long now) {
    String address = Address.text(c.address());
    Optional<String> peer = peers.whoseMac(c.macText()).filter(id -> !id.equals(self));
    metrics.conflict(peer.isPresent());
    conflicts.record(c, peer, unixMillis.getAsLong());
    if (!owned.containsKey(address)) {
      return; // reported for an address given up since
    }
    if (peer.isEmpty()) {
      log.warn(
          "address conflict: {}, owned here, is claimed by {} (via {}), no forwarder of this fleet",
          address,
          c.macText(),
          c.via());
      return;
    }
    String winner =
        Rendezvous.owner(electedAs(address), candidatesFor(address, Set.of(self, peer.get())))
            .orElse(self);
    if (winner.equals(self)) {
      log.warn(
          "{} answers for {} too; it loses to this forwarder: announcing again",
          peer.get(),
          address);
      announce(address, c.address());
    } else {
      log.warn("{} answers for {} too and wins it: yielding it", peer.get(), address);
      yielded.put(address, now + 3 * settings.downInterval().toNanos());
      changed("conflict with " + peer.get());
    }
  }

  /** Stops advertising when its port is down or its workers stopped; listens again after. */
  private void checkSelf(long now) {
    boolean linksUp = !portMacs.isEmpty();
    for (int i = 0; i < portMacs.size(); i++) {
      linksUp &= dataPlane.linkUp(i);
    }
    String stuck = workers.stuck(dataPlane.workerLoops());
    stillLooks = stuck == null ? 0 : stillLooks + 1;
    if (stuck == null) {
      loopedAt = now;
    }
    long downNanos = advertiseEvery.multipliedBy(settings.multiplier() + 1L).toNanos();
    boolean stopped = stillLooks >= STUCK_LOOKS && now - loopedAt >= downNanos;
    boolean fine = linksUp && !stopped;
    if (healthy && !fine) {
      healthy = false;
      String reason = linksUp ? stuck : "port down";
      log.warn("giving every address up and falling silent: {}", reason);
      peers.clear();
      changed(reason);
    } else if (!healthy && fine) {
      healthy = true;
      listening = true;
      listenUntil = now + settings.downInterval().toNanos();
      log.info("port and workers fine again: listening for peers before claiming addresses");
    }
  }

  private void advertise(int priority) {
    advertisedClaiming = claiming();
    Advertisement ad =
        new Advertisement(
            settings.key().clusterId(),
            self,
            node,
            priority,
            ++sequence,
            advertiseEvery,
            listening);
    for (int port = 0; port < portMacs.size(); port++) {
      if (dataPlane.sendFrame(port, codec.encode(ad, portMacs.get(port)))) {
        metrics.sent();
      }
    }
  }

  private void detected(long now) {
    if (detectedAt < 0) {
      detectedAt = now;
    }
  }

  private void changed(String reason) {
    dirty = true;
    why = reason;
  }

  /** Owns what rendezvous gives this forwarder among the live ones, and tells the data plane. */
  private void elect(long now) {
    dirty = false;
    Map<String, InetAddress> next = new TreeMap<>();
    Set<String> alive = peers.alive();
    peersAlive = alive.size();
    if (healthy && !leaving && claiming()) {
      // Among the claiming forwarders and those that began listening with this one: a later
      // listener takes nothing until it claims (and then announces before the owner, hearing its
      // claim, stops), and inherits nothing meanwhile.
      Set<String> waiting = peers.listening();
      coListeners = coListeners.stream().filter(waiting::contains).collect(Collectors.toSet());
      waiting.removeAll(coListeners);
      Set<String> live = new TreeSet<>(alive);
      live.removeAll(waiting);
      live.add(self);
      for (InetAddress address : targets()) {
        String text = Address.text(address);
        Set<String> liveForIt = live;
        var timers = plan.timers(text);
        if (timers.isPresent()) {
          // Its Pool's own rule of who is alive: heard within interval x multiplier.
          liveForIt = new TreeSet<>(peers.aliveWithin(now, timers.get()::downNanos));
          liveForIt.retainAll(live);
          liveForIt.add(self);
        }
        String winner =
            Rendezvous.owner(electedAs(text), candidatesFor(text, liveForIt)).orElse("");
        if (winner.equals(self) && !yielded.containsKey(text)) {
          next.put(text, address);
        }
      }
    }
    Set<String> gained = new TreeSet<>(next.keySet());
    gained.removeAll(owned.keySet());
    Set<String> lost = new TreeSet<>(owned.keySet());
    lost.removeAll(next.keySet());
    if (!gained.isEmpty() || !lost.isEmpty() || !dataPlaneInSync) {
      // A stopped worker never passes the owned set's grace period: leave the set alone then
      // (the worker answers nothing anyway) and set it once it loops again.
      dataPlaneInSync = stillLooks == 0;
      if (dataPlaneInSync) {
        dataPlane.setOwned(next.values());
      }
      owned = next;
      ownedText = List.copyOf(next.keySet());
      for (String address : gained) {
        announce(address, next.get(address));
      }
      if (!gained.isEmpty() && detectedAt >= 0) {
        long took = nanos.getAsLong() - detectedAt;
        metrics.failover(took);
        log.info("takeover: first GARP {} us after the peer was found gone", took / 1000);
      }
      metrics.acquired(gained.size());
      metrics.released(lost.size());
      gained.forEach(a -> moved(a, true));
      lost.forEach(a -> moved(a, false));
      if (!gained.isEmpty() || !lost.isEmpty()) {
        log.info("took {}, gave up {} ({}); owning {}", gained, lost, why, ownedText);
      }
    }
    detectedAt = -1;
  }

  /** The candidates for {@code address} among {@code live}: the seam's, narrowed by the plan. */
  private Set<String> candidatesFor(String address, Set<String> live) {
    return plan.narrow(
        address, candidates.among(address, live), id -> id.equals(self) ? node : peers.nodeOf(id));
  }

  /**
   * Gratuitous ARPs / unsolicited NAs for a taken address, as many and as spaced as its Pool says.
   */
  private void announce(String text, InetAddress address) {
    var timers = plan.timers(text);
    int count = timers.map(FleetPlan.Timers::garpCount).orElse(settings.garpCount());
    Duration spacing = timers.map(FleetPlan.Timers::garpInterval).orElse(settings.garpInterval());
    dataPlane.announce(address, count, spacing);
    metrics.garps(count);
  }

  private Set<InetAddress> targets() {
    Set<InetAddress> all = new LinkedHashSet<>(served);
    all.addAll(settings.gateways());
    return all;
  }

  private void moved(String address, boolean gained) {
    moves.addLast(
        VipMove.newBuilder()
            .setAddress(address)
            .setGained(gained)
            .setReason(why)
            .setAtUnixMillis(unixMillis.getAsLong())
            .build());
    while (moves.size() > MAX_MOVES) {
      moves.removeFirst();
    }
  }

  @Override
  public synchronized void describe(Observation.Builder observation) {
    for (Peer p : peers.peers()) {
      observation.addPeersSeen(
          FleetPeer.newBuilder()
              .setName(p.id())
              .setNode(p.node())
              .setMac(p.mac())
              .setPriority(p.priority()));
    }
    observation.addAllAddressConflicts(conflicts.all());
    observation.addAllVipMoves(moves);
  }

  @Override
  public synchronized void leave() {
    if (leaving) {
      return;
    }
    leaving = true;
    log.info(
        "leaving the fleet: handing every address over, forwarding for {} ms more",
        settings.drainGrace().toMillis());
    if (healthy && claiming()) {
      for (int i = 0; i < LEAVING_ADVERTISEMENTS; i++) {
        advertise(Advertisement.LEAVING);
      }
    }
    changed("leaving");
    elect(nanos.getAsLong());
  }

  @Override
  public Duration drainGrace() {
    return settings.drainGrace();
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
