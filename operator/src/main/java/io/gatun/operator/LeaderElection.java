package io.gatun.operator;

import java.time.Duration;

/**
 * Leader election among operator replicas: one active, the others standing by with warm caches,
 * through a coordination.k8s.io/v1 Lease.
 *
 * @param leaseNamespace where the Lease lives; null: the client's namespace
 * @param identity this replica's name in the Lease (unique per replica; default: the host name)
 */
public record LeaderElection(
    String leaseName,
    String leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod) {

  public static final String DEFAULT_LEASE = "gatun-operator";

  /** Kubernetes' usual timings: a standby takes over at most 15 s after the leader is gone. */
  public static LeaderElection of(String leaseNamespace, String identity) {
    return new LeaderElection(
        DEFAULT_LEASE,
        leaseNamespace,
        identity,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2));
  }

  public LeaderElection withTimings(Duration lease, Duration renew, Duration retry) {
    return new LeaderElection(leaseName, leaseNamespace, identity, lease, renew, retry);
  }
}
