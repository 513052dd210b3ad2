package io.gatun.operator.bench;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.VersionedService;
import io.gatun.control.v1.VirtualService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times endpoint changes from the EndpointSlice write to the forwarder running them. Each change
 * brings a backend address seen nowhere before; the first operator message whose services carry
 * that address fixes the change's snapshot version, and the first acknowledgement that the
 * forwarder applied that version or a later one (versions only grow, and a later one still holds
 * the change) stops its clock. An acknowledgement is sent once the data plane runs the snapshot, so
 * the time covers the API server, the operator, the channel and the data plane's commit.
 */
final class ChangeClock {

  /** One change: written at {@code writtenNanos}, carried by {@code version}, applied. */
  private static final class Change {
    final long writtenNanos;
    volatile long seenNanos = -1;
    volatile long version = -1;
    volatile long sentNanos = -1;
    volatile long appliedNanos = -1;

    Change(long writtenNanos) {
      this.writtenNanos = writtenNanos;
    }
  }

  private final Map<String, Change> unsent = new ConcurrentHashMap<>(); // by the new address
  private final Set<Change> unapplied = ConcurrentHashMap.newKeySet();
  // Changes already carried by a message, by their address: a watch may deliver a change after the
  // operator's message (each is a different client of the API server).
  private final Map<String, Change> sentByAddress = new ConcurrentHashMap<>();
  private final List<Change> all = new ArrayList<>();
  private volatile String refused;

  /**
   * A change bringing backend {@code address} is about to be written (the clock starts before the
   * request leaves, so the API server's write is inside the figure).
   */
  synchronized void writing(String address, long nanos) {
    var change = new Change(nanos);
    all.add(change);
    unsent.put(address, change);
  }

  /**
   * A watch on the EndpointSlices (the benchmark's own, beside the operator's) delivered the change
   * bringing {@code address} at {@code nanos}: the API server's share of the time ends about here.
   * Only the first delivery counts; addresses no change brings are ignored.
   */
  void seen(String address, long nanos) {
    Change change = unsent.get(address);
    if (change == null) {
      change = sentByAddress.get(address);
    }
    if (change != null && change.seenNanos < 0) {
      change.seenNanos = nanos;
    }
  }

  /** An operator message passed the tap at {@code nanos}. */
  void sent(OperatorMessage message, long nanos) {
    if (unsent.isEmpty()) {
      return;
    }
    if (message.hasDelta()) {
      for (VersionedService v : message.getDelta().getServicesList()) {
        carried(v.getService(), message.getDelta().getSnapshotVersion(), nanos);
      }
    } else {
      for (VirtualService s : message.getSnapshot().getServicesList()) {
        carried(s, message.getSnapshot().getSnapshotVersion(), nanos);
      }
    }
  }

  private void carried(VirtualService service, long version, long nanos) {
    for (Backend b : service.getBackendsList()) {
      Change change = unsent.remove(b.getAddress());
      if (change != null) {
        sentByAddress.put(b.getAddress(), change);
        change.version = version;
        change.sentNanos = nanos;
        unapplied.add(change);
      }
    }
  }

  /** The forwarder's acknowledgement passed the tap at {@code nanos}. */
  void acked(Ack ack, long nanos) {
    if (!ack.getApplied()) {
      return; // a rejected delta: a complete snapshot follows, and its acknowledgement counts
    }
    if (ack.getRefusedCount() > 0 && refused == null) {
      refused = ack.getRefused(0).getServiceKey() + ": " + ack.getRefused(0).getError();
    }
    for (Change change : unapplied) {
      if (change.version <= ack.getSnapshotVersion()) {
        change.appliedNanos = nanos;
        unapplied.remove(change);
      }
    }
  }

  /** Every change written so far is running in the forwarder. */
  boolean allApplied() {
    return unsent.isEmpty() && unapplied.isEmpty();
  }

  /** Changes written and not yet running. */
  int pending() {
    return unsent.size() + unapplied.size();
  }

  /** The first service the forwarder refused while changes were timed, or null. */
  String refused() {
    return refused;
  }

  /** Milliseconds from write to running, in order; only once {@link #allApplied}. */
  synchronized double[] sortedMillis() {
    double[] millis =
        all.stream().mapToDouble(c -> (c.appliedNanos - c.writtenNanos) / 1e6).toArray();
    Arrays.sort(millis);
    return millis;
  }

  /**
   * Milliseconds from write to the operator's message carrying it (the API server and the
   * operator), in order; only once {@link #allApplied}.
   */
  synchronized double[] sortedMillisToSent() {
    double[] millis = all.stream().mapToDouble(c -> (c.sentNanos - c.writtenNanos) / 1e6).toArray();
    Arrays.sort(millis);
    return millis;
  }

  /**
   * Milliseconds from write to a watch delivering it (the API server's write and watch), in order;
   * only once {@link #allApplied}, and only for the changes a watch delivered.
   */
  synchronized double[] sortedMillisToSeen() {
    double[] millis =
        all.stream()
            .filter(c -> c.seenNanos >= 0)
            .mapToDouble(c -> (c.seenNanos - c.writtenNanos) / 1e6)
            .toArray();
    Arrays.sort(millis);
    return millis;
  }

  /**
   * Milliseconds from a watch delivering the change to the operator's message carrying it (the
   * operator, mostly), in order; negative when the operator's message came first.
   */
  synchronized double[] sortedMillisSeenToSent() {
    double[] millis =
        all.stream()
            .filter(c -> c.seenNanos >= 0)
            .mapToDouble(c -> (c.sentNanos - c.seenNanos) / 1e6)
            .toArray();
    Arrays.sort(millis);
    return millis;
  }

  /** How many changes a watch delivered (the others have no split at the watch). */
  synchronized long seenCount() {
    return all.stream().filter(c -> c.seenNanos >= 0).count();
  }

  /**
   * Milliseconds from the operator's message to the forwarder's acknowledgement that runs it (the
   * forwarder, and the wait for its answer to the messages before), in order.
   */
  synchronized double[] sortedMillisSentToRunning() {
    double[] millis = all.stream().mapToDouble(c -> (c.appliedNanos - c.sentNanos) / 1e6).toArray();
    Arrays.sort(millis);
    return millis;
  }

  /** The {@code p}-th percentile (nearest rank) of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
