package io.gatun.operator.pool;

import io.gatun.operator.api.Pool;
import io.gatun.operator.control.BgpSessionChange;
import io.gatun.operator.status.EventRecorder;

/**
 * An event on each Pool whose peer a forwarder's BGP session is with, when it comes up ({@value
 * #ESTABLISHED}, Normal) or goes down ({@value #DOWN}, Warning, with FRR's reason): posted as the
 * forwarder reports it, so a flap between two reconciles leaves its trace.
 */
final class BgpSessionEvents {

  static final String ESTABLISHED = "BgpSessionEstablished";
  static final String DOWN = "BgpSessionDown";

  private BgpSessionEvents() {}

  static void record(EventRecorder recorder, Pool pool, BgpSessionChange change) {
    recorder.record(
        pool,
        change.established() ? EventRecorder.Type.Normal : EventRecorder.Type.Warning,
        change.established() ? ESTABLISHED : DOWN,
        message(change));
  }

  /** "forwarder fwd-a: peer 198.18.0.1 (AS 64513) down: Active, Hold Timer Expired". */
  static String message(BgpSessionChange change) {
    return "forwarder "
        + change.forwarder()
        + ": "
        + BgpSessionChange.describe(change.session())
        + (change.established()
            ? " established"
            : " down: " + BgpSessionChange.why(change.session()));
  }
}
