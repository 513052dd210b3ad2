package io.gatun.operator.control;

import com.google.protobuf.ProtocolMessageEnum;
import io.gatun.control.delta.ObservationAssembly;
import io.gatun.control.delta.ObservationAssembly.VipChange;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.BgpSession;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.PortState;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.Owner;
import io.grpc.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connected forwarders and what each one runs.
 *
 * <p>Only acknowledgements count as progress: the snapshot version a forwarder claims in its Hello
 * may come from an earlier operator instance whose snapshot had other contents.
 */
public final class ForwarderFleet {

  private static final Logger log = LoggerFactory.getLogger(ForwarderFleet.class);

  /** One connected forwarder. Mutable fields are guarded by the fleet. */
  public static final class Member {
    private final String name;
    private final ForwarderView view;
    private final SnapshotSender sender;
    private final Hello hello;
    private final Instant connectedAt = Instant.now();
    private Instant lastHeardAt = connectedAt;
    private long applied;
    private long rejected;
    private String rejectError;
    private Map<String, String> refused =
        Map.of(); // in the applied snapshot version, by service key
    private List<PortState> portStates = List.of();
    // The VIPs it owns and the prefixes it advertises, from this connection's observations.
    private final ObservationAssembly vips = new ObservationAssembly();
    private double rxPacketsPerSecond;
    private List<BgpSession> bgpSessions = List.of();
    private boolean observedOnce; // its first observation is a baseline, not news

    private Member(String name, ForwarderView view, SnapshotSender sender, Hello hello) {
      this.name = name;
      this.view = view;
      this.sender = sender;
      this.hello = hello;
    }

    private ForwarderState state(AnnouncementBook announcements) {
      return new ForwarderState(
          name,
          view.node(),
          ForwarderView.names(view.capabilities()),
          hello.getPortsList(),
          portStates,
          applied,
          rejected > applied ? rejectError : null,
          new TreeMap<>(refused),
          List.copyOf(vips.owned()),
          announcements.peersOf(name),
          announcements.conflictsOf(name),
          rxPacketsPerSecond,
          connectedAt,
          lastHeardAt,
          bgpSessions,
          List.copyOf(vips.advertised()));
    }

    public String name() {
      return name;
    }

    public ForwarderView view() {
      return view;
    }
  }

  /** The node a forwarder serves: its Hello's node_name, or its name when that is empty. */
  static ForwarderView viewOf(Hello hello) {
    String node = hello.getNodeName().isBlank() ? hello.getForwarderName() : hello.getNodeName();
    return ForwarderView.of(node, hello.getCapabilities());
  }

  private final Map<String, Member> members = new LinkedHashMap<>();
  private final BackendHealthBook health = new BackendHealthBook();
  private final AnnouncementBook announcements = new AnnouncementBook();
  private final List<FleetListener> listeners = new CopyOnWriteArrayList<>();

  public void addListener(FleetListener listener) {
    listeners.add(listener);
  }

  /** Registers a forwarder that said Hello; a newer connection under the same name wins. */
  Member join(Hello hello, SnapshotSender sender) {
    var member = new Member(hello.getForwarderName(), viewOf(hello), sender, hello);
    Member replaced;
    synchronized (this) {
      replaced = members.put(member.name, member);
      announcements.joined(member.name, member.view.node());
    }
    if (replaced != null) {
      replaced.sender.fail(
          Status.ALREADY_EXISTS.withDescription("replaced by a newer connection of the same name"));
    }
    log.info(
        "Forwarder {} connected (node {}, capabilities {})",
        member.name,
        member.view.node(),
        ForwarderView.names(member.view.capabilities()));
    listeners.forEach(FleetListener::membershipChanged);
    listeners.forEach(listener -> listener.forwarderChanged(member.name));
    return member;
  }

  /** Forgets a connection that ended; a stale one (already replaced) changes nothing. */
  void leave(Member member, String why) {
    Set<Owner> probed;
    Set<String> unannounced;
    Set<String> bgpPools;
    Set<String> advertised;
    synchronized (this) {
      if (!members.remove(member.name, member)) {
        return;
      }
      probed = health.forget(member.name);
      unannounced = announcements.forget(member.name);
      bgpPools = poolsOf(member.bgpSessions);
      advertised =
          member.vips.advertised().stream()
              .map(ForwarderFleet::addressOf)
              .collect(Collectors.toSet());
    }
    log.info("Forwarder {} disconnected: {}", member.name, why);
    listeners.forEach(FleetListener::membershipChanged);
    listeners.forEach(listener -> listener.forwarderChanged(member.name));
    if (!probed.isEmpty()) {
      listeners.forEach(listener -> listener.healthChanged(probed));
    }
    if (!unannounced.isEmpty()) {
      listeners.forEach(listener -> listener.announcementsChanged(unannounced));
    }
    if (!bgpPools.isEmpty()) {
      listeners.forEach(listener -> listener.bgpSessionsChanged(bgpPools, List.of()));
    }
    if (!advertised.isEmpty()) {
      listeners.forEach(listener -> listener.advertisedChanged(advertised));
    }
  }

  /**
   * Takes in an observation: backend health, port state, VIPs owned, packet rate. Returns whether
   * the forwarder should be asked for a complete observation: this one's VIP changes do not follow
   * the last observation taken (a gap), so its VIPs stay as they were known until one comes (the
   * rest of it is taken).
   */
  boolean observed(Member member, Observation observation) {
    boolean completeWanted;
    Set<Owner> changed;
    AnnouncementBook.Outcome fleetNews;
    var crossings = new ArrayList<PassiveCrossing>();
    List<BgpSessionChange> sessionChanges = List.of();
    Set<String> bgpPools = Set.of();
    Set<String> advertisedChanged = Set.of();
    synchronized (this) {
      if (members.get(member.name) != member) {
        return false;
      }
      member.lastHeardAt = Instant.now();
      if (observation.getPortsCount() > 0) {
        member.portStates = List.copyOf(observation.getPortsList());
      }
      Optional<VipChange> taken = member.vips.take(observation);
      completeWanted = taken.isEmpty();
      VipChange vips = taken.orElse(VipChange.NONE);
      member.rxPacketsPerSecond = observation.getRxPacketsPerSecond();
      changed = health.record(member.name, observation, crossings);
      fleetNews = announcements.record(member.name, observation, vips, Instant.now());
      var sessions = List.copyOf(observation.getBgpSessionsList());
      if (!sessions.equals(member.bgpSessions)) {
        bgpPools = poolsOf(member.bgpSessions);
        bgpPools.addAll(poolsOf(sessions));
        if (member.observedOnce) {
          sessionChanges = BgpSessionChange.between(member.name, member.bgpSessions, sessions);
        }
        member.bgpSessions = sessions;
      }
      if (!vips.advertisedAdded().isEmpty() || !vips.advertisedWithdrawn().isEmpty()) {
        advertisedChanged =
            Stream.concat(vips.advertisedAdded().stream(), vips.advertisedWithdrawn().stream())
                .map(ForwarderFleet::addressOf)
                .collect(Collectors.toCollection(TreeSet::new));
      }
      member.observedOnce = true;
    }
    listeners.forEach(listener -> listener.forwarderChanged(member.name));
    if (!changed.isEmpty()) {
      listeners.forEach(listener -> listener.healthChanged(changed));
    }
    if (!crossings.isEmpty()) {
      var passive = List.copyOf(crossings);
      listeners.forEach(listener -> listener.passiveCrossings(passive));
    }
    if (!fleetNews.moves().isEmpty()) {
      listeners.forEach(listener -> listener.vipsMoved(fleetNews.moves()));
    }
    if (!fleetNews.conflicts().isEmpty()) {
      listeners.forEach(listener -> listener.addressConflicts(fleetNews.conflicts()));
    }
    if (!fleetNews.addresses().isEmpty()) {
      listeners.forEach(listener -> listener.announcementsChanged(fleetNews.addresses()));
    }
    if (!advertisedChanged.isEmpty()) {
      var vips = Set.copyOf(advertisedChanged);
      listeners.forEach(listener -> listener.advertisedChanged(vips));
    }
    if (!bgpPools.isEmpty()) {
      var pools = Set.copyOf(bgpPools);
      var news = sessionChanges;
      listeners.forEach(listener -> listener.bgpSessionsChanged(pools, news));
    }
    return completeWanted;
  }

  /** The Pools the sessions name. */
  private static Set<String> poolsOf(List<BgpSession> sessions) {
    return sessions.stream()
        .flatMap(s -> s.getPoolsList().stream())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** One connected forwarder's BGP session, for a Pool's status. */
  public record PoolSession(String forwarder, String node, BgpSession session) {}

  /**
   * The BGP sessions of the connected forwarders that serve {@code pool}, by forwarder and peer.
   */
  public synchronized List<PoolSession> bgpSessionsOf(String pool) {
    return sortedMembers().stream()
        .flatMap(
            m ->
                m.bgpSessions.stream()
                    .filter(s -> s.getPoolsList().contains(pool))
                    .sorted(Comparator.comparing(BgpSession::getPeer))
                    .map(s -> new PoolSession(m.name, m.view.node(), s)))
        .toList();
  }

  /** Every probe verdict the connected forwarders hold on {@code owner}'s backends. */
  public synchronized List<ProbeResult> healthOf(Owner owner) {
    return health.of(owner);
  }

  /** The port names of each connected forwarder, by its node. */
  public synchronized Map<String, Set<String>> portsByNode() {
    var ports = new TreeMap<String, Set<String>>();
    for (Member member : members.values()) {
      member
          .hello
          .getPortsList()
          .forEach(
              port ->
                  ports
                      .computeIfAbsent(member.view.node(), n -> new TreeSet<>())
                      .add(port.getName()));
    }
    return ports;
  }

  /** Who answers for each of {@code vips} now, as the connected forwarders report it. */
  public synchronized List<VipAnnouncer> announcers(Collection<String> vips) {
    var all = new ArrayList<>(announcements.announcers(vips));
    // BGP: every forwarder advertising the VIP announces it (since: its connection, the earliest
    // the operator can vouch for). Looked up by the VIP's host prefix: a LoadBalancer asks about
    // one or two VIPs, and a forwarder may advertise thousands (a scan of them per reconcile made
    // a burst of BGP LoadBalancers quadratic).
    var asked = new LinkedHashSet<>(vips);
    for (Member m : sortedMembers()) {
      Set<String> advertised = m.vips.advertised();
      for (String address : asked) {
        if (advertises(advertised, address)) {
          all.add(new VipAnnouncer(address, m.name, m.view.node(), m.connectedAt));
        }
      }
    }
    return all;
  }

  /** Whether {@code advertised} (FRR's prefixes, "198.18.0.10/32") holds {@code address}. */
  private static boolean advertises(Set<String> advertised, String address) {
    return advertised.contains(address + (address.indexOf(':') < 0 ? "/32" : "/128"))
        || advertised.contains(address);
  }

  /** The address conflicts on {@code vips} reported lately (the recent past of {@code now}). */
  public synchronized List<CurrentConflict> conflicts(Collection<String> vips, Instant now) {
    return announcements.conflicts(vips, now);
  }

  /** "198.18.0.10/32" → "198.18.0.10". */
  private static String addressOf(String prefix) {
    int slash = prefix.indexOf('/');
    return slash < 0 ? prefix : prefix.substring(0, slash);
  }

  /** What is known about a connected forwarder; empty when it is not connected. */
  public synchronized Optional<ForwarderState> state(String name) {
    return Optional.ofNullable(members.get(name)).map(m -> m.state(announcements));
  }

  void acknowledged(Member member, Ack ack) {
    long before;
    long upTo;
    Set<Owner> refusalsChanged = Set.of();
    synchronized (this) {
      if (members.get(member.name) != member) {
        return;
      }
      before = member.applied;
      if (ack.getApplied()) {
        if (ack.getSnapshotVersion() >= member.applied) {
          // The refusals describe the snapshot version the forwarder now runs, and only that one.
          var refused = new TreeMap<String, String>();
          ack.getRefusedList()
              .forEach(
                  r ->
                      refused.put(
                          r.getServiceKey(),
                          r.getError().isEmpty() ? "no reason given" : r.getError()));
          refusalsChanged = ownersOfChanges(member.refused, refused);
          member.refused = refused;
        }
        member.applied = Math.max(member.applied, ack.getSnapshotVersion());
        if (member.rejected <= member.applied) {
          member.rejected = 0;
          member.rejectError = null;
        }
      } else {
        member.rejected = Math.max(member.rejected, ack.getSnapshotVersion());
        member.rejectError = ack.getError().isEmpty() ? "no reason given" : ack.getError();
      }
      upTo = Math.max(member.applied, member.rejected);
    }
    if (!ack.getApplied()) {
      log.warn(
          "Forwarder {} rejected snapshot version {}: {}",
          member.name,
          ack.getSnapshotVersion(),
          ack.getError());
    } else if (ack.getRefusedCount() > 0) {
      log.warn(
          "Forwarder {} applied snapshot version {} but refused {} service(s), e.g. {}: {}",
          member.name,
          ack.getSnapshotVersion(),
          ack.getRefusedCount(),
          ack.getRefused(0).getServiceKey(),
          ack.getRefused(0).getError());
    } else {
      log.debug("Forwarder {} applied snapshot version {}", member.name, ack.getSnapshotVersion());
    }
    listeners.forEach(listener -> listener.progressed(member.name, before, upTo));
    if (!refusalsChanged.isEmpty()) {
      var owners = refusalsChanged;
      listeners.forEach(listener -> listener.refusalsChanged(owners));
    }
    listeners.forEach(listener -> listener.forwarderChanged(member.name));
  }

  /**
   * The LoadBalancers with a service refused in one map and not the other, or for another reason.
   */
  private static Set<Owner> ownersOfChanges(Map<String, String> was, Map<String, String> now) {
    var keys = new TreeSet<String>(was.keySet());
    keys.addAll(now.keySet());
    var owners = new TreeSet<Owner>();
    for (String key : keys) {
      if (!Objects.equals(was.get(key), now.get(key))) {
        ServiceKeys.ownerOf(key).ifPresent(owners::add);
      }
    }
    return owners;
  }

  /**
   * Where every connected forwarder stands with respect to {@code snapshotVersion}, for a
   * configuration that needs the capabilities {@code requires} and consists of the services {@code
   * keys}.
   */
  public synchronized Programming programming(
      long snapshotVersion, Set<? extends ProtocolMessageEnum> requires, Set<String> keys) {
    var progress = new ArrayList<Programming.ForwarderProgress>();
    boolean failed = false;
    boolean refused = false;
    boolean unsupported = false;
    boolean allProgrammed = true;
    for (Member member : sortedMembers()) {
      Set<String> lacking = member.view.lacks(requires);
      boolean programmed = lacking.isEmpty() && member.applied >= snapshotVersion;
      String error = null;
      boolean refusing = false;
      if (!lacking.isEmpty()) {
        error =
            "lacks "
                + String.join(", ", lacking)
                + " (offers "
                + String.join(", ", ForwarderView.names(member.view.capabilities()))
                + ")";
        unsupported = true;
      } else if (programmed) {
        // It runs the snapshot version, except what it refused of it.
        String refusals =
            keys.stream()
                .sorted()
                .filter(member.refused::containsKey)
                .map(key -> key + ": " + member.refused.get(key))
                .collect(Collectors.joining("; "));
        if (!refusals.isEmpty()) {
          programmed = false;
          error = refusals;
          refusing = true;
          refused = true;
        }
      } else if (member.rejected >= snapshotVersion) {
        error = member.rejectError;
        failed = true;
      }
      progress.add(
          new Programming.ForwarderProgress(
              member.name, programmed, member.applied, error, refusing));
      allProgrammed &= programmed;
    }
    Programming.State state;
    if (progress.isEmpty()) {
      state = Programming.State.NO_FORWARDERS;
    } else if (failed) {
      state = Programming.State.FAILED;
    } else if (refused) {
      state = Programming.State.REFUSED;
    } else if (unsupported) {
      state = Programming.State.UNSUPPORTED;
    } else if (allProgrammed) {
      state = Programming.State.PROGRAMMED;
    } else {
      state = Programming.State.PENDING;
    }
    return new Programming(snapshotVersion, state, progress);
  }

  /**
   * Whether a connected forwarder has yet to answer {@code snapshotVersion}, by applying or
   * rejecting it (or a later one): its answer will tell the listeners {@link
   * FleetListener#progressed}, and its departure {@link FleetListener#membershipChanged}.
   */
  public synchronized boolean answerAwaited(long snapshotVersion) {
    for (Member member : members.values()) {
      if (Math.max(member.applied, member.rejected) < snapshotVersion) {
        return true;
      }
    }
    return false;
  }

  /** Where the forwarders stand with {@code desired}, published in {@code snapshotVersion}. */
  public Programming programming(long snapshotVersion, DesiredServices desired) {
    return programming(
        snapshotVersion,
        desired.requires(),
        desired.services().stream().map(VirtualService::getKey).collect(Collectors.toSet()));
  }

  public Programming programming(
      long snapshotVersion, Set<? extends ProtocolMessageEnum> requires) {
    return programming(snapshotVersion, requires, Set.of());
  }

  public Programming programming(long snapshotVersion) {
    return programming(snapshotVersion, Set.of());
  }

  /** Offers every connected forwarder the latest snapshot. */
  public void sendLatestToAll() {
    List<Member> current;
    synchronized (this) {
      current = List.copyOf(members.values());
    }
    current.forEach(member -> member.sender.sendLatest());
  }

  /** The nodes of the connected forwarders. */
  public synchronized Set<String> nodes() {
    return members.values().stream().map(m -> m.view.node()).collect(Collectors.toSet());
  }

  public synchronized List<String> names() {
    return sortedMembers().stream().map(Member::name).toList();
  }

  /** Ends every stream normally: the operator is stopping. */
  public void closeAll() {
    List<Member> current;
    synchronized (this) {
      current = List.copyOf(members.values());
      members.clear();
    }
    current.forEach(member -> member.sender.complete());
  }

  private List<Member> sortedMembers() {
    return members.values().stream().sorted(Comparator.comparing(Member::name)).toList();
  }
}
