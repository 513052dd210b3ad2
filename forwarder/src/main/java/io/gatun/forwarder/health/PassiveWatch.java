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
import java.util.Set;
import java.util.function.Consumer;
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
  private volatile Consumer<List<ServiceStats>> beforeVerdicts = reading -> {};
  private volatile boolean running;
  private volatile Thread thread;

  private record Target(PassiveService service, OutlierDetector<BackendKey> detector) {}

  private record Judgement(List<ServiceStats> reading, List<Verdict<BackendKey>> verdicts) {}

  public PassiveWatch(HealthMonitor health, Supplier<List<ServiceStats>> stats, Clock clock) {
    this.health = health;
    this.stats = stats;
    this.clock = clock;
  }

  /**
   * Judges exactly these of the services {@code serviceKeys} from now on (those a snapshot
   * changed), every other one as before; unchanged ones keep what they learnt.
   */
  public synchronized void retrack(Set<String> serviceKeys, List<PassiveService> services) {
    if (targets.isEmpty() && services.isEmpty()) {
      return;
    }
    List<PassiveService> all = new ArrayList<>(services);
    for (Target t : targets.values()) {
      if (!serviceKeys.contains(t.service().key())) {
        all.add(t.service());
      }
    }
    track(all);
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

  /**
   * Hands {@code listener} every reading that leads to a verdict, before the verdict is applied: an
   * ejection recommits without the backend, and the data plane drops its counters with it, so the
   * metrics read here the very counts the detector judged (a scrape would come too late).
   */
  public void beforeVerdicts(Consumer<List<ServiceStats>> listener) {
    this.beforeVerdicts = listener;
  }

  /** One reading and its verdicts, applied before it returns. */
  public void poll() {
    Judgement judgement = judge();
    List<Verdict<BackendKey>> verdicts = judgement.verdicts();
    if (!verdicts.isEmpty()) {
      beforeVerdicts.accept(judgement.reading());
    }
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

  private synchronized Judgement judge() {
    if (targets.isEmpty()) {
      return new Judgement(List.of(), List.of());
    }
    List<ServiceStats> reading = stats.get();
    Map<String, ServiceStats> byId = new HashMap<>();
    for (ServiceStats s : reading) {
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
    return new Judgement(reading, verdicts);
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
