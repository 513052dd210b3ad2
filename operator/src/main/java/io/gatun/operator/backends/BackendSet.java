package io.gatun.operator.backends;

import io.gatun.control.v1.Backend;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.ipam.IpFamily;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A LoadBalancer's backends, from whichever source its spec names, and which of them take traffic:
 * the ready ones, or, when none is ready, the terminating ones still serving (as kube-proxy does,
 * so connections drain instead of failing while a rollout replaces every pod).
 */
public final class BackendSet {

  /** Orders backends so equal sets give equal snapshots. */
  public static final Comparator<Backend> ORDER =
      Comparator.comparing(Backend::getAddress).thenComparingInt(Backend::getPort);

  private final List<BackendCandidate> all;
  private final List<BackendCandidate> inRotation;
  private final String whyNoneHealthy;
  private final List<String> notes;
  private final boolean keepsPorts;

  /**
   * @param whyNoneHealthy what to tell the user when no endpoint takes traffic
   */
  BackendSet(List<BackendCandidate> endpoints, String whyNoneHealthy) {
    // The same backend may appear twice (e.g. an endpoint in two slices while they are
    // rebalanced): the best state wins. Static backends on one address with ports of their own
    // are different backends.
    var byIdentity = new LinkedHashMap<BackendCandidate.Identity, BackendCandidate>();
    for (BackendCandidate endpoint : endpoints) {
      byIdentity.merge(
          endpoint.identity(), endpoint, (a, b) -> a.state().compareTo(b.state()) <= 0 ? a : b);
    }
    this.all = List.copyOf(byIdentity.values());
    var ready = all.stream().filter(e -> e.state() == BackendCandidate.State.READY).toList();
    this.inRotation =
        ready.isEmpty()
            ? all.stream()
                .filter(e -> e.state() == BackendCandidate.State.TERMINATING_SERVING)
                .toList()
            : ready;
    this.whyNoneHealthy = whyNoneHealthy;
    this.notes = List.of();
    this.keepsPorts = false;
  }

  /** A set narrowed by {@link UsableBackends}. */
  BackendSet(
      List<BackendCandidate> all,
      List<BackendCandidate> inRotation,
      String whyNoneHealthy,
      List<String> notes,
      boolean keepsPorts) {
    this.all = List.copyOf(all);
    this.inRotation = List.copyOf(inRotation);
    this.whyNoneHealthy = whyNoneHealthy;
    this.notes = List.copyOf(notes);
    this.keepsPorts = keepsPorts;
  }

  /** Every backend, whether it takes traffic or not. */
  List<BackendCandidate> all() {
    return all;
  }

  /** The backends that take traffic. */
  List<BackendCandidate> inRotation() {
    return inRotation;
  }

  /** What was left out and why, for the BackendsHealthy message; empty when nothing was. */
  public List<String> notes() {
    return notes;
  }

  public BackendCounts counts() {
    return counts(Map.of());
  }

  /**
   * Counts, with the backends whose health probe fails taken out of the healthy ones.
   *
   * @param probedUnhealthy address to the ports a probe fails on
   */
  public BackendCounts counts(Map<String, Set<Integer>> probedUnhealthy) {
    long healthy =
        inRotation.stream()
            .filter(
                e ->
                    probedUnhealthy.getOrDefault(e.address().toString(), Set.of()).stream()
                        .noneMatch(e::probedOn))
            .count();
    return new BackendCounts((int) healthy, all.size());
  }

  /**
   * The backends traffic to {@code port} goes to, of the VIP's family (and, when the mode cannot
   * translate ports, listening on the VIP's port), ordered.
   */
  public List<Backend> forPort(LoadBalancerPort port, IpFamily family) {
    return inRotation.stream()
        .filter(e -> e.address().family() == family)
        .filter(e -> !keepsPorts || e.port(port) == port.port())
        .map(
            e ->
                Backend.newBuilder()
                    .setAddress(e.address().toString())
                    .setPort(e.port(port))
                    .setWeight(e.weight())
                    .build())
        .sorted(ORDER)
        .distinct()
        .toList();
  }

  /** Where each backend runs (address to node), for node-local traffic. */
  public Map<String, String> nodes() {
    var nodes = new LinkedHashMap<String, String>();
    all.stream()
        .filter(e -> e.node() != null)
        .forEach(e -> nodes.put(e.address().toString(), e.node()));
    return nodes;
  }

  public String whyNoneHealthy() {
    return whyNoneHealthy;
  }

  /** Whether every backend in rotation is a terminating one (for the condition message). */
  public boolean drainingOnly() {
    return !inRotation.isEmpty()
        && inRotation.getFirst().state() == BackendCandidate.State.TERMINATING_SERVING;
  }
}
