package io.gatun.forwarder.metrics;

import io.gatun.control.Address;
import io.gatun.fwd.BackendStats;
import io.gatun.fwd.ServiceStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-VIP and per-backend traffic from the data plane's counters: packets and bytes (both
 * directions), connections opened, connections active; for a backend also whether the data plane
 * runs it draining (its active connections going down is the drain progressing) and how it answered
 * new connections ({@link PassiveTotals}). A series lives as long as its service (and backend) is
 * in the operator's snapshot, so an unhealthy backend's counters stay, flat.
 */
final class TrafficMeters {
  /** A service as the data plane's statistics name it. */
  private record ServiceId(InetAddress vip, String protocol, int port) {}

  private final MeterRegistry registry;
  private final Map<Tags, Series> series = new HashMap<>();

  TrafficMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  synchronized void update(List<ServiceStats> stats, List<NamedService> services) {
    Map<ServiceId, NamedService> desired = new HashMap<>();
    services.forEach(n -> desired.put(new ServiceId(n.vip(), n.protocol(), n.port()), n));
    Set<Tags> seen = new HashSet<>();
    for (ServiceStats s : stats) {
      ServiceId id = new ServiceId(s.vip(), s.protocol().name(), s.port());
      NamedService d = desired.get(id);
      if (d == null) {
        continue; // a commit in flight; counted once the snapshot names it
      }
      Tags service =
          Tags.of(
              "service", d.key(),
              "vip", Address.text(s.vip()),
              "protocol", id.protocol(),
              "port", Integer.toString(s.port()));
      observe("vip", service, s.packets(), s.bytes(), s.newFlows(), s.activeFlows(), false, seen);
      for (BackendStats b : s.backends()) {
        Tags backend = service.and("backend", Address.text(b.address()) + ":" + b.port());
        Series traffic =
            observe(
                "backend",
                backend,
                b.packets(),
                b.bytes(),
                b.newFlows(),
                b.activeFlows(),
                b.draining(),
                seen);
        traffic.passive.observe(b.passive());
      }
    }
    Set<Tags> wanted = wanted(desired);
    for (var it = series.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.contains(e.getKey())) {
        e.getValue().remove(registry);
        it.remove();
      } else if (!seen.contains(e.getKey())) {
        e.getValue().absent();
      }
    }
  }

  private Series observe(
      String level,
      Tags tags,
      long packets,
      long bytes,
      long newFlows,
      long activeFlows,
      boolean draining,
      Set<Tags> seen) {
    seen.add(tags);
    Series s = series.computeIfAbsent(tags, t -> new Series(registry, level, t));
    s.observe(packets, bytes, newFlows, activeFlows, draining);
    return s;
  }

  private static Set<Tags> wanted(Map<ServiceId, NamedService> desired) {
    Set<Tags> wanted = new HashSet<>();
    for (NamedService d : desired.values()) {
      Tags service =
          Tags.of(
              "service", d.key(),
              "vip", Address.text(d.vip()),
              "protocol", d.protocol(),
              "port", Integer.toString(d.port()));
      wanted.add(service);
      d.backends().forEach(b -> wanted.add(service.and("backend", b)));
    }
    return wanted;
  }

  /**
   * The four meters of one VIP or backend, and a backend's draining gauge and passive health
   * counters (unregistered at a VIP).
   */
  private static final class Series {
    private final MonotonicTotal packets = new MonotonicTotal();
    private final MonotonicTotal bytes = new MonotonicTotal();
    private final MonotonicTotal connections = new MonotonicTotal();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong draining = new AtomicLong();
    private final PassiveTotals passive = new PassiveTotals();
    private final List<Meter> meters = new ArrayList<>();

    Series(MeterRegistry registry, String level, Tags tags) {
      meters.add(
          counter(
              registry, "gatun." + level + ".packets", "Packets, both directions", tags, packets));
      meters.add(
          counter(registry, "gatun." + level + ".bytes", "Bytes, both directions", tags, bytes));
      meters.add(
          counter(
              registry,
              "gatun." + level + ".connections",
              "Connections (flows) opened",
              tags,
              connections));
      meters.add(
          Gauge.builder("gatun." + level + ".active.connections", active, AtomicLong::get)
              .description("Connections (flows) in the connection table")
              .tags(tags)
              .register(registry));
      if (level.equals("backend")) {
        meters.add(
            Gauge.builder("gatun.backend.draining", draining, AtomicLong::get)
                .description(
                    "1 while the data plane runs the backend draining: no new connections, its"
                        + " established ones continue")
                .tags(tags)
                .register(registry));
        meters.addAll(passive.register(registry, tags));
      }
    }

    private static Meter counter(
        MeterRegistry registry, String name, String description, Tags tags, MonotonicTotal total) {
      return FunctionCounter.builder(name, total, MonotonicTotal::value)
          .description(description)
          .tags(tags)
          .register(registry);
    }

    void observe(long p, long b, long newFlows, long activeFlows, boolean isDraining) {
      packets.observe(p);
      bytes.observe(b);
      connections.observe(newFlows);
      active.set(activeFlows);
      draining.set(isDraining ? 1 : 0);
    }

    void absent() {
      packets.absent();
      bytes.absent();
      connections.absent();
      active.set(0);
      draining.set(0);
      passive.absent();
    }

    void remove(MeterRegistry registry) {
      meters.forEach(registry::remove);
    }
  }
}
