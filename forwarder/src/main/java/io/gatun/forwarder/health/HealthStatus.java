package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.gatun.control.v1.BackendHealth;

/**
 * A backend's health as the prober last judged it.
 *
 * @param changedAtMillis when it last changed state (or started being probed), Unix epoch ms
 * @param lastLatencyMicros latency of the last successful probe (0 if none yet)
 * @param passiveFailure out of rotation on the data plane's passive verdict, not a probe's
 */
public record HealthStatus(
    BackendKey key,
    boolean healthy,
    String reason,
    String probe,
    long changedAtMillis,
    long lastLatencyMicros,
    boolean passiveFailure) {

  /** A probe's verdict. */
  public HealthStatus(
      BackendKey key,
      boolean healthy,
      String reason,
      String probe,
      long changedAtMillis,
      long lastLatencyMicros) {
    this(key, healthy, reason, probe, changedAtMillis, lastLatencyMicros, false);
  }

  public BackendHealth toProto() {
    return BackendHealth.newBuilder()
        .setServiceKey(key.serviceKey())
        .setAddress(Address.text(key.address()))
        .setPort(key.port())
        .setHealthy(healthy)
        .setReason(reason)
        .setProbe(probe)
        .setChangedAtUnixMillis(changedAtMillis)
        .setLastLatencyMicros(lastLatencyMicros)
        .setPassiveFailure(passiveFailure)
        .build();
  }
}
