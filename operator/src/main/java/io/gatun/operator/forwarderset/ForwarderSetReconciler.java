package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ForwarderProblem;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetStatus;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.StatusWriter;
import io.gatun.operator.status.WriteGate;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders each ForwarderSet into its DaemonSet and the ConfigMap of its nodes' addresses, and
 * reports how many forwarders run and what keeps the others: from the DaemonSet's counts and from
 * its pods (scheduler, kubelet and the agent's termination message), each new problem once as a
 * Warning event naming the node.
 *
 * <p>An invalid spec renders nothing: the DaemonSet keeps its previous spec, so a typo never takes
 * the running forwarders down. The workflow is run by hand for that reason (a JOSDK precondition
 * would delete the DaemonSet).
 */
@ControllerConfiguration(name = ForwarderSetReconciler.NAME)
public final class ForwarderSetReconciler implements Reconciler<ForwarderSet> {

  public static final String NAME = "forwarderset";
  private static final String PODS = "forwarder-pods";

  private final CrdRules schema = CrdRules.forKind(ForwarderSet.class);
  private final ForwarderSetValidator validator = new ForwarderSetValidator(schema);
  private final DaemonSetRenderer renderer;
  private final ForwarderSetStatusBuilder statusBuilder;
  private final EventRecorder recorder;
  private final StatusWriter<ForwarderSet, ForwarderSetStatus> statusWriter;
  private final Workflow<ForwarderSet> workflow;
  private final Map<String, FleetKeySecret.Ref> fleetKeys = new ConcurrentHashMap<>();

  /**
   * How often the fleet key Secret is read again: replacing its data (a rotation) rolls the
   * forwarders within this long, without a watch on Secrets (the operator may only get its own).
   */
  static final Duration FLEET_KEY_RECHECK = Duration.ofMinutes(1);

  /**
   * @param defaultImage the forwarder image of a ForwarderSet that names none
   * @param frrImage the FRR image beside every forwarder
   */
  public ForwarderSetReconciler(
      String defaultImage, String frrImage, EventRecorder recorder, WriteGate writes, Clock clock) {
    this.renderer = new DaemonSetRenderer(defaultImage, frrImage);
    this.statusBuilder = new ForwarderSetStatusBuilder(clock);
    this.recorder = recorder;
    this.statusWriter = new StatusWriter<>(writes);
    this.workflow =
        new WorkflowBuilder<ForwarderSet>()
            .addDependentResourceAndConfigure(new DataAddressesConfigMap())
            .addDependentResourceAndConfigure(new ForwarderDaemonSet(renderer, fleetKeys::get))
            .withThrowExceptionFurther(false)
            .build();
  }

  @Override
  public UpdateControl<ForwarderSet> reconcile(ForwarderSet set, Context<ForwarderSet> context) {
    ForwarderSet defaulted = schema.withDefaults(set);
    Validation validation = validator.validate(defaulted);
    if (validation.valid()) {
      String namespace = set.getMetadata().getNamespace();
      fleetKeys.put(namespace, FleetKeySecret.ensure(context.getClient(), namespace));
      workflow.reconcile(set, context).throwAggregateExceptionIfErrorsPresent();
    }

    var daemonSet = context.getSecondaryResource(DaemonSet.class);
    List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
    List<ForwarderProblem> problems =
        defaulted.getSpec() == null || defaulted.getSpec().dataPort() == null
            ? List.of()
            : PodProblems.of(pods, defaulted.getSpec());
    String image = defaulted.getSpec() == null ? null : renderer.imageOf(defaulted.getSpec());
    var built = statusBuilder.build(set, validation, image, daemonSet, problems);

    List<ForwarderProblem> before =
        set.getStatus() == null ? List.of() : set.getStatus().problems();
    if (statusWriter.writeIfChanged(set, built.status(), context)) {
      report(set, built.transitions(), before, built.status().problems(), validation);
    }
    return UpdateControl.<ForwarderSet>noUpdate().rescheduleAfter(FLEET_KEY_RECHECK);
  }

  /** Each new problem (node and reason) once, and a spec that became invalid. */
  private void report(
      ForwarderSet set,
      List<Condition> transitions,
      List<ForwarderProblem> before,
      List<ForwarderProblem> now,
      Validation validation) {
    if (!validation.valid()
        && transitions.stream().anyMatch(c -> c.type().equals(ForwarderSet.DEGRADED))) {
      recorder.record(
          set, EventRecorder.Type.Warning, Validation.FAILED_EVENT, validation.message());
    }
    Set<String> known = new HashSet<>();
    before.forEach(p -> known.add(p.node() + "/" + p.reason()));
    for (ForwarderProblem problem : now) {
      if (known.add(problem.node() + "/" + problem.reason())) {
        recorder.record(set, EventRecorder.Type.Warning, problem.reason(), problem.message());
      }
    }
    transitions.stream()
        .filter(c -> c.type().equals(ForwarderSet.READY) && c.isTrue())
        .forEach(c -> recorder.record(set, EventRecorder.Type.Normal, "Ready", c.message()));
  }

  @Override
  public List<EventSource<?, ForwarderSet>> prepareEventSources(
      EventSourceContext<ForwarderSet> context) {
    var sources = new ArrayList<>(EventSourceUtils.eventSourcesFromWorkflow(context, workflow));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, ForwarderSet.class)
                .withName(PODS)
                .withLabelSelector(ForwarderSetLabels.FORWARDER_SET)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(ForwarderSetLabels.FORWARDER_SET),
                                pod.getMetadata().getNamespace())))
                .build(),
            context));
    return sources;
  }
}
