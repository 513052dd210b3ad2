package io.gatun.control.delta;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.FleetChanges;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import io.gatun.control.v1.VersionedService;
import io.gatun.control.v1.VirtualService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The operator's memory of what one stream has been sent, to send a forwarder that offers {@code
 * DELTA_SNAPSHOTS} only what changed (xDS's incremental protocol): the first message is the
 * complete snapshot, each later one a {@link SnapshotDelta} from the message before it — the
 * services added or changed (whole, each with the snapshot version in which it last changed) and
 * the keys of those removed. Its size follows the change, not the number of services. The BGP
 * configuration travels whole, and only when it changed (an empty one turns BGP off); so does the
 * fleet configuration, unless the forwarder takes its changes ({@code FLEET_DELTAS}).
 *
 * <p>One per stream, so a reconnect starts with a complete snapshot; {@link #resync} (an Ack asking
 * for one) does the same on a stream. Not thread-safe: its sender serialises the calls.
 */
public final class SentServices {
  private record Sent(VirtualService service, long version) {}

  private final boolean deltas;
  private final boolean fleetDeltas;
  private Map<String, Sent> sent; // null: nothing the forwarder can build on, send it all
  private long sentVersion;
  private BgpConfig sentBgp = BgpConfig.getDefaultInstance(); // absent and empty alike: no BGP
  private long completeVersion = -1; // of the last complete snapshot sent
  private FleetConfig sentFleet; // as last sent (absent = default instance)
  private final Map<String, FleetVip> sentVips = new HashMap<>(); // sentFleet's, by address

  /**
   * @param deltas whether the forwarder takes deltas; without, every message is complete
   */
  public SentServices(boolean deltas) {
    this(deltas, false);
  }

  /**
   * @param deltas whether the forwarder takes deltas; without, every message is complete
   * @param fleetDeltas whether it takes the fleet configuration's changes ({@code FLEET_DELTAS});
   *     without, a delta carries the whole fleet configuration when it changed
   */
  public SentServices(boolean deltas, boolean fleetDeltas) {
    this.deltas = deltas;
    this.fleetDeltas = deltas && fleetDeltas;
  }

  /** The message that brings the forwarder from what it was sent last to {@code latest}. */
  public OperatorMessage next(Snapshot latest) {
    long version = latest.getSnapshotVersion();
    if (!deltas || sent == null) {
      sent = new HashMap<>();
      for (VirtualService s : latest.getServicesList()) {
        sent.put(s.getKey(), new Sent(s, version));
      }
      sentVersion = version;
      completeVersion = version;
      sentFleet = latest.getFleet();
      sentVips.clear();
      if (fleetDeltas) {
        latest.getFleet().getVipsList().forEach(v -> sentVips.put(v.getAddress(), v));
      }
      sentBgp = latest.getBgp();
      return OperatorMessage.newBuilder().setSnapshot(latest).build();
    }
    var delta =
        SnapshotDelta.newBuilder().setSnapshotVersion(version).setBaseSnapshotVersion(sentVersion);
    for (VirtualService s : latest.getServicesList()) {
      Sent before = sent.get(s.getKey());
      // Snapshots of one version share their service objects: mostly an identity check.
      if (before == null || !before.service().equals(s)) {
        sent.put(s.getKey(), new Sent(s, version));
        delta.addServices(VersionedService.newBuilder().setService(s).setVersion(version));
      }
    }
    // Keys are unique in a snapshot: more sent than there are now means some are gone. Only then
    // is the set of current keys worth building (most messages remove nothing).
    if (sent.size() > latest.getServicesCount()) {
      Set<String> current = new HashSet<>();
      latest.getServicesList().forEach(s -> current.add(s.getKey()));
      sent.keySet().stream()
          .filter(key -> !current.contains(key))
          .sorted()
          .toList()
          .forEach(
              key -> {
                sent.remove(key);
                delta.addRemoved(key);
              });
    }
    // The operator keeps one fleet configuration object while it does not change.
    if (latest.getFleet() != sentFleet && !latest.getFleet().equals(sentFleet)) {
      if (fleetDeltas) {
        delta.setFleetChanges(fleetChanges(latest.getFleet()));
      } else {
        delta.setFleet(latest.getFleet()); // present when changed, whole
      }
      sentFleet = latest.getFleet();
    }
    if (!latest.getBgp().equals(sentBgp)) {
      sentBgp = latest.getBgp();
      delta.setBgp(sentBgp);
    }
    sentVersion = version;
    return OperatorMessage.newBuilder().setDelta(delta).build();
  }

  /** What changed from the VIPs sent to those of {@code latest}, remembering these as sent. */
  private FleetChanges fleetChanges(FleetConfig latest) {
    var changes = FleetChanges.newBuilder().addAllPools(latest.getPoolsList());
    for (FleetVip vip : latest.getVipsList()) {
      FleetVip before = sentVips.put(vip.getAddress(), vip);
      if (before == null || !before.equals(vip)) {
        changes.addVips(vip);
      }
    }
    if (sentVips.size() > latest.getVipsCount()) {
      Set<String> current = new HashSet<>();
      latest.getVipsList().forEach(v -> current.add(v.getAddress()));
      sentVips.keySet().stream()
          .filter(address -> !current.contains(address))
          .sorted()
          .toList()
          .forEach(
              address -> {
                sentVips.remove(address);
                changes.addRemovedVips(address);
              });
    }
    return changes.build();
  }

  /**
   * The forwarder asked for a complete snapshot in its answer to {@code snapshotVersion}: the next
   * message is one, unless a complete snapshot went out after that message already.
   */
  public void resync(long snapshotVersion) {
    if (snapshotVersion >= completeVersion) {
      sent = null;
    }
  }

  /** Whether the next message will be complete. */
  public boolean resyncing() {
    return sent == null || !deltas;
  }
}
