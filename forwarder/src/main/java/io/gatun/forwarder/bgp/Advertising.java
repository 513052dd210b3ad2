package io.gatun.forwarder.bgp;

import java.util.Set;
import java.util.TreeSet;

/**
 * Which VIPs this forwarder may advertise: only what it can serve. A prefix is advertised while
 * every data port's link is up, every worker keeps looping, and one of the prefix's services has a
 * healthy backend here; otherwise it is withdrawn, and the router sends its traffic to the other
 * forwarders. (A forwarder whose port or workers die loses its sessions too, through the exception
 * path: this is the case where the process is alive and can say so.)
 */
public final class Advertising {
  private Advertising() {}

  /**
   * What the agent knows of its own health.
   *
   * @param portsUp every data port's link is up
   * @param workersLooping no worker is stuck
   * @param servableKeys the running services with at least one healthy serving backend
   */
  public record Readiness(boolean portsUp, boolean workersLooping, Set<String> servableKeys) {}

  /** The prefixes of {@code plan} to advertise now, sorted. */
  public static Set<String> advertised(BgpPlan plan, Readiness readiness) {
    Set<String> out = new TreeSet<>();
    if (!plan.on() || !readiness.portsUp() || !readiness.workersLooping()) {
      return out;
    }
    for (BgpPlan.Advertisement a : plan.advertisements()) {
      if (a.serviceKeys().stream().anyMatch(readiness.servableKeys()::contains)) {
        out.add(a.prefix());
      }
    }
    return out;
  }

  /** Why nothing is advertised, or null when the forwarder itself is fit (for the log). */
  public static String unfit(Readiness readiness) {
    if (!readiness.portsUp()) {
      return "a data port's link is down";
    }
    if (!readiness.workersLooping()) {
      return "a worker stopped looping";
    }
    return null;
  }
}
