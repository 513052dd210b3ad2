package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatun.operator.api.ApiGroup;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.status.EventRecorder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves Services of type LoadBalancer of Gatun's class: each gets an owned LoadBalancer of the
 * same name generated from it, and its {@code status.loadBalancer.ingress} shows that
 * LoadBalancer's addresses. A Service that leaves the class (other type, other class) or goes away
 * loses its LoadBalancer and, if it still exists, the ingress Gatun wrote. Services of other
 * classes are read, never written.
 *
 * <p>Reconciles on deletion too ({@code triggerReconcilerOnAllEvents}), so no finalizer is put on
 * users' Services; the LoadBalancer's owner reference lets the garbage collector clean up what a
 * stopped operator missed.
 */
@ControllerConfiguration(name = ServiceReconciler.NAME, triggerReconcilerOnAllEvents = true)
public final class ServiceReconciler implements Reconciler<Service> {

  public static final String NAME = "service";

  /** On a generated LoadBalancer: the Service it comes from. */
  public static final String SERVICE_LABEL = ApiGroup.GROUP + "/service";

  private static final Logger log = LoggerFactory.getLogger(ServiceReconciler.class);

  private final ServiceClass serviceClass;
  private final EventRecorder recorder;
  private final Map<ResourceID, List<String>> reportedProblems = new ConcurrentHashMap<>();

  public ServiceReconciler(ServiceClass serviceClass, EventRecorder recorder) {
    this.serviceClass = serviceClass;
    this.recorder = recorder;
  }

  @Override
  public UpdateControl<Service> reconcile(Service service, Context<Service> context) {
    var client = context.getClient();
    Optional<LoadBalancer> generated = context.getSecondaryResource(LoadBalancer.class);

    if (context.isPrimaryResourceDeleted() || !serviceClass.serves(service)) {
      var ours = generated.filter(lb -> ownedBy(lb, service));
      // The ingress first: once the LoadBalancer is gone nothing says the ingress was ours.
      if (ours.isPresent()
          && !context.isPrimaryResourceDeleted()
          && !ingressAddresses(service).isEmpty()) {
        writeIngress(client, service, List.of());
      }
      ours.ifPresent(lb -> deleteGenerated(client, lb, service));
      reportedProblems.remove(ResourceID.fromResource(service));
      return UpdateControl.noUpdate();
    }

    var translation = ServiceTranslation.of(service);
    reportProblems(service, translation.problems(), "InvalidAnnotation");

    LoadBalancer desired = desiredLoadBalancer(service, translation);
    if (generated.isPresent() && !ownedBy(generated.get(), service)) {
      reportProblems(service, List.of(conflict(service)), "NameConflict");
      return UpdateControl.noUpdate();
    }
    if (generated.isEmpty()) {
      if (!create(client, service, desired)) {
        return UpdateControl.noUpdate();
      }
    } else if (!Objects.equals(generated.get().getSpec(), desired.getSpec())
        || !Objects.equals(
            generated.get().getMetadata().getLabels(), desired.getMetadata().getLabels())) {
      client
          .resources(LoadBalancer.class)
          .inNamespace(service.getMetadata().getNamespace())
          .withName(service.getMetadata().getName())
          .edit(
              lb -> {
                lb.setSpec(desired.getSpec());
                lb.getMetadata().setLabels(desired.getMetadata().getLabels());
                return lb;
              });
    }

    List<String> addresses =
        generated
            .map(lb -> lb.getStatus() == null ? List.<String>of() : lb.getStatus().addresses())
            .orElse(List.of());
    if (!ingressAddresses(service).equals(addresses)) {
      writeIngress(client, service, addresses);
    }
    return UpdateControl.noUpdate();
  }

  /**
   * Creates the generated LoadBalancer; false when a LoadBalancer of that name exists that is not
   * this Service's (the informer only sees generated ones): that one is left alone and the
   * Service's events say so.
   */
  private boolean create(KubernetesClient client, Service service, LoadBalancer desired) {
    try {
      client.resource(desired).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      reportProblems(service, List.of(conflict(service)), "NameConflict");
      return false;
    }
    recorder.record(
        service,
        EventRecorder.Type.Normal,
        "LoadBalancerCreated",
        "generated LoadBalancer " + desired.getMetadata().getName());
    return true;
  }

  private static String conflict(Service service) {
    return "LoadBalancer "
        + service.getMetadata().getName()
        + " exists and was not generated from this Service: rename or delete it";
  }

  private LoadBalancer desiredLoadBalancer(Service service, ServiceTranslation.Result translation) {
    var labels = new HashMap<String, String>();
    if (service.getMetadata().getLabels() != null) {
      labels.putAll(service.getMetadata().getLabels()); // pools may select by Service label
    }
    labels.put(SERVICE_LABEL, service.getMetadata().getName());
    var lb = new LoadBalancer();
    lb.setMetadata(
        new ObjectMetaBuilder()
            .withName(service.getMetadata().getName())
            .withNamespace(service.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("v1")
                    .withKind("Service")
                    .withName(service.getMetadata().getName())
                    .withUid(service.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());
    lb.setSpec(translation.spec());
    return lb;
  }

  /** A Warning event, once per distinct set of problems (reconciles repeat, events should not). */
  private void reportProblems(Service service, List<String> problems, String reason) {
    var id = ResourceID.fromResource(service);
    if (problems.isEmpty()) {
      reportedProblems.remove(id);
    } else if (!problems.equals(reportedProblems.put(id, problems))) {
      recorder.record(service, EventRecorder.Type.Warning, reason, String.join("; ", problems));
    }
  }

  private void deleteGenerated(KubernetesClient client, LoadBalancer lb, Service service) {
    client.resource(lb).delete();
    log.info(
        "Service {}/{} is no longer Gatun's: deleted its LoadBalancer",
        service.getMetadata().getNamespace(),
        service.getMetadata().getName());
  }

  private static boolean ownedBy(LoadBalancer lb, Service service) {
    return lb.getMetadata().getOwnerReferences() != null
        && lb.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Objects.equals(ref.getUid(), service.getMetadata().getUid()));
  }

  private static List<String> ingressAddresses(Service service) {
    var status = service.getStatus();
    if (status == null
        || status.getLoadBalancer() == null
        || status.getLoadBalancer().getIngress() == null) {
      return List.of();
    }
    return status.getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp).toList();
  }

  private static void writeIngress(
      KubernetesClient client, Service service, List<String> addresses) {
    List<LoadBalancerIngress> ingress =
        addresses.stream().map(a -> new LoadBalancerIngressBuilder().withIp(a).build()).toList();
    client
        .services()
        .inNamespace(service.getMetadata().getNamespace())
        .withName(service.getMetadata().getName())
        .editStatus(
            current -> {
              if (current.getStatus() == null) {
                current.setStatus(new ServiceStatus());
              }
              if (current.getStatus().getLoadBalancer() == null) {
                current.getStatus().setLoadBalancer(new LoadBalancerStatus());
              }
              current.getStatus().getLoadBalancer().setIngress(ingress);
              return current;
            });
  }

  @Override
  public List<EventSource<?, Service>> prepareEventSources(EventSourceContext<Service> context) {
    var generated =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(LoadBalancer.class, Service.class)
                .withName("generated-loadbalancers")
                .withLabelSelector(SERVICE_LABEL)
                .withSecondaryToPrimaryMapper(
                    lb ->
                        Set.of(
                            new ResourceID(
                                lb.getMetadata().getLabels().get(SERVICE_LABEL),
                                lb.getMetadata().getNamespace())))
                .build(),
            context);
    return List.of(generated);
  }
}
