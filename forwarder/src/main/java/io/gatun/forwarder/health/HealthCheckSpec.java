package io.gatun.forwarder.health;

import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.StatusRange;
import java.time.Duration;
import java.util.List;

/**
 * How to probe the backends of one service, from the snapshot's {@code HealthCheck}, with the
 * forwarder's defaults filled in and the settings checked. Two specs are equal when their source
 * messages are: a changed probe restarts the backends' health from scratch.
 *
 * @param source the operator's message, kept for equality and for the payloads
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
    List<StatusRange> expectedStatuses) {

  // Used when the operator leaves a field at zero; the HealthProbe CRD has its own defaults.
  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(5);
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
  static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
  private static final List<StatusRange> DEFAULT_STATUSES =
      List.of(StatusRange.newBuilder().setFrom(200).setTo(399).build());

  /** Reads and checks a snapshot's health check; throws naming the bad setting. */
  public static HealthCheckSpec of(HealthCheck check) {
    HealthCheck.Type type = check.getType();
    if (type == HealthCheck.Type.TYPE_UNSPECIFIED || type == HealthCheck.Type.UNRECOGNIZED) {
      throw new IllegalArgumentException(
          "health check "
              + (check.getProbe().isEmpty() ? "" : check.getProbe() + " ")
              + "has no type");
    }
    if (check.getPort() > 65535) {
      throw new IllegalArgumentException("health check port " + check.getPort() + " > 65535");
    }
    Duration period =
        check.getPeriodMillis() == 0 ? DEFAULT_PERIOD : Duration.ofMillis(check.getPeriodMillis());
    Duration timeout =
        check.getTimeoutMillis() == 0
            ? min(DEFAULT_TIMEOUT, period)
            : Duration.ofMillis(check.getTimeoutMillis());
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
        period,
        timeout,
        orDefault(check.getHealthyThreshold(), DEFAULT_HEALTHY_THRESHOLD),
        orDefault(check.getUnhealthyThreshold(), DEFAULT_UNHEALTHY_THRESHOLD),
        check.getHttpPath().isEmpty() ? "/" : check.getHttpPath(),
        check.getHttpMethod().isEmpty() ? "GET" : check.getHttpMethod(),
        check.getHttpExpectedStatusesCount() == 0
            ? DEFAULT_STATUSES
            : List.copyOf(check.getHttpExpectedStatusesList()));
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

  private static int orDefault(int value, int fallback) {
    return value == 0 ? fallback : value;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }
}
