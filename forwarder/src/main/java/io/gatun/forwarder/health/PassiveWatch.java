package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.gatun.forwarder.health.passive.OutlierDetector;
import io.gatun.forwarder.health.passive.Sample;
import io.gatun.forwarder.health.passive.Verdict;
import io.gatun.fwd.BackendStats;
import io.gatun.fwd.ServiceStats;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the data plane's per-backend counters every {@link #PERIOD} and hands them to each passive
 * service's {@link OutlierDetector}; its verdicts move the backends' {@link HealthState}s through
 * the {@link HealthMonitor}, the same way out of rotation a probe's failures take. One downcall per
 * reading for every service; nothing per packet crosses into Java.
 */
public final class PassiveWatch implements AutoCloseable {
  /** How often the counters are read: the verdict's delay beyond the failures themselves. */
  public static final Duration PERIOD = Duration.ofMillis(20);

  private static final Logger log = LoggerFactory.getLogger(PassiveWatch.class);

  private final HealthMonitor health;
  private final Supplier<List<ServiceStats>> stats;
  private final Clock clock;
  private final Map<String, Target> targets = new LinkedHashMap<>();
  private volatile boolean running;
  private volatile Thread thread;

  private record Target(PassiveService service, OutlierDetector<BackendKey> detector) {}

  public PassiveWatch(HealthMonitor health, Supplier<List<ServiceStats>> stats, Clock clock) {
    this.health = health;
    this.stats = stats;
    this.clock = clock;
  }

  /** Judges exactly these services from now on; unchanged ones keep what they learnt. */
  public synchronized void track(List<PassiveService> services) {
    Map<String, Target> next = new LinkedHashMap<>();
    for (PassiveService s : services) {
      Target old = targets.get(id(s));
      boolean same =
          old != null
              && old.service().key().equals(s.key())
              && old.detector().spec().equals(s.spec())
              && old.detector().activeProbe() == s.activeProbe();
      next.put(
          id(s),
          new Target(s, same ? old.detector() : new OutlierDetector<>(s.spec(), s.activeProbe())));
    }
    targets.clear();
    targets.putAll(next);
  }

  /** Reads on a virtual thread every {@link #PERIOD} until {@link #close()}. */
  public void start() {
    running = true;
    thread =
        Thread.ofVirtual()
            .name("passive health")
            .start(
                () -> {
                  while (running) {
                    try {
                      Thread.sleep(PERIOD);
                      poll();
                    } catch (InterruptedException e) {
                      return;
                    } catch (RuntimeException e) {
                      log.warn("reading the data plane's passive health counters failed", e);
                    }
                  }
                });
  }

  /** One reading and its verdicts, applied before it returns. */
  public void poll() {
    List<Verdict<BackendKey>> verdicts = judge();
    // Outside this object's lock: an ejection recommits, which may wait for track().
    for (Verdict<BackendKey> v : verdicts) {
      boolean done =
          switch (v.kind()) {
            case EJECT -> health.eject(v.backend(), v.reason());
            case RETURN_ON_TRIAL -> health.returnOnTrial(v.backend(), v.reason());
          };
      if (done) {
        log.info(
            "{} {}: {}",
            v.backend(),
            v.kind() == Verdict.Kind.EJECT ? "ejected" : "returns on trial",
            v.reason());
      }
    }
  }

  private synchronized List<Verdict<BackendKey>> judge() {
    if (targets.isEmpty()) {
      return List.of();
    }
    Map<String, ServiceStats> byId = new HashMap<>();
    for (ServiceStats s : stats.get()) {
      byId.put(id(Address.text(s.vip()), s.protocol().name(), s.port()), s);
    }
    long now = clock.millis();
    List<Verdict<BackendKey>> verdicts = new ArrayList<>();
    for (Map.Entry<String, Target> e : targets.entrySet()) {
      PassiveService service = e.getValue().service();
      Map<BackendKey, Sample> readings = new HashMap<>();
      ServiceStats s = byId.get(e.getKey());
      if (s != null) {
        for (BackendStats b : s.backends()) {
          BackendKey key = new BackendKey(service.key(), b.address(), b.port());
          if (!b.draining() && service.members().contains(key)) {
            readings.put(key, new Sample(b.passive(), b.newFlows()));
          }
        }
      }
      verdicts.addAll(
          e.getValue()
              .detector()
              .observe(service.members(), readings, health.outOfRotation(service.key()), now));
    }
    return verdicts;
  }

  private static String id(PassiveService s) {
    return id(Address.text(s.vip()), s.protocol().name(), s.port());
  }

  private static String id(String vip, String protocol, int port) {
    return Objects.requireNonNull(vip) + " " + protocol + " " + port;
  }

  @Override
  public void close() {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
