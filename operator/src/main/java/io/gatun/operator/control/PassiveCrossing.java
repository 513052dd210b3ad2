package io.gatun.operator.control;

import io.gatun.operator.ipam.Owner;
import java.util.Optional;

/**
 * One forwarder took a backend out of rotation on its data plane's passive verdict ({@code
 * ejected}), or put a backend so ejected back in (by its active probe, or on trial without one).
 *
 * @param reason what the forwarder said: what the data plane saw on ejection, why it returned
 */
public record PassiveCrossing(
    String forwarder, String serviceKey, String address, int port, boolean ejected, String reason) {

  /**
   * The passive crossing from {@code before} to {@code after}, two verdicts of one forwarder on one
   * backend ({@code before} null: none held); empty when the backend neither left rotation on a
   * passive verdict nor came back from one. A probe's own failures are not passive crossings.
   */
  static Optional<PassiveCrossing> between(ProbeResult before, ProbeResult after) {
    boolean wasEjected = before != null && passivelyOut(before);
    if (!wasEjected && passivelyOut(after)) {
      return Optional.of(of(after, true));
    }
    if (wasEjected && after.healthy()) {
      return Optional.of(of(after, false));
    }
    return Optional.empty();
  }

  /** The LoadBalancer whose backend crossed; empty for a key not made by this operator. */
  public Optional<Owner> owner() {
    return ServiceKeys.ownerOf(serviceKey);
  }

  private static boolean passivelyOut(ProbeResult result) {
    return !result.healthy() && result.passiveFailure();
  }

  private static PassiveCrossing of(ProbeResult result, boolean ejected) {
    return new PassiveCrossing(
        result.forwarder(),
        result.serviceKey(),
        result.address(),
        result.port(),
        ejected,
        result.reason());
  }
}
