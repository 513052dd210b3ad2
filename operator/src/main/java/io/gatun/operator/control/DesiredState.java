package io.gatun.operator.control;

import io.gatun.control.delta.DesiredVersion;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.Owner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The complete desired state for the data plane: every LoadBalancer's virtual services, under one
 * monotonic snapshot version.
 *
 * <p>Each real change bumps the snapshot version and tells the listeners (who push the latest
 * snapshot to the forwarders); publishing the same services again changes nothing. For each
 * LoadBalancer it remembers the snapshot version in which its current services first appeared: a
 * forwarder that runs that snapshot version or a later one runs that LoadBalancer's configuration.
 *
 * <p>After a restart the first snapshot must be complete, or forwarders would drop every service
 * not yet reconciled: {@link #holdUntilHeardFrom} keeps snapshots back until each LoadBalancer
 * known at start-up has published or withdrawn once.
 *
 * <p>Snapshot versions must keep growing across operator restarts, because a forwarder never
 * applies a snapshot version lower than the one it runs. The first one is seeded from the clock,
 * and {@link #advancePast} lifts it above whatever a connecting forwarder reports.
 */
public final class DesiredState {

  private record Published(DesiredServices desired, long snapshotVersion, long atNanos) {}

  private final Map<Owner, Published> published = new HashMap<>();
  // The same owners by the snapshot version of their current services (each version is one
  // owner's: a publish that changes something bumps it), so an Ack finds what it programmed
  // without a pass over every LoadBalancer.
  private final NavigableMap<Long, Owner> ownersByVersion = new TreeMap<>();
  // The same owners by the VIPs of their services, for news about a VIP (who announces it).
  private final Map<String, Set<Owner>> ownersByVip = new HashMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private long snapshotVersion;
  private final Map<ForwarderView, Snapshot> snapshots = new HashMap<>(); // built lazily
  // Each view's services by key, kept up to date by every publish and withdrawal once a snapshot
  // was built for the view: a snapshot is then a copy of references, not a pass over every
  // LoadBalancer's services and a sort (at 10,000 LoadBalancers, one per message sent).
  private final Map<ForwarderView, TreeMap<String, VirtualService>> servicesByView =
      new HashMap<>();
  // The fleet configuration, rebuilt only when some LoadBalancer's share changed: the same object
  // otherwise, which the senders' comparison takes at a glance. Null: to be rebuilt.
  private Optional<FleetConfig> fleet;
  // Every LoadBalancer's fleet share by pool name and by VIP address, each by owner: the first
  // owner's wins (as a VIP shared by LoadBalancers keeps the first share). Kept up to date by every
  // publish and withdrawal, so the fleet configuration is a pass over them, not a sort of every
  // owner and a merge of every share (a tenth of the operator's time creating 10,000, JFR).
  private final TreeMap<String, TreeMap<Owner, FleetPool>> poolShares = new TreeMap<>();
  private final TreeMap<String, TreeMap<Owner, FleetVip>> vipShares = new TreeMap<>();
  private final Set<Owner> awaited =
      new HashSet<>(); // owners to hear from before any snapshot goes out
  private final Map<String, BgpPoolPlan> bgpPools = new HashMap<>(); // by pool name
  // BGP pools to hear from before any snapshot goes out: a first snapshot without them would turn
  // BGP off on every forwarder, and withdraw every route, whenever the operator restarts.
  private final Set<String> awaitedBgpPools = new HashSet<>();
  private final Map<String, Map<String, String>> nodeLabels = new HashMap<>(); // by node name
  // Each view's BGP configuration, kept up to date by every publish and withdrawal once rendered
  // for the view; rendered anew after a BGP pool or a node's labels changed.
  private final Map<ForwarderView, RenderedBgp> bgpByView = new HashMap<>();

  // What each snapshot version changed: the keys of the services published or withdrawn, the
  // addresses of the fleet VIPs whose share changed, and the BGP prefixes of their VIPs (or that
  // every advertisement may have changed: a BGP pool or a node's labels). A sender builds its delta
  // from the versions
  // since the one it sent last (SentServices.next), not from a pass over every LoadBalancer's
  // services: at 10,000 LoadBalancers that pass was most of the cost of a message. The log keeps
  // as many versions as there are LoadBalancers (at least MIN_LOGGED): a sender further behind
  // compares everything, which then costs about as much as going through the log would.
  private record Changed(
      List<String> serviceKeys, List<String> fleetVips, List<String> bgpPrefixes, boolean allBgp) {}

  private static final Changed ALL_BGP = new Changed(List.of(), List.of(), List.of(), true);

  private static final int MIN_LOGGED = 1024;
  private final TreeMap<Long, Changed> changeLog = new TreeMap<>();
  private long loggedSince; // every change after this snapshot version is in the log

  /**
   * @param initialSnapshotVersion the snapshot version of the (empty) state before the first change
   */
  public DesiredState(long initialSnapshotVersion) {
    this.snapshotVersion = initialSnapshotVersion;
    this.loggedSince = initialSnapshotVersion;
  }

  /** {@code listener} runs after every change, outside this object's lock. */
  public void addListener(Runnable listener) {
    listeners.add(listener);
  }

  /** Holds snapshots back until each of {@code owners} has published or withdrawn once. */
  public synchronized void holdUntilHeardFrom(Set<Owner> owners) {
    awaited.clear();
    awaited.addAll(owners);
  }

  /**
   * Also holds snapshots back until each of {@code pools} (the BGP pools known at start-up) has
   * been published or withdrawn once.
   */
  public synchronized void holdUntilBgpPoolsHeardFrom(Set<String> pools) {
    awaitedBgpPools.clear();
    awaitedBgpPools.addAll(pools);
  }

  /** Lets snapshots go out even if some awaited owner has not been heard from. */
  public Set<Owner> releaseHold() {
    Set<Owner> missing;
    synchronized (this) {
      missing = Set.copyOf(awaited);
      awaited.clear();
      awaitedBgpPools.clear();
    }
    notifyListeners();
    return missing;
  }

  /**
   * Makes {@code services} the owner's desired services.
   *
   * @return the snapshot version in which these services first appeared (an older one when
   *     unchanged)
   */
  public long publish(Owner owner, DesiredServices desired) {
    long result;
    boolean changed;
    synchronized (this) {
      changed = heardFrom(owner);
      var current = published.get(owner);
      if (current != null && current.desired().equals(desired)) {
        result = current.snapshotVersion();
      } else {
        result = bump();
        if (current != null) {
          ownersByVersion.remove(current.snapshotVersion());
        }
        updateViews(current == null ? null : current.desired(), desired);
        bgpByView.values().forEach(bgp -> bgp.update(owner, desired));
        indexVips(owner, current == null ? null : current.desired(), desired);
        if (current == null || !Objects.equals(current.desired().fleet(), desired.fleet())) {
          indexFleet(owner, current == null ? null : current.desired().fleet(), desired.fleet());
        }
        published.put(owner, new Published(desired, result, System.nanoTime()));
        ownersByVersion.put(result, owner);
        log(result, current == null ? null : current.desired(), desired);
        changed = true;
      }
    }
    if (changed) {
      notifyListeners();
    }
    return result;
  }

  /** Removes the owner's services, if any. */
  public void withdraw(Owner owner) {
    boolean changed;
    synchronized (this) {
      changed = heardFrom(owner);
      var removed = published.remove(owner);
      if (removed != null) {
        ownersByVersion.remove(removed.snapshotVersion());
        updateViews(removed.desired(), null);
        bgpByView.values().forEach(bgp -> bgp.update(owner, null));
        indexVips(owner, removed.desired(), null);
        if (removed.desired().fleet() != null) {
          indexFleet(owner, removed.desired().fleet(), null);
        }
        log(bump(), removed.desired(), null);
        changed = true;
      }
    }
    if (changed) {
      notifyListeners();
    }
  }

  /**
   * Makes the next snapshot version exceed {@code seen} (a snapshot version some forwarder already
   * runs).
   */
  public void advancePast(long seen) {
    synchronized (this) {
      if (snapshotVersion > seen) {
        return;
      }
      snapshotVersion = seen;
      bump();
    }
    notifyListeners();
  }

  /**
   * Makes {@code plan} the BGP pool's desired announcement (null: the pool is gone, invalid or no
   * longer in BGP mode). Each forwarder's snapshot carries the {@link BgpConfig} of the pools that
   * select its node.
   */
  public void publishBgpPool(String pool, BgpPoolPlan plan) {
    synchronized (this) {
      boolean lastAwaited =
          awaitedBgpPools.remove(pool) && awaitedBgpPools.isEmpty() && awaited.isEmpty();
      if (Objects.equals(plan, bgpPools.get(pool))) {
        if (!lastAwaited) {
          return;
        }
      } else {
        if (plan == null) {
          bgpPools.remove(pool);
        } else {
          bgpPools.put(pool, plan);
        }
        renderBgpAnew();
      }
    }
    notifyListeners();
  }

  /** The valid BGP pools' plans, oldest first. */
  public synchronized List<BgpPoolPlan> bgpPools() {
    return bgpPools.values().stream().sorted(BgpPoolPlan.OLDEST_FIRST).toList();
  }

  /**
   * A node's labels (null: the node is gone), which decide the BGP pools selecting the forwarders
   * on it. Only a change that matters to some pool's nodeSelector makes a new snapshot version.
   */
  public void nodeLabels(String node, Map<String, String> labels) {
    synchronized (this) {
      var before = nodeLabels.get(node);
      if (Objects.equals(before, labels)) {
        return;
      }
      if (labels == null) {
        nodeLabels.remove(node);
      } else {
        nodeLabels.put(node, Map.copyOf(labels));
      }
      boolean matters =
          bgpPools.values().stream()
              .anyMatch(
                  p ->
                      p.selects(before == null ? Map.of() : before)
                          != p.selects(labels == null ? Map.of() : labels));
      if (!matters) {
        return;
      }
      renderBgpAnew();
    }
    notifyListeners();
  }

  /** Every known node's labels, by node name. */
  public synchronized Map<String, Map<String, String>> nodeLabels() {
    return Map.copyOf(nodeLabels);
  }

  /** How long ago the owner's current services were first published; empty when none are. */
  public synchronized Optional<Duration> ageOf(Owner owner) {
    var current = published.get(owner);
    return current == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(System.nanoTime() - current.atNanos()));
  }

  public synchronized OptionalLong snapshotVersionOf(Owner owner) {
    var current = published.get(owner);
    return current == null ? OptionalLong.empty() : OptionalLong.of(current.snapshotVersion());
  }

  public synchronized long snapshotVersion() {
    return snapshotVersion;
  }

  /** Owners whose current services first appeared after {@code after}, up to {@code upTo}. */
  public synchronized Set<Owner> publishedBetween(long after, long upTo) {
    if (after >= upTo) {
      return Set.of();
    }
    return Set.copyOf(ownersByVersion.subMap(after, false, upTo, true).values());
  }

  /** Owners with services on any of {@code vips} (addresses as the services write them). */
  public synchronized Set<Owner> ownersOf(Set<String> vips) {
    var owners = new HashSet<Owner>();
    vips.forEach(vip -> owners.addAll(ownersByVip.getOrDefault(vip, Set.of())));
    return owners;
  }

  /** The owner's services went from {@code before} to {@code after} (null: none). */
  private void indexVips(Owner owner, DesiredServices before, DesiredServices after) {
    if (before != null) {
      for (VirtualService s : before.services()) {
        var owners = ownersByVip.get(s.getVip());
        if (owners != null && owners.remove(owner) && owners.isEmpty()) {
          ownersByVip.remove(s.getVip());
        }
      }
    }
    if (after != null) {
      after
          .services()
          .forEach(s -> ownersByVip.computeIfAbsent(s.getVip(), v -> new HashSet<>()).add(owner));
    }
  }

  /** Owners with services published. */
  public synchronized Set<Owner> owners() {
    return Set.copyOf(published.keySet());
  }

  /** The snapshot to send {@code forwarder}, unless snapshots are held back after a restart. */
  public synchronized Optional<Snapshot> latestFor(ForwarderView forwarder) {
    return held() ? Optional.empty() : Optional.of(snapshotFor(forwarder));
  }

  /**
   * {@code reader}'s answer about the latest version as {@code forwarder} runs it, read under this
   * object's lock (a sender building its next message); empty while snapshots are held back after a
   * restart, or when {@code reader} answers null.
   */
  public synchronized <T> Optional<T> read(
      ForwarderView forwarder, Function<DesiredVersion, T> reader) {
    return held()
        ? Optional.empty()
        : Optional.ofNullable(reader.apply(new ViewVersion(forwarder)));
  }

  private boolean held() {
    return !awaited.isEmpty() || !awaitedBgpPools.isEmpty();
  }

  /**
   * The complete current state as {@code forwarder} runs it, services ordered by key. Forwarders
   * alike (same node, same capabilities) share one snapshot object.
   */
  public synchronized Snapshot snapshotFor(ForwarderView forwarder) {
    return snapshots.computeIfAbsent(
        forwarder,
        view -> {
          var snapshot =
              Snapshot.newBuilder()
                  .setSnapshotVersion(snapshotVersion)
                  .addAllServices(servicesOf(view).values());
          currentFleet().ifPresent(snapshot::setFleet);
          bgpFor(view).ifPresent(snapshot::setBgp);
          return snapshot.build();
        });
  }

  /** The current version as {@code view} runs it, by key; valid while the lock is held. */
  private final class ViewVersion implements DesiredVersion {
    private final ForwarderView view;

    ViewVersion(ForwarderView view) {
      this.view = view;
    }

    @Override
    public long version() {
      return snapshotVersion;
    }

    @Override
    public Snapshot complete() {
      return snapshotFor(view);
    }

    @Override
    public Changes changesSince(long since) {
      if (since < loggedSince) {
        return null;
      }
      var keys = new TreeSet<String>();
      var vips = new TreeSet<String>();
      var prefixes = new TreeSet<String>();
      boolean allBgp = false;
      for (Changed changed : changeLog.tailMap(since, false).values()) {
        keys.addAll(changed.serviceKeys());
        vips.addAll(changed.fleetVips());
        prefixes.addAll(changed.bgpPrefixes());
        allBgp |= changed.allBgp();
      }
      return new Changes(keys, vips, allBgp ? null : prefixes);
    }

    @Override
    public VirtualService service(String key) {
      return servicesOf(view).get(key);
    }

    @Override
    public FleetVip fleetVip(String address) {
      var byOwner = vipShares.get(address);
      return byOwner == null ? null : byOwner.firstEntry().getValue();
    }

    @Override
    public List<FleetPool> fleetPools() {
      // As fleetConfig() has them: none without a VIP.
      return vipShares.isEmpty()
          ? List.of()
          : poolShares.values().stream().map(byOwner -> byOwner.firstEntry().getValue()).toList();
    }

    @Override
    public FleetConfig fleet() {
      return currentFleet().orElse(FleetConfig.getDefaultInstance());
    }

    @Override
    public BgpConfig bgp() {
      return bgpFor(view).orElse(BgpConfig.getDefaultInstance());
    }

    @Override
    public BgpInstance bgpInstance() {
      RenderedBgp bgp = renderedBgp(view);
      return bgp == null ? BgpInstance.getDefaultInstance() : bgp.instance();
    }

    @Override
    public BgpAdvertisement bgpAdvertisement(String prefix) {
      RenderedBgp bgp = renderedBgp(view);
      return bgp == null ? null : bgp.advertisement(prefix);
    }
  }

  /** Every LoadBalancer's services as {@code view} runs them, by key, kept up to date. */
  private TreeMap<String, VirtualService> servicesOf(ForwarderView view) {
    return servicesByView.computeIfAbsent(view, this::servicesFor);
  }

  private Optional<FleetConfig> currentFleet() {
    if (fleet == null) {
      fleet = fleetConfig();
    }
    return fleet;
  }

  /** The BGP configuration of {@code view}'s node; empty without a BGP pool selecting it. */
  private Optional<BgpConfig> bgpFor(ForwarderView view) {
    RenderedBgp bgp = renderedBgp(view);
    return bgp == null ? Optional.empty() : bgp.config();
  }

  /** {@code view}'s BGP rendering, kept up to date from now on; null without a BGP pool. */
  private RenderedBgp renderedBgp(ForwarderView view) {
    if (bgpPools.isEmpty()) {
      return null;
    }
    return bgpByView.computeIfAbsent(
        view,
        v -> {
          var byOwner = new TreeMap<Owner, DesiredServices>(); // as BgpRendering takes them
          published.forEach((owner, p) -> byOwner.put(owner, p.desired()));
          return new RenderedBgp(
              bgpPools.values(), v, nodeLabels.getOrDefault(v.node(), Map.of()), byOwner);
        });
  }

  /**
   * A BGP pool or a node's labels changed: every view's BGP configuration is rendered anew when
   * next asked for, and senders compare all of it (a new snapshot version).
   */
  private void renderBgpAnew() {
    bgpByView.clear();
    changeLog.put(bump(), ALL_BGP);
    trimLog();
  }

  /**
   * Notes what snapshot version {@code version} changed: one owner's services went from {@code
   * before} to {@code after} (null: none).
   */
  private void log(long version, DesiredServices before, DesiredServices after) {
    var keys = new ArrayList<String>();
    var vips = new ArrayList<String>();
    var prefixes = new ArrayList<String>();
    for (DesiredServices desired : new DesiredServices[] {before, after}) {
      if (desired != null) {
        desired.services().forEach(s -> keys.add(s.getKey()));
        if (desired.fleet() != null) {
          desired.fleet().vips().forEach(v -> vips.add(v.getAddress()));
        }
        if (desired.pool() != null && bgpPools.containsKey(desired.pool())) { // their routes
          desired.services().forEach(s -> prefixes.add(BgpRendering.prefixOf(s.getVip())));
        }
      }
    }
    changeLog.put(version, new Changed(keys, vips, prefixes, false));
    trimLog();
  }

  /** The log keeps as many versions as there are LoadBalancers, at least MIN_LOGGED. */
  private void trimLog() {
    while (changeLog.size() > Math.max(MIN_LOGGED, published.size())) {
      loggedSince = changeLog.pollFirstEntry().getKey();
    }
  }

  /** Every LoadBalancer's services as {@code view} runs them, by key. */
  private TreeMap<String, VirtualService> servicesFor(ForwarderView view) {
    var services = new TreeMap<String, VirtualService>();
    published
        .values()
        .forEach(p -> p.desired().forForwarder(view).forEach(s -> services.put(s.getKey(), s)));
    return services;
  }

  /** One owner's services went from {@code before} to {@code after} (null: none) in every view. */
  private void updateViews(DesiredServices before, DesiredServices after) {
    servicesByView.forEach(
        (view, services) -> {
          if (before != null) {
            before.services().forEach(s -> services.remove(s.getKey()));
          }
          if (after != null) {
            after.forForwarder(view).forEach(s -> services.put(s.getKey(), s));
          }
        });
  }

  /**
   * The fleet's configuration from every LoadBalancer's share, the same for every forwarder (all
   * must elect alike): pools by name, VIPs by address (a VIP shared by LoadBalancers keeps the
   * first share, by owner); empty without an L2 Pool's VIP, so the field stays absent.
   */
  private Optional<FleetConfig> fleetConfig() {
    if (vipShares.isEmpty()) {
      return Optional.empty();
    }
    var config = FleetConfig.newBuilder();
    poolShares.values().forEach(byOwner -> config.addPools(byOwner.firstEntry().getValue()));
    vipShares.values().forEach(byOwner -> config.addVips(byOwner.firstEntry().getValue()));
    return Optional.of(config.build());
  }

  /** The owner's fleet share went from {@code before} to {@code after} (null: none). */
  private void indexFleet(Owner owner, FleetShare before, FleetShare after) {
    if (before != null) {
      unshare(poolShares, before.pool().getName(), owner);
      before.vips().forEach(vip -> unshare(vipShares, vip.getAddress(), owner));
    }
    if (after != null) {
      poolShares
          .computeIfAbsent(after.pool().getName(), n -> new TreeMap<>())
          .put(owner, after.pool());
      after
          .vips()
          .forEach(
              vip ->
                  vipShares
                      .computeIfAbsent(vip.getAddress(), a -> new TreeMap<>())
                      .put(owner, vip));
    }
    fleet = null;
  }

  private static <V> void unshare(
      TreeMap<String, TreeMap<Owner, V>> shares, String name, Owner owner) {
    var byOwner = shares.get(name);
    if (byOwner != null && byOwner.remove(owner) != null && byOwner.isEmpty()) {
      shares.remove(name);
    }
  }

  /** Returns true when this was the last awaited owner: held snapshots may go out now. */
  private boolean heardFrom(Owner owner) {
    return awaited.remove(owner) && awaited.isEmpty() && awaitedBgpPools.isEmpty();
  }

  private long bump() {
    snapshots.clear();
    return ++snapshotVersion;
  }

  private void notifyListeners() {
    listeners.forEach(Runnable::run);
  }
}
