package io.gatun.operator.control;

/**
 * One forwarder's latest verdict on one backend of one virtual service (a {@code BackendHealth}
 * observation).
 *
 * @param changedAtMillis when the backend last changed state, by the forwarder's clock (0: unknown)
 * @param latencyMicros latency of the last successful probe (0: none)
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
    long latencyMicros) {}
