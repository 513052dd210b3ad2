package io.gatun.operator.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * JOSDK's hook for timing controller executions, as three meters per controller: {@code
 * gatun_reconciles_total}, {@code gatun_reconcile_errors_total} and {@code gatun_reconcile_seconds}
 * (tag {@code operation}: reconcile or cleanup).
 */
public final class ReconcileMetrics implements Metrics {

  private final MeterRegistry registry;

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    String controller = execution.controllerName();
    String operation = execution.name();
    var sample = Timer.start(registry);
    try {
      T result = execution.execute();
      count("gatun_reconciles_total", controller, operation);
      return result;
    } catch (Exception e) {
      count("gatun_reconciles_total", controller, operation);
      count("gatun_reconcile_errors_total", controller, operation);
      throw e;
    } finally {
      sample.stop(
          Timer.builder("gatun_reconcile_seconds")
              .description("Time spent in one reconcile")
              .tag("controller", controller)
              .tag("operation", operation)
              .register(registry));
    }
  }

  private void count(String name, String controller, String operation) {
    Counter.builder(name)
        .tag("controller", controller)
        .tag("operation", operation)
        .register(registry)
        .increment();
  }
}
