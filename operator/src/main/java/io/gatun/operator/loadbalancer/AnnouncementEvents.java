package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.control.ConflictNews;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.VipMoveNews;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.EventRecorder.Type;
import java.util.List;
import java.util.function.Function;

/**
 * Events on the LoadBalancers holding a VIP when it changes hands ({@value #MOVED}, Normal: from,
 * to, why) and when a forwarder sees another MAC answer for it ({@value #CONFLICT}, Warning: the
 * MAC, the forwarder it belongs to if any, who saw it).
 *
 * <p>Posted as the forwarders report them, not from a reconcile: a failover and its return within
 * one reconcile would leave no trace in the status, and {@code kubectl describe} must tell it. The
 * fleet tells each move once though both forwarders report it.
 */
final class AnnouncementEvents implements FleetListener {

  static final String MOVED = "VipMoved";
  static final String CONFLICT = "AddressConflict";

  private final EventRecorder recorder;
  private final Function<String, List<LoadBalancer>> holding;

  /**
   * @param holding the LoadBalancers holding an address (several when they share it)
   */
  AnnouncementEvents(EventRecorder recorder, Function<String, List<LoadBalancer>> holding) {
    this.recorder = recorder;
    this.holding = holding;
  }

  @Override
  public void vipsMoved(List<VipMoveNews> moves) {
    for (VipMoveNews move : moves) {
      holding
          .apply(move.address())
          .forEach(lb -> recorder.record(lb, Type.Normal, MOVED, move.message()));
    }
  }

  @Override
  public void addressConflicts(List<ConflictNews> conflicts) {
    for (ConflictNews conflict : conflicts) {
      holding
          .apply(conflict.address())
          .forEach(lb -> recorder.record(lb, Type.Warning, CONFLICT, conflict.message()));
    }
  }
}
