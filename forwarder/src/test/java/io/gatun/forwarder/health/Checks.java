package io.gatun.forwarder.health;

import com.google.protobuf.ByteString;
import io.gatun.control.v1.HealthCheck;
import io.gatun.forwarder.testing.Snapshots;
import java.nio.charset.StandardCharsets;

/**
 * Health checks for probe tests as the operator sends them, every default resolved (the agent
 * refuses zero settings): short periods and timeouts, HTTP ones asking GET / for 200-399.
 */
final class Checks {
  private Checks() {}

  static HealthCheck.Builder of(HealthCheck.Type type) {
    return Snapshots.healthCheck(type, "test/" + type.name().toLowerCase())
        .setPeriodMillis(1000)
        .setTimeoutMillis(300);
  }

  static HealthCheckSpec spec(HealthCheck.Builder check) {
    return HealthCheckSpec.of(check.build());
  }

  static ByteString text(String s) {
    return ByteString.copyFrom(s, StandardCharsets.US_ASCII);
  }
}
