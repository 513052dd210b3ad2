package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one backend every period on its own virtual thread, feeds the results to its {@link
 * HealthState} and hands threshold crossings to the listener. A probe that overruns its period is
 * followed at once by the next, never by two at a time.
 */
final class ProbeLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ProbeLoop.class);
  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofNanos(250_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5)
  };

  private final HealthState state;
  private final Probe probe;
  private final InetSocketAddress target;
  private final Consumer<HealthStatus> onTransition;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Counter successes;
  private final Counter failures;
  private final Timer latency;
  private final Gauge healthy;
  private volatile boolean running = true;
  private volatile Thread thread;

  ProbeLoop(
      HealthState state,
      Probe probe,
      Consumer<HealthStatus> onTransition,
      Clock clock,
      MeterRegistry registry) {
    BackendKey key = state.status().key();
    HealthCheckSpec spec = state.spec();
    this.state = state;
    this.probe = probe;
    this.target = new InetSocketAddress(key.address(), spec.portFor(key.port()));
    this.onTransition = onTransition;
    this.clock = clock;
    this.registry = registry;
    Tags tags =
        Tags.of(
            "service", key.serviceKey(),
            "backend", Address.text(key.address()) + ":" + key.port(),
            "probe", spec.probe(),
            "type", spec.type().name());
    this.successes =
        Counter.builder("gatun.probe.results")
            .description("Health probe results")
            .tags(tags)
            .tag("result", "success")
            .register(registry);
    this.failures =
        Counter.builder("gatun.probe.results")
            .description("Health probe results")
            .tags(tags)
            .tag("result", "failure")
            .register(registry);
    this.latency =
        Timer.builder("gatun.probe.duration")
            .description("How long health probes take, success or failure")
            .tags(tags)
            .serviceLevelObjectives(LATENCY_BUCKETS)
            .register(registry);
    this.healthy =
        Gauge.builder("gatun.backend.healthy", state, s -> s.healthy() ? 1 : 0)
            .description("1 while the prober counts the backend healthy, else 0")
            .tags(tags)
            .register(registry);
  }

  void start() {
    thread = Thread.ofVirtual().name("probe " + state.status().key()).start(this);
  }

  HealthState state() {
    return state;
  }

  @Override
  public void run() {
    long period = state.spec().period().toNanos();
    long next = System.nanoTime() + ThreadLocalRandom.current().nextLong(period);
    try {
      while (running) {
        TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
        long started = System.nanoTime();
        ProbeResult result = checkOnce();
        if (!running) {
          return;
        }
        (result.success() ? successes : failures).increment();
        latency.record(result.latency());
        state.record(result, clock.millis()).ifPresent(this::transitioned);
        next = Math.max(started + period, System.nanoTime());
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  private ProbeResult checkOnce() {
    long started = System.nanoTime();
    try {
      return probe.check(target, state.spec());
    } catch (RuntimeException e) {
      log.warn("probe of {} failed unexpectedly", state.status().key(), e);
      return ProbeResult.failure("probe error: " + e, started);
    }
  }

  private void transitioned(HealthStatus status) {
    log.info(
        "{} is now {} ({})",
        status.key(),
        status.healthy() ? "healthy" : "unhealthy",
        status.reason());
    Counter.builder("gatun.backend.health.transitions")
        .description("Backends crossing a health threshold")
        .tags(healthy.getId().getTags())
        .tag("to", status.healthy() ? "healthy" : "unhealthy")
        .register(registry)
        .increment();
    onTransition.accept(status);
  }

  /** Stops probing and forgets the backend's meters. */
  void stop() {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
    for (Meter m : List.of(successes, failures, latency, healthy)) {
      registry.remove(m);
    }
    registry.getMeters().stream()
        .filter(m -> m.getId().getName().equals("gatun.backend.health.transitions"))
        .filter(m -> m.getId().getTags().containsAll(healthy.getId().getTags()))
        .forEach(registry::remove);
  }
}
