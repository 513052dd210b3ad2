package io.gatun.operator.healthprobe;

import com.google.protobuf.ByteString;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.StatusRange;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.PayloadEncoding;
import io.gatun.operator.api.ProbePayload;
import io.gatun.operator.api.ProbeType;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A HealthProbe as the control channel carries it. */
public final class HealthChecks {

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
    var http = spec.http();
    if (http != null) {
      check.setHttpPath(http.path() == null ? "/" : http.path());
      check.setHttpMethod(http.method() == null ? "GET" : http.method().name());
      if (http.host() != null) {
        check.setHttpHost(http.host());
      }
      if (http.expectedStatuses() != null) {
        http.expectedStatuses()
            .forEach(
                range ->
                    check.addHttpExpectedStatuses(
                        StatusRange.newBuilder().setFrom(range.from()).setTo(range.toOrDefault())));
      }
    } else if (spec.type() == ProbeType.HTTP || spec.type() == ProbeType.HTTPS) {
      check.setHttpPath("/").setHttpMethod("GET");
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
