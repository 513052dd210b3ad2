package io.gatun.forwarder.fleet;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * How a forwarder takes part in its fleet (the {@code --fleet-*} flags).
 *
 * @param key the cluster id and the advertisements' HMAC key
 * @param interval how often it advertises (VRRP's Advertisement_Interval)
 * @param multiplier advertisements a peer may miss before it counts as gone
 * @param garpCount gratuitous ARPs / unsolicited NAs sent on taking an address
 * @param garpInterval between them
 * @param drainGrace how long a leaving forwarder keeps forwarding after handing its VIPs over
 * @param gateways addresses owned like VIPs though no service has them: the gateway NAT-mode
 *     backends route their replies through, which must follow ownership
 */
public record FleetSettings(
    FleetKey key,
    Duration interval,
    int multiplier,
    int garpCount,
    Duration garpInterval,
    Duration drainGrace,
    List<InetAddress> gateways) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
  public static final int DEFAULT_MULTIPLIER = 3;
  public static final int DEFAULT_GARP_COUNT = 3;
  public static final Duration DEFAULT_GARP_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_DRAIN_GRACE = Duration.ofSeconds(3);

  public FleetSettings {
    requireIn("--fleet-interval-ms", interval.toMillis(), 10, 10_000);
    requireIn("--fleet-multiplier", multiplier, 2, 255);
    requireIn("--garp-count", garpCount, 1, 100);
    requireIn("--garp-interval-ms", garpInterval.toMillis(), 1, 10_000);
    requireIn("--drain-grace-ms", drainGrace.toMillis(), 0, 600_000);
    gateways = List.copyOf(gateways);
  }

  /** How long a silent peer stays alive, and how long a forwarder listens before claiming. */
  public Duration downInterval() {
    return interval.multipliedBy(multiplier).plus(interval);
  }

  /** Refuses a flag value outside [min, max], naming the flag and the range. */
  public static void requireIn(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          flag + " is " + value + ": give a value from " + min + " to " + max);
    }
  }
}
