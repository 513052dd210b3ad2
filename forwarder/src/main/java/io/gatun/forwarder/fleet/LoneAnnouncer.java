package io.gatun.forwarder.fleet;

import io.gatun.control.Address;
import io.gatun.control.v1.Observation;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A forwarder without a fleet: it answers for every VIP it is given (every served VIP but those a
 * BGP Pool advertises, which only the router learns, by BGP) and announces each as it starts
 * serving it, so clients that knew another MAC for it move at once. Leaving hands nothing over:
 * there is no one to hand it to.
 */
public final class LoneAnnouncer implements Announcer {
  private final FleetDataPlane dataPlane;
  private final int garpCount;
  private final Duration garpInterval;
  private final FleetMetrics metrics;
  private volatile List<String> owned = List.of();
  // The same, to look up: a List's contains in the loop below made every snapshot cost
  // (VIPs)², most of the agent's time per commit at thousands of LoadBalancers (JFR).
  private Set<String> ownedSet = Set.of();

  /** False until the first {@link #serve}: the data plane answers for every VIP till then. */
  private boolean toldDataPlane;

  public LoneAnnouncer(
      FleetDataPlane dataPlane, int garpCount, Duration garpInterval, MeterRegistry registry) {
    this.dataPlane = dataPlane;
    this.garpCount = garpCount;
    this.garpInterval = garpInterval;
    this.metrics = new FleetMetrics(registry, () -> owned.size(), () -> 0);
  }

  /** Without a data plane to announce on: the agent's own tests. */
  public static LoneAnnouncer silent(MeterRegistry registry) {
    return new LoneAnnouncer(FleetDataPlane.NONE, 1, Duration.ofMillis(1), registry);
  }

  @Override
  public void start() {
    dataPlane.ownEveryVip();
  }

  @Override
  public synchronized void serve(Collection<InetAddress> vips) {
    Map<String, InetAddress> next = new TreeMap<>();
    vips.forEach(v -> next.put(Address.text(v), v));
    if (!toldDataPlane || !next.keySet().equals(java.util.Set.copyOf(owned))) {
      toldDataPlane = true;
      // Answered before it is announced; a BGP VIP among the served ones is answered by no one.
      dataPlane.setOwned(next.values());
    }
    int gained = 0;
    for (Map.Entry<String, InetAddress> v : next.entrySet()) {
      if (!ownedSet.contains(v.getKey())) {
        gained++;
        dataPlane.announce(v.getValue(), garpCount, garpInterval);
        metrics.garps(garpCount);
      }
    }
    int kept = (int) owned.stream().filter(next::containsKey).count();
    metrics.acquired(gained);
    metrics.released(owned.size() - kept);
    owned = List.copyOf(next.keySet());
    ownedSet = new HashSet<>(owned);
  }

  @Override
  public List<String> owned() {
    return owned;
  }

  @Override
  public void describe(Observation.Builder observation) {}

  @Override
  public void leave() {}

  @Override
  public Duration drainGrace() {
    return Duration.ZERO;
  }

  @Override
  public void close() {}
}
