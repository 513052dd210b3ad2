package io.gatun.forwarder.health;

import com.google.protobuf.ByteString;
import io.gatun.control.v1.HealthCheck;
import java.nio.charset.StandardCharsets;

/** Health checks for probe tests: short timeouts, everything else at its default. */
final class Checks {
  private Checks() {}

  static HealthCheck.Builder of(HealthCheck.Type type) {
    return HealthCheck.newBuilder()
        .setProbe("test/" + type.name().toLowerCase())
        .setType(type)
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
