package io.gatun.operator.control;

/**
 * One forwarder's latest verdict on one backend of one virtual service (a {@code BackendHealth}
 * observation).
 *
 * @param changedAtMillis when the backend last changed state, by the forwarder's clock (0: unknown)
 * @param latencyMicros latency of the last successful probe (0: none)
 * @param passiveFailure out of rotation on the data plane's passive verdict, not a probe's
 */
public record ProbeResult(
    String forwarder,
    String serviceKey,
    String address,
    int port,
    boolean healthy,
    String reason,
    String probe,
    long changedAtMillis,
    long latencyMicros,
    boolean passiveFailure) {

  /** A probe's verdict. */
  public ProbeResult(
      String forwarder,
      String serviceKey,
      String address,
      int port,
      boolean healthy,
      String reason,
      String probe,
      long changedAtMillis,
      long latencyMicros) {
    this(
        forwarder,
        serviceKey,
        address,
        port,
        healthy,
        reason,
        probe,
        changedAtMillis,
        latencyMicros,
        false);
  }
}
