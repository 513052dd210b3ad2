package io.gatun.bundle.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Small waits and helpers against the test's API server. */
final class ApiServer {

  /** Generous: the machine is shared by several builds. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private ApiServer() {}

  /**
   * create(), not server-side apply: 1.20 answers 500 to an apply with x-kubernetes-validations.
   */
  static void createCrd(KubernetesClient client, CustomResourceDefinition crd) {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    crds.resource(crd).create();
    crds.withName(crd.getMetadata().getName())
        .waitUntilCondition(ApiServer::established, PATIENCE.toSeconds(), TimeUnit.SECONDS);
    String apiVersion =
        crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().getFirst().getName();
    waitFor(
        () -> client.supports(apiVersion, crd.getSpec().getNames().getKind()),
        apiVersion + " in discovery");
  }

  static void namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }

  static void waitFor(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + PATIENCE.toSeconds() + " s: " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
