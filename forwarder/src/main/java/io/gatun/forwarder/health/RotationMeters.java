package io.gatun.forwarder.health;

import io.gatun.control.Address;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Backends leaving and rejoining rotation, by reason: {@code gatun_backend_ejections_total} and
 * {@code gatun_backend_out_of_rotation_seconds} with {@code reason} {@code PassiveFailure} (the
 * data plane's verdict) or {@code ProbeFailure}.
 */
public final class RotationMeters {
  public static final String PASSIVE = "PassiveFailure";
  public static final String PROBE = "ProbeFailure";

  private final MeterRegistry registry;
  private final Map<BackendKey, Out> out = new HashMap<>();

  private record Out(long sinceMillis, String reason) {}

  public RotationMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** One transition, as the health monitor reports it. */
  public synchronized void transition(HealthStatus status) {
    String service = status.key().serviceKey();
    String backend = Address.text(status.key().address()) + ":" + status.key().port();
    if (!status.healthy()) {
      String reason = status.passiveFailure() ? PASSIVE : PROBE;
      out.put(status.key(), new Out(status.changedAtMillis(), reason));
      outOfRotation(service, reason); // listed from the first ejection, before any return
      Counter.builder("gatun.backend.ejections")
          .description("Backends taken out of rotation, by reason")
          .tag("service", service)
          .tag("backend", backend)
          .tag("reason", reason)
          .register(registry)
          .increment();
      return;
    }
    Out was = out.remove(status.key());
    if (was != null) {
      outOfRotation(service, was.reason())
          .record(Duration.ofMillis(Math.max(0, status.changedAtMillis() - was.sinceMillis())));
    }
  }

  private Timer outOfRotation(String service, String reason) {
    return Timer.builder("gatun.backend.out.of.rotation")
        .description("How long backends stayed out of rotation, by the reason they left")
        .tag("service", service)
        .tag("reason", reason)
        .register(registry);
  }
}
