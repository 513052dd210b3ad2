package io.gatun.operator.backends;

import io.gatun.operator.api.BackendHealthStatus;
import io.gatun.operator.control.ProbeResult;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The forwarders' probe verdicts on a LoadBalancer's backends, folded per backend (address and
 * port): unhealthy when any forwarder says so, with that forwarder's reason. Only verdicts from the
 * HealthProbe the LoadBalancer uses now count: a forwarder may still hold results of a probe since
 * replaced.
 */
public record BackendHealthReport(List<BackendHealthStatus> backends) {

  /** At most this many backends are listed in the status (the unhealthy first). */
  static final int LISTED = 50;

  public static final BackendHealthReport NONE = new BackendHealthReport(List.of());

  public static BackendHealthReport of(List<ProbeResult> results, String probe) {
    if (probe == null) {
      return NONE;
    }
    var byBackend = new TreeMap<String, List<ProbeResult>>();
    for (ProbeResult result : results) {
      if (probe.equals(result.probe())) {
        byBackend
            .computeIfAbsent(result.address() + ":" + result.port(), k -> new ArrayList<>())
            .add(result);
      }
    }
    var backends = new ArrayList<BackendHealthStatus>();
    for (List<ProbeResult> verdicts : byBackend.values()) {
      backends.add(fold(verdicts));
    }
    backends.sort(
        Comparator.comparing(BackendHealthStatus::healthy)
            .thenComparing(BackendHealthStatus::address)
            .thenComparing(BackendHealthStatus::port));
    return new BackendHealthReport(backends);
  }

  private static BackendHealthStatus fold(List<ProbeResult> verdicts) {
    var first = verdicts.getFirst();
    var failing =
        verdicts.stream()
            .filter(v -> !v.healthy())
            .sorted(Comparator.comparing(ProbeResult::forwarder))
            .toList();
    boolean healthy = failing.isEmpty();
    String reason =
        healthy
            ? verdicts.stream()
                .map(ProbeResult::reason)
                .filter(r -> !r.isBlank())
                .findFirst()
                .orElse("healthy")
            : failing.stream()
                .map(v -> v.forwarder() + ": " + (v.reason().isBlank() ? "unhealthy" : v.reason()))
                .collect(Collectors.joining("; "));
    long changedAt = verdicts.stream().mapToLong(ProbeResult::changedAtMillis).max().orElse(0);
    long latency =
        verdicts.stream()
            .filter(ProbeResult::healthy)
            .mapToLong(ProbeResult::latencyMicros)
            .max()
            .orElse(0);
    return new BackendHealthStatus(
        first.address(),
        first.port(),
        healthy,
        reason,
        changedAt == 0
            ? null
            : Instant.ofEpochMilli(changedAt).truncatedTo(ChronoUnit.SECONDS).toString(),
        latency == 0 ? null : latency,
        healthy
            ? null
            : failing.stream().anyMatch(v -> !v.passiveFailure())
                ? BackendHealthStatus.PROBE_FAILURE
                : BackendHealthStatus.PASSIVE_FAILURE);
  }

  /** Each address with a failing verdict, and the ports it fails on. */
  public Map<String, Set<Integer>> unhealthyPorts() {
    return backends.stream()
        .filter(b -> !b.healthy())
        .collect(
            Collectors.groupingBy(
                BackendHealthStatus::address,
                Collectors.mapping(BackendHealthStatus::port, Collectors.toSet())));
  }

  /** The failing backends, for messages: "198.18.0.13:8080 (fwd-a: connect refused)". */
  public String failures() {
    return backends.stream()
        .filter(b -> !b.healthy())
        .map(b -> b.address() + ":" + b.port() + " (" + b.reason() + ")")
        .collect(Collectors.joining(", "));
  }

  /** What the status lists. */
  public List<BackendHealthStatus> listed() {
    return backends.size() <= LISTED ? backends : backends.subList(0, LISTED);
  }
}
