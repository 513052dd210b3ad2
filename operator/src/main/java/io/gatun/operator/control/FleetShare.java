package io.gatun.operator.control;

import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import java.util.List;

/**
 * What one LoadBalancer adds to the fleet's configuration (Snapshot.fleet): its L2 Pool's timers
 * and, per VIP, who may own it.
 */
public record FleetShare(FleetPool pool, List<FleetVip> vips) {
  public FleetShare {
    vips = List.copyOf(vips);
  }
}
