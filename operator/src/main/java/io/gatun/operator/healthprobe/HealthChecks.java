package io.gatun.operator.healthprobe;

import com.google.protobuf.ByteString;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.PassiveCheck;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.HttpProbe;
import io.gatun.operator.api.PayloadEncoding;
import io.gatun.operator.api.ProbePayload;
import io.gatun.operator.api.ProbeType;
import io.gatun.operator.api.StatusRange;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * A HealthProbe as the control channel carries it, every default resolved (the forwarder refuses a
 * zero or empty setting rather than filling it in).
 */
public final class HealthChecks {
  /** The HTTP statuses that pass when the HealthProbe names none, as its CRD documents. */
  static final List<StatusRange> DEFAULT_EXPECTED_STATUSES = List.of(new StatusRange(200, 399));

  private HealthChecks() {}

  public static HealthCheck of(HealthProbe probe) {
    var spec = probe.getSpec();
    var check =
        HealthCheck.newBuilder()
            .setProbe(probe.getMetadata().getNamespace() + "/" + probe.getMetadata().getName())
            .setType(HealthCheck.Type.valueOf(spec.type().name()))
            .setPort(spec.port() == null ? 0 : spec.port())
            .setPeriodMillis(spec.periodMillisOrDefault())
            .setTimeoutMillis(spec.timeoutMillisOrDefault())
            .setHealthyThreshold(spec.healthyThresholdOrDefault())
            .setUnhealthyThreshold(spec.unhealthyThresholdOrDefault());
    ProbePayload payload = spec.payload();
    if (payload != null) {
      check.setSend(bytes(payload.send(), payload.encoding()));
      check.setExpect(bytes(payload.expect(), payload.encoding()));
    }
    if (spec.type() == ProbeType.HTTP || spec.type() == ProbeType.HTTPS) {
      HttpProbe http = spec.http() == null ? new HttpProbe(null, null, null, null) : spec.http();
      check.setHttpPath(http.path() == null ? "/" : http.path());
      check.setHttpMethod(http.method() == null ? "GET" : http.method().name());
      if (http.host() != null) {
        check.setHttpHost(http.host());
      }
      List<StatusRange> statuses =
          http.expectedStatuses() == null || http.expectedStatuses().isEmpty()
              ? DEFAULT_EXPECTED_STATUSES
              : http.expectedStatuses();
      statuses.forEach(
          range ->
              check.addHttpExpectedStatuses(
                  io.gatun.control.v1.StatusRange.newBuilder()
                      .setFrom(range.from())
                      .setTo(range.toOrDefault())));
    }
    if (spec.passive() != null) {
      var passive = spec.passive();
      check.setPassive(
          PassiveCheck.newBuilder()
              .setConsecutiveFailures(passive.consecutiveFailuresOrDefault())
              .setWindowMillis(passive.windowMillisOrDefault())
              .setEjectionTimeMillis(passive.ejectionTimeMillisOrDefault())
              .setMaxEjectedPercent(passive.maxEjectedPercentOrDefault()));
    }
    if (spec.tls() != null) {
      if (spec.tls().serverName() != null) {
        check.setTlsServerName(spec.tls().serverName());
      }
      check.setTlsSkipVerify(Boolean.TRUE.equals(spec.tls().insecureSkipVerify()));
    }
    return check.build();
  }

  private static ByteString bytes(String text, PayloadEncoding encoding) {
    if (text == null) {
      return ByteString.EMPTY;
    }
    return encoding == PayloadEncoding.Hex
        ? ByteString.copyFrom(HexFormat.of().parseHex(text))
        : ByteString.copyFrom(text, StandardCharsets.UTF_8);
  }
}
