package io.gatun.operator.healthprobe;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.HealthProbeStatus;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.ConditionsBuilder;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusWriter;
import io.gatun.operator.status.WriteGate;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.util.List;

/**
 * Reports whether a HealthProbe is valid and which LoadBalancers use it. Runs again when it changes
 * and when a LoadBalancer starts or stops naming it.
 */
@ControllerConfiguration(name = HealthProbeReconciler.NAME)
public final class HealthProbeReconciler implements Reconciler<HealthProbe> {

  public static final String NAME = "healthprobe";
  private static final String USERS = "loadbalancers";
  private static final int LISTED = 50;

  private final HealthProbeValidator validator =
      new HealthProbeValidator(CrdRules.forKind(HealthProbe.class));
  private final HealthProbeUsers users;
  private final EventRecorder recorder;
  private final Clock clock;
  private final StatusWriter<HealthProbe, HealthProbeStatus> statusWriter;

  public HealthProbeReconciler(
      HealthProbeUsers users, EventRecorder recorder, WriteGate writes, Clock clock) {
    this.users = users;
    this.recorder = recorder;
    this.statusWriter = new StatusWriter<>(writes);
    this.clock = clock;
  }

  @Override
  public UpdateControl<HealthProbe> reconcile(HealthProbe probe, Context<HealthProbe> context) {
    List<String> users = this.users.of(ResourceID.fromResource(probe));

    Validation validation = validator.validate(probe);

    long generation =
        probe.getMetadata().getGeneration() == null ? 0 : probe.getMetadata().getGeneration();
    List<Condition> previous =
        probe.getStatus() == null ? List.of() : probe.getStatus().conditions();
    var conditions = new ConditionsBuilder(previous, generation, clock);
    if (validation.valid()) {
      conditions.set(HealthProbe.VALID, true, "Valid", "the probe is valid");
    } else {
      conditions.set(HealthProbe.VALID, false, validation.reason(), validation.message());
    }
    var status =
        new HealthProbeStatus(
            generation,
            users.size(),
            users.subList(0, Math.min(users.size(), LISTED)),
            conditions.build());
    if (statusWriter.writeIfChanged(probe, status, context)) {
      conditions.transitions().stream()
          .filter(condition -> !condition.isTrue())
          .forEach(
              condition ->
                  recorder.record(
                      probe,
                      EventRecorder.Type.Warning,
                      Validation.FAILED_EVENT,
                      condition.message()));
    }
    return UpdateControl.noUpdate();
  }

  @Override
  public List<EventSource<?, HealthProbe>> prepareEventSources(
      EventSourceContext<HealthProbe> context) {
    var usersChanged = new SimpleInboundEventSource<HealthProbe>(USERS);
    users.addListener(usersChanged::propagateEvent);
    return List.of(usersChanged);
  }
}
