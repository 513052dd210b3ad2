package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.gatun.operator.api.ApiGroup;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.backends.LabelSelectors;
import io.gatun.operator.schema.CrdRules;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * The LoadBalancer a Service of Gatun's class gets: same name and namespace, the Service's labels
 * plus {@link #SERVICE_LABEL}, owned by the Service (so the garbage collector removes what a
 * stopped operator missed), its spec translated from the Service, and the addresses the Service's
 * ingress already shows as {@link LoadBalancer#PREVIOUS_ADDRESSES}.
 *
 * <p>Written with plain create and update, not server-side apply: the mock API server of the tests
 * that need {@code spec.loadBalancerClass} (which Kubernetes 1.20 prunes) does not speak it.
 */
final class GeneratedLoadBalancer extends CRUDKubernetesDependentResource<LoadBalancer, Service> {

  /** On a generated LoadBalancer: the Service it comes from. */
  static final String SERVICE_LABEL = ApiGroup.GROUP + "/service";

  private final CrdRules schema = CrdRules.forKind(LoadBalancer.class);

  GeneratedLoadBalancer() {
    super(LoadBalancer.class);
    configureWith(
        new KubernetesDependentResourceConfigBuilder<LoadBalancer>()
            .withUseSSA(false)
            .withKubernetesDependentInformerConfig(
                InformerConfiguration.builder(LoadBalancer.class)
                    .withLabelSelector(SERVICE_LABEL)
                    .build())
            .build());
  }

  @Override
  protected LoadBalancer desired(Service service, Context<Service> context) {
    var labels = new HashMap<String, String>();
    if (service.getMetadata().getLabels() != null) {
      labels.putAll(service.getMetadata().getLabels()); // pools may select by Service label
    }
    labels.put(SERVICE_LABEL, service.getMetadata().getName());
    // The addresses the Service shows (kept while Gatun was away or its LoadBalancer deleted):
    // the LoadBalancer takes them again when free, so a reinstall keeps the Service's VIP.
    var annotations = new HashMap<String, String>();
    List<String> shown = ServiceIngress.of(service);
    if (!shown.isEmpty()) {
      annotations.put(LoadBalancer.PREVIOUS_ADDRESSES, String.join(",", shown));
    }
    var lb = new LoadBalancer();
    lb.setMetadata(
        new ObjectMetaBuilder()
            .withName(service.getMetadata().getName())
            .withNamespace(service.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations)
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
    lb.setSpec(ServiceTranslation.of(service).spec());
    // As the API server stores it, so that an unchanged Service finds it up to date.
    return schema.withDefaults(lb);
  }

  /** Its name is the Service's: no need to translate a Service to find it. */
  @Override
  protected ResourceID targetSecondaryResourceID(Service service, Context<Service> context) {
    return ResourceID.fromResource(service);
  }

  /**
   * Up to date when the spec and the labels are exactly what the Service asks for. JOSDK's own
   * matcher without server-side apply only sees additions, so a removed annotation or label would
   * never reach the LoadBalancer.
   */
  @Override
  public Matcher.Result<LoadBalancer> match(
      LoadBalancer actual, LoadBalancer desired, Service service, Context<Service> context) {
    return Matcher.Result.computed(
        Objects.equals(actual.getSpec(), desired.getSpec())
            && LabelSelectors.labelsOf(actual).equals(LabelSelectors.labelsOf(desired)),
        desired);
  }

  /** The labels become the Service's exactly: JOSDK's update would keep those it dropped. */
  @Override
  public LoadBalancer update(
      LoadBalancer actual, LoadBalancer desired, Service service, Context<Service> context) {
    var relabelled = context.getClient().getKubernetesSerialization().clone(actual);
    relabelled.getMetadata().setLabels(new HashMap<>());
    return super.update(relabelled, desired, service, context);
  }

  /** Whether {@code lb} was generated from this very Service (not an earlier one of its name). */
  static boolean isFrom(LoadBalancer lb, Service service) {
    return lb.getMetadata().getOwnerReferences() != null
        && lb.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Objects.equals(ref.getUid(), service.getMetadata().getUid()));
  }
}
