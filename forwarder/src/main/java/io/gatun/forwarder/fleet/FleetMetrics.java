package io.gatun.forwarder.fleet;

import io.gatun.forwarder.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The fleet's meters: ownership, peers, failovers, announcements, conflicts, rejections. */
public final class FleetMetrics {
  private final Counter acquired;
  private final Counter released;
  private final Counter garps;
  private final Counter conflictsPeer;
  private final Counter conflictsForeign;
  private final Counter sent;
  private final Counter received;
  private final Map<Rejection, Counter> rejected = new EnumMap<>(Rejection.class);
  private final Timer failover;

  /**
   * @param owned how many addresses this forwarder answers for
   * @param peers how many peers it hears (0 without a fleet)
   */
  public FleetMetrics(MeterRegistry registry, Supplier<Number> owned, Supplier<Number> peers) {
    String changes = "gatun.vip.ownership.changes";
    String help = "VIPs this forwarder started or stopped answering for";
    this.acquired = Meters.counter(registry, changes, help, "change", "acquired");
    this.released = Meters.counter(registry, changes, help, "change", "released");
    Gauge.builder("gatun.vips.owned", owned, s -> s.get().doubleValue())
        .description("VIPs (and return-path gateways) this forwarder answers for")
        .strongReference(true) // a lambda: nothing else holds it
        .register(registry);
    Gauge.builder("gatun.fleet.peers.alive", peers, s -> s.get().doubleValue())
        .description("Forwarders of the fleet this one hears advertise")
        .strongReference(true)
        .register(registry);
    this.garps =
        Counter.builder("gatun.fleet.garps")
            .description("Gratuitous ARPs / unsolicited NAs asked of the data plane")
            .register(registry);
    String conflicts = "gatun.fleet.address.conflicts";
    String conflictHelp = "Another MAC answered for an address this forwarder owns";
    this.conflictsPeer = Meters.counter(registry, conflicts, conflictHelp, "claimant", "peer");
    this.conflictsForeign =
        Meters.counter(registry, conflicts, conflictHelp, "claimant", "foreign");
    String ads = "gatun.fleet.advertisements";
    String adsHelp = "Fleet advertisements sent, and received from peers and accepted";
    this.sent = Meters.counter(registry, ads, adsHelp, "direction", "sent");
    this.received = Meters.counter(registry, ads, adsHelp, "direction", "received");
    for (Rejection r : Rejection.values()) {
      rejected.put(
          r,
          Meters.counter(
              registry,
              "gatun.fleet.advertisements.rejected",
              "Fleet advertisements ignored, by reason",
              "reason",
              r.label()));
    }
    this.failover =
        Timer.builder("gatun.fleet.failover")
            .description(
                "From finding a peer gone (silent or leaving) to this forwarder's first"
                    + " gratuitous ARP for an address it took over")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry);
  }

  void acquired(int n) {
    acquired.increment(n);
  }

  void released(int n) {
    released.increment(n);
  }

  void garps(int n) {
    garps.increment(n);
  }

  void conflict(boolean peer) {
    (peer ? conflictsPeer : conflictsForeign).increment();
  }

  void sent() {
    sent.increment();
  }

  void received() {
    received.increment();
  }

  void rejected(Rejection reason) {
    rejected.get(reason).increment();
  }

  void failover(long nanos) {
    failover.record(Duration.ofNanos(nanos));
  }
}
