package io.gatun.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs the checked-in CRDs, as users and the demo do. */
public final class Crds {

  private Crds() {}

  /** The CRDs of {@code crds/}, as the build passes its location. */
  public static void install(KubernetesClient client) throws IOException {
    install(client, Path.of(System.getProperty("gatun.crds.dir")));
  }

  public static void install(KubernetesClient client, Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        var crd =
            client
                .getKubernetesSerialization()
                .unmarshal(Files.readString(file), CustomResourceDefinition.class);
        // create(), not server-side apply: 1.20 answers 500 to an apply carrying
        // x-kubernetes-validations.
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .waitUntilCondition(Crds::established, Patience.PATIENCE.toSeconds(), TimeUnit.SECONDS);
        awaitDiscovery(client, crd);
      }
    }
  }

  /**
   * Established is not yet in API discovery, which generic resources are resolved through: wait
   * until the client can see the kind too (a few hundred milliseconds at most).
   */
  private static void awaitDiscovery(KubernetesClient client, CustomResourceDefinition crd) {
    String apiVersion =
        crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().getFirst().getName();
    long deadline = System.nanoTime() + Patience.PATIENCE.toNanos();
    while (!client.supports(apiVersion, crd.getSpec().getNames().getKind())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(apiVersion + " is not in API discovery after 30 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
