package io.gatun.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.APIResourceReference;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.AppLink;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.CRDDescription;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.CRDDescriptionBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersionBuilder;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.Icon;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.InstallMode;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.Maintainer;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.RelatedImage;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentPermissions;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.StrategyDeploymentSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ClusterServiceVersion: what OLM installs, upgrades and shows, built from the project. */
public final class ClusterServiceVersions {

  /** Kubernetes 1.20 is the oldest this project runs and tests on (its API server, its node). */
  public static final String MIN_KUBE_VERSION = "1.20.0";

  /**
   * The first version replaces nothing (no earlier one was ever in a catalog); the skip range lets
   * OLM upgrade straight to it from any development build below it, so the upgrade graph exists
   * from the first release on (OLM #1858: a package without one cannot be upgraded in place). A
   * later release names the one it replaces ({@link Project#replaces}) and keeps the skip range.
   */
  static String skipRange(Project project) {
    return ">=0.0.0 <" + project.csvVersion();
  }

  /**
   * Forwarder pods use the host network, hugepages and NET_ADMIN/IPC_LOCK: only the Pod Security
   * level "privileged" admits them, so the namespace OLM suggests carries it.
   */
  public static final Map<String, String> POD_SECURITY_LABELS =
      orderedMap(
          "pod-security.kubernetes.io/enforce", "privileged",
          "pod-security.kubernetes.io/audit", "privileged",
          "pod-security.kubernetes.io/warn", "privileged");

  private static final String DESCRIPTION =
      """
      Gatun is a kernel-bypass load balancer for bare-metal Kubernetes. Like MetalLB it hands out \
      external IPs from pools and answers for them on the network; unlike MetalLB it also owns \
      the data plane: DPDK forwarders move packets from the NIC to the backends themselves, with \
      Maglev hashing, a connection table and full NAT, driven by this operator over a gRPC \
      control channel.

      * **Pool**: addresses VIPs are taken from (IPv4 and IPv6, CIDRs or ranges).
      * **LoadBalancer**: one virtual service; backends are static addresses, a Service's \
      endpoints or pods by selector. A Service of type LoadBalancer with \
      `loadBalancerClass: lb.gatun.io/dpdk` gets one generated.
      * **HealthProbe**: how forwarders check backends.
      * **ForwarderSet**: the forwarders' DaemonSet (hugepages, data port, placement), \
      rendered by the operator in its namespace.
      * **Forwarder**: kept by the operator, one per connected forwarder.

      The control channel uses mutual TLS from the Secrets `gatun-operator-tls` and \
      `gatun-forwarder-tls` (tls.crt, tls.key, ca.crt) in the operator's namespace; the operator \
      makes both from its own CA (`gatun-control-ca`) when they are absent. Set \
      `GATUN_DEFAULT_CLASS=true` in the Subscription's `spec.config.env` to serve Services of \
      type LoadBalancer that name no loadBalancerClass.
      """;

  private ClusterServiceVersions() {}

  public static ClusterServiceVersion build(Project project) {
    var crds = project.crds();
    var rbac = OperatorRbac.of(project.rbac());
    return new ClusterServiceVersionBuilder()
        .withNewMetadata()
        .withName(project.csvName())
        .withAnnotations(annotations(project))
        .withLabels(
            orderedMap(
                "operatorframework.io/arch.amd64", "supported",
                "operatorframework.io/os.linux", "supported"))
        .endMetadata()
        .withNewSpec()
        .withDisplayName("Gatun")
        .withDescription(DESCRIPTION)
        .withVersion(project.csvVersion())
        .withReplaces(project.replacedCsvName())
        .withMinKubeVersion(MIN_KUBE_VERSION)
        .withMaturity("alpha")
        .withKeywords("load balancer", "dpdk", "kernel bypass", "bare metal", "maglev", "vip")
        .withProvider(new AppLink("Gatun", "https://gatun.io"))
        .withMaintainers(new Maintainer("maintainers@gatun.io", "Gatun maintainers"))
        .withLinks(
            new AppLink("Documentation", "https://gatun.io/docs"),
            new AppLink("Source", "https://gatun.io/source"))
        .withIcon(new Icon(icon(), "image/svg+xml"))
        // The operator watches every namespace (Services, EndpointSlices, pods anywhere; Pools
        // are cluster-scoped) and has no notion of a watched subset, so AllNamespaces only.
        .withInstallModes(
            new InstallMode(false, "OwnNamespace"),
            new InstallMode(false, "SingleNamespace"),
            new InstallMode(false, "MultiNamespace"),
            new InstallMode(true, "AllNamespaces"))
        .withNewInstall()
        .withStrategy("deployment")
        .withNewSpec()
        .withDeployments(
            new StrategyDeploymentSpec(
                OperatorDeployment.LABELS, Project.NAME, OperatorDeployment.spec(project)))
        .withPermissions(
            new StrategyDeploymentPermissions(rbac.namespaceRules(), rbac.serviceAccount()))
        .withClusterPermissions(
            new StrategyDeploymentPermissions(rbac.clusterRules(), rbac.serviceAccount()))
        .endSpec()
        .endInstall()
        .withNewCustomresourcedefinitions()
        .withOwned(owned(crds))
        .endCustomresourcedefinitions()
        .withRelatedImages(
            new RelatedImage(project.operatorImage(), "gatun-operator"),
            new RelatedImage(project.forwarderImage(), "gatun-forwarder"),
            new RelatedImage(project.frrImage(), "gatun-frr"))
        .endSpec()
        .build();
  }

  private static Map<String, String> annotations(Project project) {
    var annotations = new LinkedHashMap<String, String>();
    annotations.put("alm-examples", almExamples(project.examples()));
    annotations.put("capabilities", "Basic Install");
    annotations.put("categories", "Networking");
    annotations.put("containerImage", project.operatorImage());
    annotations.put("description", "Kernel-bypass (DPDK) load balancer for bare-metal Kubernetes.");
    annotations.put("olm.skipRange", skipRange(project));
    annotations.put(
        "operators.operatorframework.io/internal-objects",
        json(OwnedApi.ALL.stream().filter(OwnedApi::internal).map(OwnedApi::crdName).toList()));
    annotations.put("operatorframework.io/suggested-namespace", Project.NAMESPACE);
    annotations.put(
        "operatorframework.io/suggested-namespace-template",
        json(
            Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Namespace",
                "metadata",
                Map.of("name", Project.NAMESPACE, "labels", POD_SECURITY_LABELS))));
    annotations.put("support", "Gatun maintainers");
    return annotations;
  }

  /**
   * The samples' objects of Gatun's kinds, as a console pre-fills its forms with them. Without
   * their namespace: a console creates an example in the namespace it is looking at, and a
   * ForwarderSet only counts in the namespace the operator was installed in, whatever it is.
   */
  static String almExamples(List<GenericKubernetesResource> examples) {
    var list = new ArrayList<Map<String, Object>>();
    for (var example : examples) {
      var object = new LinkedHashMap<String, Object>();
      object.put("apiVersion", example.getApiVersion());
      object.put("kind", example.getKind());
      var metadata = new LinkedHashMap<String, Object>();
      metadata.put("name", example.getMetadata().getName());
      object.put("metadata", metadata);
      object.putAll(example.getAdditionalProperties());
      list.add(object);
    }
    return json(list);
  }

  private static List<CRDDescription> owned(List<CustomResourceDefinition> crds) {
    var owned = new ArrayList<CRDDescription>();
    for (OwnedApi api : OwnedApi.ALL) {
      var crd =
          crds.stream()
              .filter(c -> c.getMetadata().getName().equals(api.crdName()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "crds/ has no " + api.crdName() + ": run `make crds` first"));
      CustomResourceDefinitionVersion version =
          crd.getSpec().getVersions().stream()
              .filter(v -> v.getName().equals(api.version()))
              .findFirst()
              .orElseThrow();
      owned.add(
          new CRDDescriptionBuilder()
              .withName(api.crdName())
              .withVersion(api.version())
              .withKind(api.kind())
              .withDisplayName(api.displayName())
              .withDescription(api.description())
              .withResources(
                  api.resources().stream()
                      .map(r -> new APIResourceReference(r.kind(), r.name(), r.version()))
                      .toList())
              .withSpecDescriptors(Descriptors.spec(version))
              .withStatusDescriptors(Descriptors.status(version))
              .build());
    }
    return owned;
  }

  private static String icon() {
    try (InputStream in = ClusterServiceVersions.class.getResourceAsStream("/icon.svg")) {
      return Base64.getEncoder().encodeToString(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON with map keys sorted: the same input always gives the same text. */
  static String json(Object value) {
    try {
      return new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SafeVarargs
  private static <T> Map<String, T> orderedMap(T... keysAndValues) {
    var map = new LinkedHashMap<String, T>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
