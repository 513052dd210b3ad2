package io.gatun.forwarder.health;

import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.StatusRange;
import io.gatun.forwarder.health.passive.PassiveSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How to probe the backends of one service, from the snapshot's {@code HealthCheck}, its settings
 * checked. Two specs are equal when their source messages are: a changed probe restarts the
 * backends' health from scratch.
 *
 * @param source the operator's message, kept for equality and for the payloads
 * @param passive the data plane's passive verdict, when asked for ({@code type} PASSIVE: alone)
 */
public record HealthCheckSpec(
    HealthCheck source,
    HealthCheck.Type type,
    int port,
    Duration period,
    Duration timeout,
    int healthyThreshold,
    int unhealthyThreshold,
    String httpPath,
    String httpMethod,
    List<StatusRange> expectedStatuses,
    Optional<PassiveSpec> passive) {

  /**
   * Reads and checks a snapshot's health check; throws naming the bad setting. The operator
   * resolves every default (the HealthProbe CRD's), so a zero or empty setting is refused, never
   * filled in here.
   */
  public static HealthCheckSpec of(HealthCheck check) {
    String name = "health check " + (check.getProbe().isEmpty() ? "" : check.getProbe() + " ");
    HealthCheck.Type type = check.getType();
    if (type == HealthCheck.Type.TYPE_UNSPECIFIED || type == HealthCheck.Type.UNRECOGNIZED) {
      throw new IllegalArgumentException(name + "has no type");
    }
    Optional<PassiveSpec> passive =
        check.hasPassive()
            ? Optional.of(PassiveSpec.of(check.getPassive(), name))
            : Optional.empty();
    if (type == HealthCheck.Type.PASSIVE) {
      // No probe runs: period, timeout and thresholds are the probe's and may be 0.
      if (passive.isEmpty()) {
        throw new IllegalArgumentException(name + "is passive only but has no passive settings");
      }
      return new HealthCheckSpec(
          check, type, 0, Duration.ZERO, Duration.ZERO, 1, 1, "", "", List.of(), passive);
    }
    if (check.getPort() > 65535) {
      throw new IllegalArgumentException(name + "port " + check.getPort() + " > 65535");
    }
    boolean http = type == HealthCheck.Type.HTTP || type == HealthCheck.Type.HTTPS;
    if (http) {
      if (!check.getHttpPath().startsWith("/") || check.getHttpMethod().isEmpty()) {
        throw new IllegalArgumentException(
            name + "has no HTTP path or method (the operator sends the HealthProbe's, / and GET)");
      }
      if (check.getHttpExpectedStatusesCount() == 0) {
        throw new IllegalArgumentException(
            name + "expects no HTTP status (the operator sends the HealthProbe's, 200-399)");
      }
    }
    for (StatusRange r : check.getHttpExpectedStatusesList()) {
      if (r.getFrom() < 100 || r.getTo() > 599 || r.getFrom() > r.getTo()) {
        throw new IllegalArgumentException(
            "expected HTTP statuses "
                + r.getFrom()
                + "-"
                + r.getTo()
                + " are not a range in 100-599");
      }
    }
    return new HealthCheckSpec(
        check,
        type,
        check.getPort(),
        Duration.ofMillis(positive(check.getPeriodMillis(), name, "period_millis")),
        Duration.ofMillis(positive(check.getTimeoutMillis(), name, "timeout_millis")),
        positive(check.getHealthyThreshold(), name, "healthy_threshold"),
        positive(check.getUnhealthyThreshold(), name, "unhealthy_threshold"),
        check.getHttpPath(),
        check.getHttpMethod(),
        List.copyOf(check.getHttpExpectedStatusesList()),
        passive);
  }

  /** The HealthProbe's name ({@code namespace/name}), echoed in reports. */
  public String probe() {
    return source.getProbe();
  }

  /** The port to probe on a backend listening on {@code backendPort}. */
  public int portFor(int backendPort) {
    return port == 0 ? backendPort : port;
  }

  public byte[] send() {
    return source.getSend().toByteArray();
  }

  public byte[] expect() {
    return source.getExpect().toByteArray();
  }

  public String httpHost() {
    return source.getHttpHost();
  }

  public String tlsServerName() {
    return source.getTlsServerName();
  }

  public boolean tlsSkipVerify() {
    return source.getTlsSkipVerify();
  }

  public boolean expectsStatus(int status) {
    return expectedStatuses.stream().anyMatch(r -> status >= r.getFrom() && status <= r.getTo());
  }

  /** For reasons: {@code 200-399} or {@code 200-299,418}. */
  public String expectedStatusText() {
    return String.join(
        ",",
        expectedStatuses.stream()
            .map(
                r ->
                    r.getFrom() == r.getTo()
                        ? Integer.toString(r.getFrom())
                        : r.getFrom() + "-" + r.getTo())
            .toList());
  }

  private static int positive(int value, String name, String field) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          name + field + " is " + value + " (the operator sends the HealthProbe's, never 0)");
    }
    return value;
  }
}
