package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * Passive health: the forwarders' data plane takes a backend out of rotation when it sees new
 * connections to it fail, before any probe notices (outlier detection).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PassiveHealth(
    @Default("3")
        @Min(1)
        @Max(1000)
        @JsonPropertyDescription(
            "Failed new connections in a row that take a backend out of rotation: a SYN answered"
                + " with RST, an ICMP unreachable about it, or a SYN unanswered for windowMillis"
                + " while other backends of the service answer. Retransmitted SYNs do not count.")
        Integer consecutiveFailures,
    @Default("2000")
        @Min(10)
        @Max(60000)
        @JsonPropertyDescription(
            "How long a SYN may wait for its SYN-ACK before it counts as unanswered: a backend that"
                + " answers later than this is taken for silent, one that answers sooner is only"
                + " slow and stays. The default leaves room for one lost SYN (clients retransmit"
                + " after 1 s).")
        Integer windowMillis,
    @Default("30000")
        @Min(1000)
        @Max(3600000)
        @JsonPropertyDescription(
            "type PASSIVE (no active probe): how long a backend stays out before it returns on"
                + " trial (the n-th ejection in a row lasts n times as long, at most 10). With an"
                + " active probe, the probe brings it back.")
        Integer ejectionTimeMillis,
    @Default("50")
        @Min(1)
        @Max(100)
        @JsonPropertyDescription(
            "Passive ejection never leaves more than this percentage of a service's backends out"
                + " of rotation (backends out for their probe count too).")
        Integer maxEjectedPercent) {

  public int consecutiveFailuresOrDefault() {
    return consecutiveFailures == null ? 3 : consecutiveFailures;
  }

  public int windowMillisOrDefault() {
    return windowMillis == null ? 2000 : windowMillis;
  }

  public int ejectionTimeMillisOrDefault() {
    return ejectionTimeMillis == null ? 30000 : ejectionTimeMillis;
  }

  public int maxEjectedPercentOrDefault() {
    return maxEjectedPercent == null ? 50 : maxEjectedPercent;
  }
}
