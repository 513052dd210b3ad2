package io.gatun.control.delta;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.FleetConfig;
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
 * configuration travels whole, and only when it changed (an empty one turns BGP off).
 *
 * <p>One per stream, so a reconnect starts with a complete snapshot; {@link #resync} (an Ack asking
 * for one) does the same on a stream. Not thread-safe: its sender serialises the calls.
 */
public final class SentServices {
  private record Sent(VirtualService service, long version) {}

  private final boolean deltas;
  private Map<String, Sent> sent; // null: nothing the forwarder can build on, send it all
  private long sentVersion;
  private BgpConfig sentBgp = BgpConfig.getDefaultInstance(); // absent and empty alike: no BGP
  private long completeVersion = -1; // of the last complete snapshot sent
  private FleetConfig sentFleet; // as last sent (absent = default instance)

  /**
   * @param deltas whether the forwarder takes deltas; without, every message is complete
   */
  public SentServices(boolean deltas) {
    this.deltas = deltas;
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
      sentBgp = latest.getBgp();
      return OperatorMessage.newBuilder().setSnapshot(latest).build();
    }
    var delta =
        SnapshotDelta.newBuilder().setSnapshotVersion(version).setBaseSnapshotVersion(sentVersion);
    Set<String> gone = new HashSet<>(sent.keySet());
    for (VirtualService s : latest.getServicesList()) {
      gone.remove(s.getKey());
      Sent before = sent.get(s.getKey());
      // Snapshots of one version share their service objects: mostly an identity check.
      if (before == null || !before.service().equals(s)) {
        sent.put(s.getKey(), new Sent(s, version));
        delta.addServices(VersionedService.newBuilder().setService(s).setVersion(version));
      }
    }
    gone.stream()
        .sorted()
        .forEach(
            key -> {
              sent.remove(key);
              delta.addRemoved(key);
            });
    if (!latest.getFleet().equals(sentFleet)) {
      sentFleet = latest.getFleet();
      delta.setFleet(sentFleet); // present when changed, whole
    }
    if (!latest.getBgp().equals(sentBgp)) {
      sentBgp = latest.getBgp();
      delta.setBgp(sentBgp);
    }
    sentVersion = version;
    return OperatorMessage.newBuilder().setDelta(delta).build();
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
