package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** How a forwarder checks each backend of the LoadBalancers that use this probe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.timeoutMillis <= self.periodMillis",
    message = "timeoutMillis must not exceed periodMillis: a probe must end before the next starts")
@ValidationRule(
    value = "!has(self.http) || self.type == 'HTTP' || self.type == 'HTTPS'",
    message = "http applies to type HTTP or HTTPS only: remove it or change the type")
@ValidationRule(
    value = "!has(self.tls) || self.type == 'HTTPS'",
    message = "tls applies to type HTTPS only: remove it or set type: HTTPS")
@ValidationRule(
    value = "!has(self.payload) || self.type == 'UDP' || self.type == 'SCTP'",
    message = "payload applies to type UDP or SCTP only: remove it or change the type")
@ValidationRule(
    value = "!has(self.port) || self.type != 'ICMP'",
    message = "port does not apply to type ICMP (echo has no port): remove it")
@ValidationRule(
    value = "self.type != 'PASSIVE' || has(self.passive)",
    message =
        "type PASSIVE needs passive settings: add passive: {} for the defaults, or choose an active"
            + " probe type")
@ValidationRule(
    value = "!has(self.port) || self.type != 'PASSIVE'",
    message = "port does not apply to type PASSIVE (no probe is sent): remove it")
public record HealthProbeSpec(
    @Required
        @JsonPropertyDescription(
            "ICMP, TCP, UDP, SCTP, HTTP or HTTPS; PASSIVE for the data plane's passive verdict"
                + " alone (spec.passive), without an active probe.")
        ProbeType type,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription("The port to probe; each backend's own port when unset.")
        Integer port,
    @Default("5000")
        @Min(100)
        @Max(3600000)
        @JsonPropertyDescription("Time between probes of one backend.")
        Integer periodMillis,
    @Default("1000")
        @Min(10)
        @Max(60000)
        @JsonPropertyDescription("A probe without an answer in this time fails.")
        Integer timeoutMillis,
    @Default("2")
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Consecutive successes that make a backend healthy.")
        Integer healthyThreshold,
    @Default("3")
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Consecutive failures that make a backend unhealthy.")
        Integer unhealthyThreshold,
    @JsonPropertyDescription("UDP and SCTP: what to send and expect.") ProbePayload payload,
    @JsonPropertyDescription("HTTP and HTTPS: the request and the statuses that pass.")
        HttpProbe http,
    @JsonPropertyDescription("HTTPS: SNI and certificate checking.") TlsProbe tls,
    @JsonPropertyDescription(
            "Passive health: the data plane takes a backend out of rotation when new connections"
                + " to it fail (RST, ICMP unreachable, SYNs unanswered), before a probe notices."
                + " Unset: off.")
        PassiveHealth passive) {

  /** A probe without passive health. */
  public HealthProbeSpec(
      ProbeType type,
      Integer port,
      Integer periodMillis,
      Integer timeoutMillis,
      Integer healthyThreshold,
      Integer unhealthyThreshold,
      ProbePayload payload,
      HttpProbe http,
      TlsProbe tls) {
    this(
        type,
        port,
        periodMillis,
        timeoutMillis,
        healthyThreshold,
        unhealthyThreshold,
        payload,
        http,
        tls,
        null);
  }

  public int periodMillisOrDefault() {
    return periodMillis == null ? 5000 : periodMillis;
  }

  public int timeoutMillisOrDefault() {
    return timeoutMillis == null ? 1000 : timeoutMillis;
  }

  public int healthyThresholdOrDefault() {
    return healthyThreshold == null ? 2 : healthyThreshold;
  }

  public int unhealthyThresholdOrDefault() {
    return unhealthyThreshold == null ? 3 : unhealthyThreshold;
  }
}
