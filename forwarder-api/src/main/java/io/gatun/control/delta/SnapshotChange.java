package io.gatun.control.delta;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.List;
import java.util.function.Supplier;

/**
 * A message from the operator as the forwarder applies it: the snapshot it stands for and, for a
 * delta, what it changed — the services added or changed (whole) and the keys removed — so that
 * applying it costs what changed. A complete snapshot is a change from nothing: every one of its
 * services may have changed, and whatever the forwarder ran that it lacks is gone.
 *
 * <p>A delta's complete snapshot is built only when asked for ({@link #snapshot()}): at 10,000
 * services, building it for every message was a visible share of the agent's time.
 */
public final class SnapshotChange {
  private final long version;
  private final int services;
  private final FleetConfig fleet;
  private final BgpConfig bgp;
  private final boolean complete;
  private final List<VirtualService> upserted;
  private final List<String> removed;
  private Supplier<Snapshot> whole;
  private Snapshot snapshot;

  SnapshotChange(
      long version,
      int services,
      FleetConfig fleet,
      BgpConfig bgp,
      List<VirtualService> upserted,
      List<String> removed,
      Supplier<Snapshot> whole) {
    this.version = version;
    this.services = services;
    this.fleet = fleet;
    this.bgp = bgp;
    this.complete = false;
    this.upserted = List.copyOf(upserted);
    this.removed = List.copyOf(removed);
    this.whole = whole;
  }

  private SnapshotChange(Snapshot snapshot) {
    this.version = snapshot.getSnapshotVersion();
    this.services = snapshot.getServicesCount();
    this.fleet = snapshot.getFleet();
    this.bgp = snapshot.getBgp();
    this.complete = true;
    this.upserted = List.of();
    this.removed = List.of();
    this.snapshot = snapshot;
  }

  /** A complete snapshot: a change from nothing. */
  public static SnapshotChange complete(Snapshot snapshot) {
    return new SnapshotChange(snapshot);
  }

  /** The complete snapshot the message stands for (a delta's built on the first call). */
  public synchronized Snapshot snapshot() {
    if (snapshot == null) {
      snapshot = whole.get();
      whole = null;
    }
    return snapshot;
  }

  public long version() {
    return version;
  }

  /** How many services the snapshot has. */
  public int services() {
    return services;
  }

  /** The fleet configuration (the default instance when the snapshot has none). */
  public FleetConfig fleet() {
    return fleet;
  }

  /** The BGP configuration (the default instance when the snapshot has none). */
  public BgpConfig bgp() {
    return bgp;
  }

  /**
   * Whether the message was a complete snapshot ({@link #upserted} and {@link #removed} are then
   * empty: compare with what runs).
   */
  public boolean complete() {
    return complete;
  }

  /** A delta's services added or changed, whole. */
  public List<VirtualService> upserted() {
    return upserted;
  }

  /** A delta's keys removed. */
  public List<String> removed() {
    return removed;
  }
}
