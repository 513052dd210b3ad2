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
import java.util.List;
import java.util.Map;
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

  /** A backend as the data plane's statistics name it. */
  private record BackendId(InetAddress address, int port) {}

  /**
   * One service of the snapshot with its labels and its series, made when the data plane first
   * reports them. Built again only when the service's name or backends change, so a reading costs a
   * look-up per service and backend, not a set of labels each.
   */
  private static final class Named {
    final NamedService service;
    final Tags tags;
    final Map<BackendId, Tags> backendTags = new HashMap<>();
    Series vip;
    final Map<BackendId, Series> backends = new HashMap<>();

    Named(NamedService service) {
      this.service = service;
      this.tags =
          Tags.of(
              "service", service.key(),
              "vip", Address.text(service.vip()),
              "protocol", service.protocol(),
              "port", Integer.toString(service.port()));
      for (String b : service.backends()) {
        int colon = b.lastIndexOf(':');
        backendTags.put(
            new BackendId(
                Address.parse(b.substring(0, colon)).toInetAddress(),
                Integer.parseInt(b.substring(colon + 1))),
            tags.and("backend", b));
      }
    }

    void remove(MeterRegistry registry) {
      if (vip != null) {
        vip.remove(registry);
      }
      backends.values().forEach(s -> s.remove(registry));
    }
  }

  private final MeterRegistry registry;
  private Map<ServiceId, Named> named = new HashMap<>();
  private List<NamedService> namedFrom = List.of();
  private long reading;

  TrafficMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Takes in one reading of the data plane's statistics; {@code services} names them (the same list
   * object as last time when the snapshot did not change, which then costs nothing).
   */
  synchronized void update(List<ServiceStats> stats, List<NamedService> services) {
    if (services != namedFrom) {
      rename(services);
      namedFrom = services;
    }
    long now = ++reading;
    for (ServiceStats s : stats) {
      Named n = named.get(new ServiceId(s.vip(), s.protocol().name(), s.port()));
      if (n == null) {
        continue; // a commit in flight; counted once the snapshot names it
      }
      if (n.vip == null) {
        n.vip = new Series(registry, "vip", n.tags);
      }
      n.vip.observe(s.packets(), s.bytes(), s.newFlows(), s.activeFlows(), false, now);
      for (BackendStats b : s.backends()) {
        BackendId id = new BackendId(b.address(), b.port());
        Tags tags = n.backendTags.get(id);
        if (tags == null) {
          continue; // not in the snapshot (a commit in flight)
        }
        Series traffic = n.backends.computeIfAbsent(id, i -> new Series(registry, "backend", tags));
        traffic.observe(b.packets(), b.bytes(), b.newFlows(), b.activeFlows(), b.draining(), now);
        traffic.passive.observe(b.passive());
      }
    }
    for (Named n : named.values()) {
      if (n.vip != null && n.vip.readAt != now) {
        n.vip.absent();
      }
      for (Series b : n.backends.values()) {
        if (b.readAt != now) {
          b.absent();
        }
      }
    }
  }

  /**
   * The snapshot's services from now on: unchanged ones keep their series, a service whose name or
   * backends changed keeps those of its backends that stay, a service gone takes its series along.
   */
  private void rename(List<NamedService> services) {
    Map<ServiceId, Named> next = new HashMap<>();
    for (NamedService d : services) {
      ServiceId id = new ServiceId(d.vip(), d.protocol(), d.port());
      Named old = named.remove(id);
      if (old != null && old.service.equals(d)) {
        next.put(id, old);
        continue;
      }
      Named n = new Named(d);
      if (old != null && old.tags.equals(n.tags)) {
        n.vip = old.vip;
        old.vip = null;
        for (var e : old.backends.entrySet()) {
          if (n.backendTags.containsKey(e.getKey())) {
            n.backends.put(e.getKey(), e.getValue());
          }
        }
        old.backends.keySet().removeAll(n.backends.keySet());
      }
      if (old != null) {
        old.remove(registry);
      }
      next.put(id, n);
    }
    named.values().forEach(n -> n.remove(registry));
    named = next;
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
    private long readAt;

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

    void observe(long p, long b, long newFlows, long activeFlows, boolean isDraining, long when) {
      readAt = when;
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
