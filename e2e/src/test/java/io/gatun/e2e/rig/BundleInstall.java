package io.gatun.e2e.rig;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.openshift.api.model.operatorhub.v1alpha1.ClusterServiceVersion;
import io.gatun.bundle.OlmInstall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Gatun installed from {@code olm-bundle/} exactly as OLM would, where OLM is absent: the namespace
 * from the CSV's suggested-namespace template (what the console creates), the bundle's CRDs and its
 * other manifests (Service, ServiceAccount) in that namespace, then what OLM makes of the CSV's
 * install strategy ({@link OlmInstall}: ServiceAccounts, Roles and ClusterRoles with bindings, the
 * Deployment), with a Subscription's {@code spec.config.env} applied to every container as OLM
 * applies it (an entry replaces one of the same name). Nothing is written by hand.
 *
 * <p>{@link #upgradeTo} installs a newer bundle over this one as OLM does when a Subscription moves
 * to a CSV that replaces this one. {@link #uninstall} is what a user does to remove Gatun and keep
 * their Services: the Gatun objects they made first, while the operator still runs to withdraw
 * their VIPs, then the CRDs (LoadBalancers first: those generated from Services go while their
 * Pools still back their addresses, so the Services keep showing them), then the CSV's objects (OLM
 * deletes them with the CSV) and the namespace, each awaited until the API server no longer has it.
 */
public final class BundleInstall {

  private static final KubernetesSerialization YAML = new KubernetesSerialization();
  private static final String NAMESPACE_TEMPLATE =
      "operatorframework.io/suggested-namespace-template";

  /** Gatun's kinds whose objects users make, deleted while the operator runs. */
  private static final List<String> FINALIZED =
      List.of("loadbalancers", "healthprobes", "pools", "forwardersets");

  /** On a LoadBalancer the operator generated from a Service: the Service's name. */
  private static final String GENERATED_LABEL = "lb.gatun.io/service";

  public final ClusterServiceVersion csv;
  public final String namespace;
  private final List<CustomResourceDefinition> crds = new ArrayList<>();
  private final List<HasMetadata> manifests = new ArrayList<>();
  private final List<HasMetadata> strategy;
  private final Namespace namespaceObject;

  private BundleInstall(Path bundle, Map<String, String> subscriptionEnv) throws IOException {
    ClusterServiceVersion found = null;
    try (Stream<Path> files = Files.list(bundle.resolve("manifests"))) {
      for (Path file : files.sorted().toList()) {
        String yaml = Files.readString(file);
        if (file.getFileName().toString().endsWith(".clusterserviceversion.yaml")) {
          found = OlmInstall.csv(yaml);
        } else if (YAML.unmarshal(yaml) instanceof HasMetadata object) {
          if (object instanceof CustomResourceDefinition crd) {
            crds.add(crd);
          } else {
            manifests.add(object);
          }
        }
      }
    }
    if (found == null) {
      throw new IllegalStateException("no ClusterServiceVersion in " + bundle);
    }
    csv = found;
    namespaceObject =
        YAML.unmarshal(csv.getMetadata().getAnnotations().get(NAMESPACE_TEMPLATE), Namespace.class);
    namespace = namespaceObject.getMetadata().getName();
    strategy = OlmInstall.objects(csv, namespace);
    for (HasMetadata object : strategy) {
      if (object instanceof Deployment d) {
        d.getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .forEach(c -> override(c.getEnv(), subscriptionEnv));
      }
    }
  }

  /** Reads {@code bundle} (olm-bundle/) for installing into its suggested namespace. */
  public static BundleInstall read(Path bundle, Map<String, String> subscriptionEnv)
      throws IOException {
    return new BundleInstall(bundle, subscriptionEnv);
  }

  /** The Deployments of the CSV's install strategy, as they will be created. */
  public List<Deployment> deployments() {
    return strategy.stream()
        .filter(Deployment.class::isInstance)
        .map(Deployment.class::cast)
        .toList();
  }

  public void install(KubernetesClient client) {
    client.resource(namespaceObject).create();
    for (CustomResourceDefinition crd : crds) {
      // create, not apply: the 1.20 server fails server-side apply of x-kubernetes-validations
      client.resource(crd).create();
    }
    KubeNode.await(
        "every CRD of the bundle established",
        Duration.ofSeconds(60),
        () ->
            crds.stream()
                .allMatch(
                    crd -> {
                      var served =
                          client
                              .apiextensions()
                              .v1()
                              .customResourceDefinitions()
                              .withName(crd.getMetadata().getName())
                              .get();
                      return served != null
                          && served.getStatus() != null
                          && served.getStatus().getConditions().stream()
                              .anyMatch(
                                  c ->
                                      "Established".equals(c.getType())
                                          && "True".equals(c.getStatus()));
                    }));
    for (HasMetadata object : manifests) {
      client.resource(object).inNamespace(namespace).create();
    }
    for (HasMetadata object : strategy) {
      client.resource(object).create();
    }
  }

  /** Until every Deployment of the install strategy has all its replicas available. */
  public void awaitAvailable(KubernetesClient client, Duration within) {
    for (Deployment d : deployments()) {
      KubeNode.await(
          "Deployment " + namespace + "/" + d.getMetadata().getName() + " available",
          within,
          () -> {
            Deployment now =
                client
                    .apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withName(d.getMetadata().getName())
                    .get();
            return now != null
                && now.getStatus() != null
                && d.getSpec().getReplicas().equals(now.getStatus().getAvailableReplicas());
          });
    }
  }

  /**
   * Removes everything Gatun and nothing of the user's: the LoadBalancers, HealthProbes and
   * ForwarderSets users made (the operator withdraws the VIPs; Gatun puts no finalizers); then the
   * CRDs, LoadBalancers' first while the operator still runs, so that those it generated from
   * Services go while their Pools still back their addresses and the Services keep showing them in
   * {@code status.loadBalancer.ingress}, which is what a reinstall gives them back; then the CSV's
   * objects, the bundle's manifests and the namespace.
   */
  public void uninstall(KubernetesClient client, Duration within) {
    for (String plural : List.of("loadbalancers", "healthprobes", "forwardersets")) {
      var kind = kind(plural);
      var ops = client.genericKubernetesResources(kind);
      for (GenericKubernetesResource r : ops.inAnyNamespace().list().getItems()) {
        if (!generated(r)) {
          ops.inNamespace(r.getMetadata().getNamespace())
              .withName(r.getMetadata().getName())
              .delete();
        }
      }
      KubeNode.await(
          "every " + plural + " made by users gone",
          within,
          () -> ops.inAnyNamespace().list().getItems().stream().allMatch(BundleInstall::generated));
    }
    List<CustomResourceDefinition> loadBalancersFirst =
        crds.stream()
            .sorted(
                Comparator.comparing(
                    (CustomResourceDefinition crd) ->
                        !crd.getSpec().getNames().getPlural().equals("loadbalancers")))
            .toList();
    for (CustomResourceDefinition crd : loadBalancersFirst) {
      client.resource(crd).delete();
      KubeNode.await(
          "CRD " + crd.getMetadata().getName() + " gone (its objects deleted)",
          within,
          () ->
              client
                      .apiextensions()
                      .v1()
                      .customResourceDefinitions()
                      .withName(crd.getMetadata().getName())
                      .get()
                  == null);
    }
    for (HasMetadata object : strategy.reversed()) {
      client.resource(object).delete();
    }
    for (HasMetadata object : manifests) {
      client.resource(object).inNamespace(namespace).delete();
    }
    client.namespaces().withName(namespace).delete();
    KubeNode.await(
        "namespace " + namespace + " gone",
        within,
        () -> client.namespaces().withName(namespace).get() == null);
  }

  private static boolean generated(GenericKubernetesResource r) {
    var labels = r.getMetadata().getLabels();
    return labels != null && labels.containsKey(GENERATED_LABEL);
  }

  /**
   * Installs {@code next}, whose CSV replaces this one, the way OLM upgrades: the CRDs replaced in
   * place (stored objects stay), the bundle's other manifests updated, the new CSV's
   * ServiceAccounts and RBAC created beside the old, its Deployments updated in place (the
   * operator's rolling update: the new pod starts, takes the lead once the old one is gone), and
   * once they are rolled out the old CSV's objects the new one does not have deleted (OLM deletes
   * them with the old CSV).
   */
  public void upgradeTo(KubernetesClient client, BundleInstall next, Duration within) {
    String replaced = next.csv.getSpec().getReplaces();
    if (!csv.getMetadata().getName().equals(replaced)) {
      throw new IllegalArgumentException(
          next.csv.getMetadata().getName()
              + " replaces "
              + replaced
              + ", not the installed "
              + csv.getMetadata().getName()
              + ": OLM would not upgrade to it");
    }
    for (CustomResourceDefinition original : next.crds) {
      // Copies: the bundle's own objects stay fit for a later install (no resourceVersion).
      CustomResourceDefinition crd = YAML.clone(original);
      var live =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(crd.getMetadata().getName())
              .get();
      if (live == null) {
        client.resource(crd).create();
      } else {
        crd.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        client.resource(crd).update();
      }
    }
    for (HasMetadata object : next.manifests) {
      replaceOrCreate(client, object, next.namespace);
    }
    for (HasMetadata object : next.strategy) {
      replaceOrCreate(client, object, next.namespace);
    }
    next.awaitRolledOut(client, within);
    var kept = new HashSet<String>();
    next.strategy.forEach(o -> kept.add(o.getKind() + "/" + o.getMetadata().getName()));
    for (HasMetadata object : strategy.reversed()) {
      if (!kept.contains(object.getKind() + "/" + object.getMetadata().getName())) {
        client.resource(object).delete();
      }
    }
  }

  /** Creates {@code object}, or makes the live one of its name exactly it. */
  private static void replaceOrCreate(KubernetesClient client, HasMetadata original, String ns) {
    HasMetadata object = YAML.clone(original);
    var resource =
        object instanceof Namespaced
            ? client.resource(object).inNamespace(ns)
            : client.resource(object);
    HasMetadata live = resource.get();
    if (live == null) {
      resource.create();
      return;
    }
    object.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    if (object instanceof ServiceAccount) {
      return; // its token Secrets are the live one's: nothing of it changes between versions
    }
    if (object instanceof Service service && live instanceof Service current) {
      // The cluster IP is the live Service's, not the manifest's to change.
      service.getSpec().setClusterIP(current.getSpec().getClusterIP());
    }
    resource.update();
  }

  /**
   * Until every Deployment of the install strategy runs its current spec only: the controller saw
   * it, every replica updated and available, no replica of the old spec left.
   */
  public void awaitRolledOut(KubernetesClient client, Duration within) {
    for (Deployment d : deployments()) {
      KubeNode.await(
          "Deployment " + namespace + "/" + d.getMetadata().getName() + " rolled out",
          within,
          () -> {
            Deployment now =
                client
                    .apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withName(d.getMetadata().getName())
                    .get();
            var status = now == null ? null : now.getStatus();
            int replicas = d.getSpec().getReplicas();
            return status != null
                && status.getObservedGeneration() != null
                && status.getObservedGeneration() >= now.getMetadata().getGeneration()
                && Integer.valueOf(replicas).equals(status.getUpdatedReplicas())
                && Integer.valueOf(replicas).equals(status.getAvailableReplicas())
                && Integer.valueOf(replicas).equals(status.getReplicas());
          });
    }
  }

  /** The bundle's CRD for {@code plural}, as a context for generic access (null if absent). */
  public ResourceDefinitionContext kind(String plural) {
    return crds.stream()
        .filter(crd -> crd.getSpec().getNames().getPlural().equals(plural))
        .findFirst()
        .map(
            crd ->
                new ResourceDefinitionContext.Builder()
                    .withGroup(crd.getSpec().getGroup())
                    .withVersion(crd.getSpec().getVersions().getFirst().getName())
                    .withKind(crd.getSpec().getNames().getKind())
                    .withPlural(plural)
                    .withNamespaced("Namespaced".equals(crd.getSpec().getScope()))
                    .build())
        .orElse(null);
  }

  /** OLM's Subscription config: an entry replaces the container's variable of that name. */
  private static void override(List<EnvVar> env, Map<String, String> subscriptionEnv) {
    subscriptionEnv.forEach(
        (name, value) -> {
          env.removeIf(e -> e.getName().equals(name));
          env.add(new EnvVar(name, value, null));
        });
  }

  /** For messages: what the Gatun kinds hold now. */
  public String objects(KubernetesClient client) {
    var s = new StringBuilder();
    for (String plural : FINALIZED) {
      var kind = kind(plural);
      if (kind != null) {
        for (GenericKubernetesResource r :
            client.genericKubernetesResources(kind).inAnyNamespace().list().getItems()) {
          s.append(plural).append(' ').append(r.getMetadata().getName());
          s.append(" finalizers=").append(r.getMetadata().getFinalizers()).append('\n');
        }
      }
    }
    return s.toString();
  }
}
