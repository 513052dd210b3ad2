package io.gatun.forwarder.fleet;

import io.gatun.control.Address;
import io.gatun.control.v1.Observation;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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
  // What it answers for, as addresses: a snapshot's VIPs are compared and looked up as such. The
  // text (sorted, for the observation) follows gains and losses only: formatting and sorting every
  // VIP on every snapshot was most of the agent's time while thousands of LoadBalancers were
  // created (JFR), and the agent now reports its VIPs after every snapshot that changed them.
  private volatile Set<InetAddress> owned = Set.of();
  private final TreeSet<String> ownedSorted = new TreeSet<>();
  private volatile List<String> ownedText = List.of();
  private volatile boolean ownedTextStale;

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
    Set<InetAddress> next =
        Collections.unmodifiableSet(new LinkedHashSet<>(vips)); // in order given
    if (!toldDataPlane || !next.equals(owned)) {
      toldDataPlane = true;
      // Answered before it is announced; a BGP VIP among the served ones is answered by no one.
      dataPlane.setOwned(next);
    }
    List<InetAddress> gainedNow = new ArrayList<>();
    for (InetAddress v : next) {
      if (!owned.contains(v)) {
        gainedNow.add(v);
      }
    }
    if (gainedNow.size() > 1) { // announced in the order of their text, as owned() lists them
      gainedNow.sort(Comparator.comparing(Address::text));
    }
    for (InetAddress v : gainedNow) {
      dataPlane.announce(v, garpCount, garpInterval);
      metrics.garps(garpCount);
    }
    int gained = gainedNow.size();
    int kept = next.size() - gained;
    metrics.acquired(gained);
    metrics.released(owned.size() - kept);
    if (gained > 0 || kept != owned.size()) {
      gainedNow.forEach(v -> ownedSorted.add(Address.text(v)));
      if (kept != owned.size()) {
        owned.stream()
            .filter(v -> !next.contains(v))
            .forEach(v -> ownedSorted.remove(Address.text(v)));
      }
      ownedTextStale = true;
    }
    owned = next;
  }

  /** The VIPs it answers for, as text, sorted. */
  @Override
  public List<String> owned() {
    if (ownedTextStale) {
      synchronized (this) {
        if (ownedTextStale) {
          ownedText = List.copyOf(ownedSorted);
          ownedTextStale = false;
        }
      }
    }
    return ownedText;
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
