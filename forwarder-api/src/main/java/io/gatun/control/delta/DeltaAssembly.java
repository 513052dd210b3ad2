package io.gatun.control.delta;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.FleetChanges;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import io.gatun.control.v1.VersionedService;
import io.gatun.control.v1.VirtualService;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The forwarder's side of {@link SentServices}: the services of the last message received on one
 * stream, so that a delta turns into the very complete snapshot the operator would have sent
 * (services ordered by key, as the operator orders them). A delta whose base is not what this
 * assembly holds (a gap, or a delta before any complete snapshot) gives nothing: the forwarder then
 * asks for a complete snapshot, and applies nothing meanwhile.
 *
 * <p>One per stream: a new stream starts with a complete snapshot. Not thread-safe.
 */
public final class DeltaAssembly {
  private final TreeMap<String, VirtualService> services = new TreeMap<>();
  private final TreeMap<String, Long> versions = new TreeMap<>();
  private long version = -1; // -1: no complete snapshot yet
  private FleetConfig fleet = FleetConfig.getDefaultInstance();
  private boolean hasFleet;
  private final TreeMap<String, FleetVip> fleetVips = new TreeMap<>(); // fleet's, by address
  private final BgpAssembly bgp = new BgpAssembly();

  /** A complete snapshot: replaces everything. Returns it as it is. */
  public Snapshot complete(Snapshot snapshot) {
    services.clear();
    versions.clear();
    for (VirtualService s : snapshot.getServicesList()) {
      services.put(s.getKey(), s);
      versions.put(s.getKey(), snapshot.getSnapshotVersion());
    }
    version = snapshot.getSnapshotVersion();
    fleet = snapshot.getFleet();
    hasFleet = snapshot.hasFleet();
    fleetVips.clear();
    fleet.getVipsList().forEach(v -> fleetVips.put(v.getAddress(), v));
    bgp.replace(snapshot.hasBgp() ? snapshot.getBgp() : null);
    return snapshot;
  }

  /**
   * The complete snapshot {@code delta} brings, or empty when it does not build on what this
   * assembly holds; then nothing changes until the next complete snapshot.
   */
  public Optional<Snapshot> delta(SnapshotDelta delta) {
    return change(delta).map(SnapshotChange::snapshot);
  }

  /**
   * The same as {@link #delta}, with what the delta changed: the services it added or changed and
   * the keys it removed, as the operator sent them.
   */
  public Optional<SnapshotChange> change(SnapshotDelta delta) {
    if (version < 0 || delta.getBaseSnapshotVersion() != version) {
      version = -1; // whatever comes next must be complete
      return Optional.empty();
    }
    for (String key : delta.getRemovedList()) {
      services.remove(key);
      versions.remove(key);
    }
    for (VersionedService v : delta.getServicesList()) {
      services.put(v.getService().getKey(), v.getService());
      versions.put(v.getService().getKey(), v.getVersion());
    }
    if (delta.hasFleet()) {
      fleet = delta.getFleet();
      hasFleet = !fleet.equals(FleetConfig.getDefaultInstance());
      fleetVips.clear();
      fleet.getVipsList().forEach(v -> fleetVips.put(v.getAddress(), v));
    } else if (delta.hasFleetChanges()) {
      applyFleetChanges(delta.getFleetChanges());
    }
    version = delta.getSnapshotVersion();
    if (delta.hasBgp()) { // changed: the whole new one; an empty one turns BGP off
      bgp.replace(delta.getBgp().equals(BgpConfig.getDefaultInstance()) ? null : delta.getBgp());
    } else if (delta.hasBgpChanges()) {
      bgp.apply(delta.getBgpChanges());
    }
    // The complete snapshot as it stands now, built only if asked for (a copy of the references:
    // later messages do not change it).
    long at = version;
    List<VirtualService> all = List.copyOf(services.values());
    FleetConfig fleetNow = hasFleet ? fleet : null;
    BgpConfig bgpNow = bgp.current();
    Supplier<Snapshot> whole =
        () -> {
          Snapshot.Builder s = Snapshot.newBuilder().setSnapshotVersion(at).addAllServices(all);
          if (fleetNow != null) {
            s.setFleet(fleetNow);
          }
          if (bgpNow != null) {
            s.setBgp(bgpNow);
          }
          return s.build();
        };
    return Optional.of(
        new SnapshotChange(
            version,
            services.size(),
            hasFleet ? fleet : FleetConfig.getDefaultInstance(),
            bgpNow == null ? BgpConfig.getDefaultInstance() : bgpNow,
            delta.getServicesList().stream().map(VersionedService::getService).toList(),
            delta.getRemovedList(),
            whole));
  }

  /** Pools replaced, VIPs upserted and removed: the fleet configuration in the operator's order. */
  private void applyFleetChanges(FleetChanges changes) {
    changes.getRemovedVipsList().forEach(fleetVips::remove);
    changes.getVipsList().forEach(v -> fleetVips.put(v.getAddress(), v));
    fleet =
        FleetConfig.newBuilder()
            .addAllPools(changes.getPoolsList())
            .addAllVips(fleetVips.values())
            .build();
    hasFleet = !fleet.equals(FleetConfig.getDefaultInstance());
  }

  /** The snapshot version of the last message assembled; -1 before a complete snapshot. */
  public long version() {
    return version;
  }

  /** The snapshot version in which the service last changed, as the operator sent it; -1: none. */
  public long versionOf(String key) {
    return versions.getOrDefault(key, -1L);
  }
}
