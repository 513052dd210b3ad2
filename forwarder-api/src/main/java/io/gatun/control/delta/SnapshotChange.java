package io.gatun.control.delta;

import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.List;

/**
 * A message from the operator as the forwarder applies it: the complete snapshot it stands for and,
 * for a delta, what it changed — the services added or changed (whole) and the keys removed — so
 * that applying it costs what changed. A complete snapshot is a change from nothing: every one of
 * its services may have changed, and whatever the forwarder ran that it lacks is gone.
 *
 * @param complete whether the message was a complete snapshot ({@code upserted} and {@code removed}
 *     are then empty: compare with what runs)
 */
public record SnapshotChange(
    Snapshot snapshot, boolean complete, List<VirtualService> upserted, List<String> removed) {
  public SnapshotChange {
    upserted = List.copyOf(upserted);
    removed = List.copyOf(removed);
  }

  /** A complete snapshot: a change from nothing. */
  public static SnapshotChange complete(Snapshot snapshot) {
    return new SnapshotChange(snapshot, true, List.of(), List.of());
  }
}
