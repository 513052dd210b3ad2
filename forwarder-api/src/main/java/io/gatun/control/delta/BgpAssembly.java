package io.gatun.control.delta;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpChanges;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import java.util.TreeMap;

/**
 * {@link DeltaAssembly}'s BGP configuration: the last one received on a stream, which a delta
 * replaces whole ({@code SnapshotDelta.bgp}) or changes ({@link BgpChanges}, to a forwarder that
 * offers {@code BGP_DELTAS}). Either way it is the very configuration a complete snapshot of that
 * version carries: advertisements in prefix order, as the operator orders them; nothing left means
 * no BGP (absent). Unchanged, it stays the same object, which its readers compare at a glance.
 */
final class BgpAssembly {
  private BgpConfig bgp; // null: absent (no BGP Pool applies)
  private BgpInstance instance = BgpInstance.getDefaultInstance();
  private final TreeMap<String, BgpAdvertisement> routes = new TreeMap<>(); // by prefix

  /** A complete snapshot's or a delta's whole configuration (null: none). */
  void replace(BgpConfig whole) {
    bgp = whole;
    BgpConfig config = bgp == null ? BgpConfig.getDefaultInstance() : bgp;
    instance = SentBgp.instanceOf(config);
    routes.clear();
    config.getAdvertisementsList().forEach(a -> routes.put(a.getPrefix(), a));
  }

  /** A delta's changes: the instance when present, advertisements removed, then upserted. */
  void apply(BgpChanges changes) {
    if (changes.hasInstance()) {
      instance = changes.getInstance();
    }
    changes.getRemovedPrefixesList().forEach(routes::remove);
    changes.getAdvertisementsList().forEach(a -> routes.put(a.getPrefix(), a));
    BgpConfig config =
        BgpConfig.newBuilder()
            .setLocalAsn(instance.getLocalAsn())
            .addAllNeighbors(instance.getNeighborsList())
            .addAllAdvertisements(routes.values())
            .build();
    bgp = config.equals(BgpConfig.getDefaultInstance()) ? null : config;
  }

  /** The configuration now; null: none. */
  BgpConfig current() {
    return bgp;
  }
}
