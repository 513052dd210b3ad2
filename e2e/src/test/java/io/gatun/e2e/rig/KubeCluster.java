package io.gatun.e2e.rig;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** A real kube-apiserver 1.20 with Gatun's CRDs, and the LoadBalancer lookups tests need. */
public final class KubeCluster implements AutoCloseable {
  private static final ResourceDefinitionContext LOAD_BALANCERS =
      new ResourceDefinitionContext.Builder()
          .withGroup("lb.gatun.io")
          .withVersion("v1alpha1")
          .withKind("LoadBalancer")
          .withPlural("loadbalancers")
          .withNamespaced(true)
          .build();

  private final KubeAPIServer apiServer;
  public final KubernetesClient client;

  private KubeCluster(KubeAPIServer apiServer, KubernetesClient client) {
    this.apiServer = apiServer;
    this.client = client;
  }

  public static KubeCluster start(Path root) throws IOException {
    KubeAPIServer apiServer =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2")
                .withOfflineMode(true)
                .build());
    apiServer.start();
    KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
            .build();
    try (Stream<Path> crds = Files.list(root.resolve("crds"))) {
      for (Path crd : crds.sorted().toList()) {
        try (var in = new FileInputStream(crd.toFile())) {
          var created = client.apiextensions().v1().customResourceDefinitions().load(in).create();
          // Served only once Established: an operator started before would find no such kind.
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName(created.getMetadata().getName())
              .waitUntilCondition(
                  c ->
                      c.getStatus() != null
                          && c.getStatus().getConditions() != null
                          && c.getStatus().getConditions().stream()
                              .anyMatch(
                                  k ->
                                      "Established".equals(k.getType())
                                          && "True".equals(k.getStatus())),
                  30,
                  java.util.concurrent.TimeUnit.SECONDS);
          awaitDiscovery(client, created);
        }
      }
    }
    return new KubeCluster(apiServer, client);
  }

  /** Until API discovery lists the kind (what an operator checks before it starts). */
  private static void awaitDiscovery(
      KubernetesClient client,
      io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition crd) {
    String apiVersion =
        crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().getFirst().getName();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!client.supports(apiVersion, crd.getSpec().getNames().getKind())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "API discovery never listed " + crd.getMetadata().getName());
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  public void create(String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).create();
  }

  public Resource<GenericKubernetesResource> loadBalancer(String namespace, String name) {
    return client.genericKubernetesResources(LOAD_BALANCERS).inNamespace(namespace).withName(name);
  }

  /**
   * Waits until the LoadBalancer is Ready for its current generation; returns its first address.
   *
   * @param alive checked on every poll (e.g. the forwarder process still runs)
   */
  @SuppressWarnings("unchecked")
  public String awaitReady(String namespace, String name, Duration within, BooleanSupplier alive) {
    long deadline = System.nanoTime() + within.toNanos();
    GenericKubernetesResource lb = null;
    while (System.nanoTime() < deadline && alive.getAsBoolean()) {
      lb = loadBalancer(namespace, name).get();
      Map<String, Object> status = (Map<String, Object>) lb.getAdditionalProperties().get("status");
      if (status != null && status.get("conditions") instanceof List<?> conditions) {
        for (Object o : conditions) {
          Map<String, Object> c = (Map<String, Object>) o;
          boolean current =
              c.get("observedGeneration") instanceof Number g
                  && g.longValue() == lb.getMetadata().getGeneration();
          if ("Ready".equals(c.get("type")) && "True".equals(c.get("status")) && current) {
            return ((List<String>) status.get("addresses")).getFirst();
          }
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError(
        "LoadBalancer "
            + namespace
            + "/"
            + name
            + " not Ready for its generation; status: "
            + (lb == null ? null : lb.getAdditionalProperties().get("status")));
  }

  @Override
  public void close() {
    client.close();
    apiServer.stop();
  }
}
