package io.gatun.forwarder.serving;

import io.gatun.forwarder.metrics.Meters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The VIPs this forwarder answers for (today: every VIP of its snapshot; the HA issue will narrow
 * it to the VIPs it owns), and how often that set changed.
 */
final class VipOwnership {
  private final Counter acquired;
  private final Counter released;
  private volatile Set<String> owned = Set.of();

  VipOwnership(MeterRegistry registry) {
    String changes = "gatun.vip.ownership.changes";
    String help = "VIPs this forwarder started or stopped answering for";
    this.acquired = Meters.counter(registry, changes, help, "change", "acquired");
    this.released = Meters.counter(registry, changes, help, "change", "released");
    Gauge.builder("gatun.vips.owned", this, v -> v.owned.size())
        .description("VIPs this forwarder answers for")
        .register(registry);
  }

  void serving(List<String> vips) {
    Set<String> next = new TreeSet<>(vips);
    Set<String> gained = new HashSet<>(next);
    gained.removeAll(owned);
    Set<String> lost = new HashSet<>(owned);
    lost.removeAll(next);
    acquired.increment(gained.size());
    released.increment(lost.size());
    owned = next;
  }

  List<String> owned() {
    return List.copyOf(owned);
  }
}
