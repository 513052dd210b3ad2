package io.gatun.forwarder.metrics;

import io.gatun.fwd.ServiceStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * The data plane's counters as meters. The counters are read once per {@link #refresh()} (before
 * every scrape), not once per meter: one downcall for all of them, and one consistent snapshot.
 *
 * <p>{@code drop_<reason>} becomes {@code gatun_dropped_packets_total{reason}}; every other counter
 * {@code x} becomes {@code gatun_dataplane_x_total} (they are totals over all ports and workers).
 */
public final class DataPlaneMetrics {
  private static final String DROP_PREFIX = "drop_";

  private final Supplier<Map<String, Long>> counters;
  private final Supplier<List<ServiceStats>> serviceStats;
  private final Supplier<List<NamedService>> services;
  private final TrafficMeters traffic;
  private final MeterRegistry registry;
  private volatile Map<String, Long> latest = Map.of();
  private final Set<String> registered = new HashSet<>();

  /**
   * @param services the snapshot's services, to name the data plane's per-service statistics
   */
  public DataPlaneMetrics(
      Supplier<Map<String, Long>> counters,
      Supplier<List<ServiceStats>> serviceStats,
      Supplier<List<NamedService>> services,
      List<String> portNames,
      IntPredicate linkUp,
      java.util.function.IntFunction<io.gatun.fwd.PortStats> portStats,
      MeterRegistry registry) {
    this.counters = counters;
    this.serviceStats = serviceStats;
    this.services = services;
    this.registry = registry;
    this.traffic = new TrafficMeters(registry);
    for (int i = 0; i < portNames.size(); i++) {
      int port = i;
      Gauge.builder("gatun.port.link.up", () -> linkUp.test(port) ? 1 : 0)
          .description("1 while the port's link is up")
          .tag("port", portNames.get(i))
          .register(registry);
      String name = portNames.get(i);
      portCounter(
          registry,
          name,
          "gatun.port.rx.packets",
          "Packets the port received",
          () -> portStats.apply(port).rxPackets());
      portCounter(
          registry,
          name,
          "gatun.port.tx.packets",
          "Packets the port sent",
          () -> portStats.apply(port).txPackets());
      portCounter(
          registry,
          name,
          "gatun.port.rx.bytes",
          "Bytes the port received",
          () -> portStats.apply(port).rxBytes());
      portCounter(
          registry,
          name,
          "gatun.port.tx.bytes",
          "Bytes the port sent",
          () -> portStats.apply(port).txBytes());
      portCounter(
          registry,
          name,
          "gatun.port.rx.missed.packets",
          "Packets the port missed: no free receive descriptor (the worker fell behind)",
          () -> portStats.apply(port).rxMissed());
      portCounter(
          registry,
          name,
          "gatun.port.rx.errors",
          "Receive errors",
          () -> portStats.apply(port).rxErrors());
      portCounter(
          registry,
          name,
          "gatun.port.tx.errors",
          "Transmit errors",
          () -> portStats.apply(port).txErrors());
    }
  }

  private static void portCounter(
      MeterRegistry registry,
      String port,
      String name,
      String description,
      java.util.function.LongSupplier value) {
    FunctionCounter.builder(name, value, v -> (double) v.getAsLong())
        .description(description)
        .tag("port", port)
        .register(registry);
  }

  /**
   * Reads the data plane's counters and every service's traffic now (before a scrape); the meters
   * report these values until the next call.
   */
  public synchronized void refresh() {
    refreshCounters();
    traffic.update(serviceStats.get(), services.get());
  }

  /**
   * Reads the data plane's totals only (the periodic observation's): one downcall, whatever the
   * number of services. The per-service traffic is read when something reads it (a scrape, a
   * passive verdict): at 10,000 LoadBalancers reading it every observation was half the agent's
   * CPU, and held the data plane's lock while commits waited.
   */
  public synchronized void refreshCounters() {
    latest = counters.get();
    for (String name : latest.keySet()) {
      if (registered.add(name)) {
        register(name);
      }
    }
  }

  /**
   * Takes in a reading of the per-service statistics made elsewhere (the passive health watch's,
   * just before its verdict drops a backend and, with it, the backend's counters).
   */
  public synchronized void observe(List<ServiceStats> stats) {
    traffic.update(stats, services.get());
  }

  /** The counters as of the last {@link #refresh()} or {@link #refreshCounters()}. */
  public Map<String, Long> latest() {
    return latest;
  }

  private void register(String counter) {
    FunctionCounter.Builder<DataPlaneMetrics> b =
        counter.startsWith(DROP_PREFIX)
            ? FunctionCounter.builder("gatun.dropped.packets", this, m -> m.value(counter))
                .description("Packets the data plane dropped, by reason")
                .tag("reason", counter.substring(DROP_PREFIX.length()))
            : FunctionCounter.builder("gatun.dataplane." + counter, this, m -> m.value(counter))
                .description("Data-plane counter " + counter + ", all ports and workers");
    b.register(registry);
  }

  private double value(String counter) {
    return latest.getOrDefault(counter, 0L);
  }
}
