package io.gatun.control.delta;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpChanges;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.control.v1.SnapshotDelta;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link SentServices}' memory of the BGP configuration one stream was sent. To a forwarder that
 * offers {@code BGP_DELTAS} a delta carries what changed ({@link BgpChanges}: the instance whole
 * when it changed, the advertisements added or changed and the prefixes removed), so that with a
 * BGP Pool a LoadBalancer added costs one advertisement, not all of them; to any other, the whole
 * configuration when it changed (an empty one turns BGP off).
 *
 * <p>Advertisement prefixes are unique in a configuration (the operator renders one per VIP), which
 * is what lets a count tell that some were removed.
 */
final class SentBgp {
  private final boolean changes;
  private BgpConfig sentWhole = BgpConfig.getDefaultInstance(); // absent and empty alike: no BGP
  // With changes: the instance and the advertisements by prefix as sent, and the configuration as
  // last compared whole while it is known as an object (null: compare).
  private BgpInstance sentInstance = BgpInstance.getDefaultInstance();
  private final Map<String, BgpAdvertisement> sentRoutes = new HashMap<>();
  private BgpConfig sentObject;

  /**
   * @param changes whether the forwarder takes {@link BgpChanges}
   */
  SentBgp(boolean changes) {
    this.changes = changes;
  }

  /** A complete snapshot carrying {@code bgp} (the default instance: none) went out. */
  void complete(BgpConfig bgp) {
    sentWhole = bgp;
    if (changes) {
      sentInstance = instanceOf(bgp);
      sentRoutes.clear();
      bgp.getAdvertisementsList().forEach(a -> sentRoutes.put(a.getPrefix(), a));
      sentObject = bgp;
    }
  }

  /**
   * Puts in {@code delta} how the BGP configuration changed to {@code latest}, comparing all of it
   * (the same object as last time: nothing to compare).
   */
  void compareWhole(BgpConfig latest, SnapshotDelta.Builder delta) {
    if (!changes) {
      sendWhole(latest, delta);
      return;
    }
    if (latest == sentObject) {
      return;
    }
    var change = BgpChanges.newBuilder();
    sendInstance(instanceOf(latest), change);
    for (BgpAdvertisement route : latest.getAdvertisementsList()) {
      sendRoute(route.getPrefix(), route, change);
    }
    if (sentRoutes.size() > latest.getAdvertisementsCount()) {
      Set<String> current = new HashSet<>();
      latest.getAdvertisementsList().forEach(a -> current.add(a.getPrefix()));
      sentRoutes.keySet().stream()
          .filter(prefix -> !current.contains(prefix))
          .sorted()
          .toList()
          .forEach(prefix -> sendRoute(prefix, null, change));
    }
    finish(change, delta);
    sentObject = latest;
  }

  /**
   * Puts in {@code delta} how the BGP configuration changed, looking up only the {@code prefixes}
   * that may have changed (in prefix order), and the instance.
   *
   * @param advertisement the advertisement of a prefix now; null: none
   * @param whole the whole configuration, for a forwarder that takes nothing else
   */
  void compareKeyed(
      BgpInstance instance,
      SortedSet<String> prefixes,
      Function<String, BgpAdvertisement> advertisement,
      Supplier<BgpConfig> whole,
      SnapshotDelta.Builder delta) {
    if (!changes) {
      sendWhole(whole.get(), delta);
      return;
    }
    var change = BgpChanges.newBuilder();
    sendInstance(instance, change);
    for (String prefix : prefixes) {
      sendRoute(prefix, advertisement.apply(prefix), change);
    }
    finish(change, delta);
    sentObject = null; // not known as an object: the next whole comparison goes route by route
  }

  private void sendWhole(BgpConfig latest, SnapshotDelta.Builder delta) {
    if (!latest.equals(sentWhole)) {
      sentWhole = latest;
      delta.setBgp(latest);
    }
  }

  private void sendInstance(BgpInstance instance, BgpChanges.Builder change) {
    if (!instance.equals(sentInstance)) {
      sentInstance = instance;
      change.setInstance(instance);
    }
  }

  /**
   * The advertisement of {@code prefix} is {@code route} now (null: none): when that is not what
   * was sent, it is remembered as sent and added to {@code change}.
   */
  private void sendRoute(String prefix, BgpAdvertisement route, BgpChanges.Builder change) {
    BgpAdvertisement before =
        route == null ? sentRoutes.remove(prefix) : sentRoutes.put(prefix, route);
    if (route == null) {
      if (before != null) {
        change.addRemovedPrefixes(prefix);
      }
    } else if (before == null || !before.equals(route)) {
      change.addAdvertisements(route);
    }
  }

  private static void finish(BgpChanges.Builder change, SnapshotDelta.Builder delta) {
    if (change.hasInstance()
        || change.getAdvertisementsCount() > 0
        || change.getRemovedPrefixesCount() > 0) {
      delta.setBgpChanges(change);
    }
  }

  /** The configuration's local AS and neighbours. */
  static BgpInstance instanceOf(BgpConfig config) {
    return BgpInstance.newBuilder()
        .setLocalAsn(config.getLocalAsn())
        .addAllNeighbors(config.getNeighborsList())
        .build();
  }
}
