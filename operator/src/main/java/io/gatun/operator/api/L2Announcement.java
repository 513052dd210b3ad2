package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/**
 * How fast the forwarders hand an L2 pool's VIPs over when the owner dies (issue 12): VRRPv3-style
 * advertisements every {@code intervalMillis} on the data segment, an owner judged gone after
 * {@code multiplier} of them missed, then gratuitous ARPs / unsolicited NAs from the new owner. The
 * defaults (100 ms × 3, 3 GARPs 100 ms apart) fail over in well under a second.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record L2Announcement(
    @Default("100")
        @Min(10)
        @Max(10000)
        @JsonPropertyDescription(
            "Milliseconds between the forwarders' advertisements (VRRP's Advertisement_Interval);"
                + " a forwarder advertises at the smallest interval among the pools it serves.")
        Integer intervalMillis,
    @Default("3")
        @Min(2)
        @Max(255)
        @JsonPropertyDescription(
            "Advertisements an owner may miss before another forwarder takes its VIPs over.")
        Integer multiplier,
    @Default("3")
        @Min(1)
        @Max(100)
        @JsonPropertyDescription("Gratuitous ARPs / unsolicited NAs the new owner sends.")
        Integer garpCount,
    @Default("100")
        @Min(1)
        @Max(10000)
        @JsonPropertyDescription("Milliseconds between those gratuitous ARPs.")
        Integer garpIntervalMillis) {

  public static final L2Announcement DEFAULTS = new L2Announcement(100, 3, 3, 100);

  public int intervalMillisOrDefault() {
    return intervalMillis == null ? DEFAULTS.intervalMillis : intervalMillis;
  }

  public int multiplierOrDefault() {
    return multiplier == null ? DEFAULTS.multiplier : multiplier;
  }

  public int garpCountOrDefault() {
    return garpCount == null ? DEFAULTS.garpCount : garpCount;
  }

  public int garpIntervalMillisOrDefault() {
    return garpIntervalMillis == null ? DEFAULTS.garpIntervalMillis : garpIntervalMillis;
  }
}
