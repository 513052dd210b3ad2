package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.gatun.control.v1.BackendHealth;

/**
 * A backend's health as the prober last judged it.
 *
 * @param changedAtMillis when it last changed state (or started being probed), Unix epoch ms
 * @param lastLatencyMicros latency of the last successful probe (0 if none yet)
 */
public record HealthStatus(
    BackendKey key,
    boolean healthy,
    String reason,
    String probe,
    long changedAtMillis,
    long lastLatencyMicros) {

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
        .build();
  }
}
