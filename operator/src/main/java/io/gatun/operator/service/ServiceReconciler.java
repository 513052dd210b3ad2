package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.status.EventRecorder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Workflow;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowBuilder;
import io.javaoperatorsdk.operator.processing.dependent.workflow.WorkflowReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Services of type LoadBalancer of Gatun's class: each gets an owned LoadBalancer of the
 * same name generated from it ({@link GeneratedLoadBalancer}), and its {@code
 * status.loadBalancer.ingress} shows that LoadBalancer's addresses. A Service that leaves the class
 * (other type, other class) or goes away loses its LoadBalancer and, if it still exists, the
 * ingress Gatun wrote. Services of other classes are read, never written.
 *
 * <p>Reconciles on deletion too ({@code triggerReconcilerOnAllEvents}), so no finalizer is put on
 * users' Services; the LoadBalancer's owner reference lets the garbage collector clean up what a
 * stopped operator missed. JOSDK runs no managed workflow for such a reconciler, so this one runs
 * its workflow itself: the generated LoadBalancer, kept while the Service is {@link OfGatunsClass}.
 */
@ControllerConfiguration(
    name = ServiceReconciler.NAME,
    triggerReconcilerOnAllEvents = true,
    // A Service's generation counts spec changes only; its labels and Gatun's annotations are
    // carried to the LoadBalancer too.
    generationAwareEventProcessing = false)
public final class ServiceReconciler implements Reconciler<Service> {

  public static final String NAME = "service";

  private static final String INVALID_ANNOTATION = "InvalidAnnotation";
  private static final String NAME_CONFLICT = "NameConflict";
  private static final Logger log = LoggerFactory.getLogger(ServiceReconciler.class);

  private final OfGatunsClass ofGatunsClass;
  private final EventRecorder recorder;
  private final ServiceWarnings warnings;
  private final Workflow<Service> workflow;

  public ServiceReconciler(ServiceClass serviceClass, EventRecorder recorder) {
    this.ofGatunsClass = new OfGatunsClass(serviceClass);
    this.recorder = recorder;
    this.warnings = new ServiceWarnings(recorder);
    this.workflow =
        new WorkflowBuilder<Service>()
            .addDependentResourceAndConfigure(new GeneratedLoadBalancer())
            .withReconcilePrecondition(ofGatunsClass)
            .withThrowExceptionFurther(false)
            .build();
  }

  @Override
  public UpdateControl<Service> reconcile(Service service, Context<Service> context) {
    boolean ours = ofGatunsClass.holds(service, context);
    Optional<LoadBalancer> generated = context.getSecondaryResource(LoadBalancer.class);

    if (ours) {
      warnings.report(service, INVALID_ANNOTATION, ServiceTranslation.of(service).problems());
    } else {
      warnings.forget(service);
    }
    if (generated.isPresent() && !GeneratedLoadBalancer.isFrom(generated.get(), service)) {
      if (ours) {
        warnings.report(service, NAME_CONFLICT, List.of(conflict(service)));
      }
      return UpdateControl.noUpdate(); // not this Service's LoadBalancer: never touched
    }
    if (!ours && generated.isPresent() && !context.isPrimaryResourceDeleted()) {
      // The ingress first: once the LoadBalancer is gone nothing says the ingress was ours.
      ServiceIngress.write(context.getClient(), service, List.of());
    }

    WorkflowReconcileResult result = workflow.reconcile(service, context);

    if (ours && generated.isEmpty() && nameTaken(result)) {
      // A LoadBalancer of that name that was not generated (the informer only sees generated
      // ones): left alone, and the Service's events say so.
      warnings.report(service, NAME_CONFLICT, List.of(conflict(service)));
      return UpdateControl.noUpdate();
    }
    result.throwAggregateExceptionIfErrorsPresent();
    if (!ours) {
      if (generated.isPresent()) {
        log.info(
            "Service {}/{} is no longer Gatun's: deleted its LoadBalancer",
            service.getMetadata().getNamespace(),
            service.getMetadata().getName());
      }
      return UpdateControl.noUpdate();
    }
    warnings.report(service, NAME_CONFLICT, List.of());
    if (generated.isEmpty()) {
      recorder.record(
          service,
          EventRecorder.Type.Normal,
          "LoadBalancerCreated",
          "generated LoadBalancer " + service.getMetadata().getName());
    }
    decidedAddresses(generated)
        .ifPresent(addresses -> ServiceIngress.write(context.getClient(), service, addresses));
    return UpdateControl.noUpdate();
  }

  /**
   * The generated LoadBalancer's addresses once the operator has decided them for its current spec;
   * empty (the ingress left as it is) while it is being made or has not been reconciled. So the
   * addresses a Service shows survive its LoadBalancer being made anew (deleted, or Gatun
   * uninstalled and installed again) and bring the same VIP back ({@link GeneratedLoadBalancer}).
   */
  static Optional<List<String>> decidedAddresses(Optional<LoadBalancer> generated) {
    if (generated.isEmpty()) {
      return Optional.empty();
    }
    var status = generated.get().getStatus();
    Long generation = generated.get().getMetadata().getGeneration();
    boolean decided =
        status != null
            && status.observedGeneration() != null
            && status.observedGeneration().equals(generation)
            && status.conditions().stream().anyMatch(c -> c.type().equals(LoadBalancer.ALLOCATED));
    return decided ? Optional.of(status.addresses()) : Optional.empty();
  }

  private static boolean nameTaken(WorkflowReconcileResult result) {
    return result.getErroredDependents().values().stream()
        .anyMatch(
            e ->
                e instanceof KubernetesClientException k
                    && k.getCode() == HttpURLConnection.HTTP_CONFLICT);
  }

  private static String conflict(Service service) {
    return "LoadBalancer "
        + service.getMetadata().getName()
        + " exists and was not generated from this Service: rename or delete it";
  }

  @Override
  public List<EventSource<?, Service>> prepareEventSources(EventSourceContext<Service> context) {
    return EventSourceUtils.eventSourcesFromWorkflow(context, workflow);
  }
}
