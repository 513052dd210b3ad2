package io.gatun.control.delta;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.List;
import java.util.SortedSet;

/**
 * One version of the desired state as its keeper holds it, read by {@link SentServices} to build
 * the next message: by key, and with the keys changed since an earlier version, so that a delta
 * costs what changed rather than a pass over every service (10,000 LoadBalancers: one such pass per
 * message). Read it only while its keeper holds it still (under the keeper's lock).
 */
public interface DesiredVersion {

  /**
   * What may have changed after a version: a key changed and changed back is listed too.
   *
   * @param bgpPrefixes the prefixes of the BGP advertisements; null when not known (a BGP pool or a
   *     node's labels changed, which may change every one): compare the whole BGP configuration
   */
  record Changes(
      SortedSet<String> serviceKeys, SortedSet<String> fleetVips, SortedSet<String> bgpPrefixes) {

    /** Services and the fleet's VIPs known, the BGP advertisements not. */
    public Changes(SortedSet<String> serviceKeys, SortedSet<String> fleetVips) {
      this(serviceKeys, fleetVips, null);
    }
  }

  long version();

  /** The complete snapshot of this version (a first message, a resync, or changes not known). */
  Snapshot complete();

  /**
   * The keys of the services added, changed or removed after {@code since}, and the addresses of
   * the fleet's VIPs; null when the keeper no longer knows (too long ago): compare everything.
   */
  Changes changesSince(long since);

  /** The service of that key in this version; null when there is none. */
  VirtualService service(String key);

  /** The fleet's VIP of that address in this version; null when there is none. */
  FleetVip fleetVip(String address);

  /** The fleet's pools, as {@link #complete()} carries them (none without a VIP). */
  List<FleetPool> fleetPools();

  /** The whole fleet configuration, as {@link #complete()} carries it. */
  FleetConfig fleet();

  /** The BGP configuration, as {@link #complete()} carries it (the default instance: none). */
  BgpConfig bgp();

  /** The BGP configuration's local AS and neighbours (the default instance: none). */
  default BgpInstance bgpInstance() {
    return SentBgp.instanceOf(bgp());
  }

  /** The BGP advertisement of that prefix in this version; null when there is none. */
  default BgpAdvertisement bgpAdvertisement(String prefix) {
    return bgp().getAdvertisementsList().stream()
        .filter(a -> a.getPrefix().equals(prefix))
        .findFirst()
        .orElse(null);
  }

  /** A complete snapshot read as a version whose changes are not known. */
  static DesiredVersion of(Snapshot snapshot) {
    return new DesiredVersion() {
      @Override
      public long version() {
        return snapshot.getSnapshotVersion();
      }

      @Override
      public Snapshot complete() {
        return snapshot;
      }

      @Override
      public Changes changesSince(long since) {
        return null;
      }

      @Override
      public VirtualService service(String key) {
        return snapshot.getServicesList().stream()
            .filter(s -> s.getKey().equals(key))
            .findFirst()
            .orElse(null);
      }

      @Override
      public FleetVip fleetVip(String address) {
        return snapshot.getFleet().getVipsList().stream()
            .filter(v -> v.getAddress().equals(address))
            .findFirst()
            .orElse(null);
      }

      @Override
      public List<FleetPool> fleetPools() {
        return snapshot.getFleet().getPoolsList();
      }

      @Override
      public FleetConfig fleet() {
        return snapshot.getFleet();
      }

      @Override
      public BgpConfig bgp() {
        return snapshot.getBgp();
      }
    };
  }
}
