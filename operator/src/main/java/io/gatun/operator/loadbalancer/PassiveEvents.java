package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.PassiveCrossing;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.EventRecorder.Type;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * An event on the LoadBalancer for every backend a forwarder takes out of rotation on its data
 * plane's passive verdict ({@value #EJECTED}, Warning) and for every such backend it puts back
 * ({@value #RETURNED}, Normal), naming the backend, the service, the forwarder and the reason.
 *
 * <p>Posted as the forwarder reports them, not from a reconcile: two reconciles may be one, and an
 * ejection followed by a quick return would leave no trace. The status shows only who is out now;
 * the events tell when and why each one left and came back. The recorder rate-limits and bounds
 * them; a LoadBalancer not in the cache (being deleted) gets none.
 */
final class PassiveEvents implements FleetListener {

  static final String EJECTED = "BackendEjected";
  static final String RETURNED = "BackendReturned";

  private final EventRecorder recorder;
  private final Function<Owner, Optional<LoadBalancer>> loadBalancers;

  PassiveEvents(EventRecorder recorder, Function<Owner, Optional<LoadBalancer>> loadBalancers) {
    this.recorder = recorder;
    this.loadBalancers = loadBalancers;
  }

  @Override
  public void passiveCrossings(List<PassiveCrossing> crossings) {
    for (PassiveCrossing crossing : crossings) {
      crossing
          .owner()
          .flatMap(loadBalancers)
          .ifPresent(
              lb ->
                  recorder.record(
                      lb,
                      crossing.ejected() ? Type.Warning : Type.Normal,
                      crossing.ejected() ? EJECTED : RETURNED,
                      message(crossing)));
    }
  }

  /**
   * "forwarder fwd-a took backend 198.18.0.12:8080 of default/web/http out of rotation:
   * PassiveFailure: 5 new connections failed in a row (...)".
   */
  static String message(PassiveCrossing crossing) {
    String backend = crossing.address() + ":" + crossing.port();
    String reason = crossing.reason().isBlank() ? "no reason given" : crossing.reason();
    return "forwarder "
        + crossing.forwarder()
        + (crossing.ejected() ? " took backend " : " put backend ")
        + backend
        + " of "
        + crossing.serviceKey()
        + (crossing.ejected() ? " out of rotation: " : " back in rotation: ")
        + reason;
  }
}
