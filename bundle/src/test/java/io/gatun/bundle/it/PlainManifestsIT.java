package io.gatun.bundle.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubeapitest.junit.KubeConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.bundle.ClusterServiceVersions;
import io.gatun.bundle.OwnedApi;
import io.gatun.bundle.Project;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/ as a user without OLM applies it, with kubectl, to a real API server (Kubernetes 1.20.2):
 * {@code kubectl apply -k deploy/}, then {@code kubectl apply -f deploy/gatun.yaml} over it changes
 * nothing that matters. Everything is applied: what 1.20 lacks only weakens it (the CRDs'
 * x-kubernetes-validations are dropped, CEL came in 1.25, so the operator checks those rules
 * itself; the Pod Security labels are stored but enforced from 1.23 on).
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class PlainManifestsIT {

  static KubernetesClient client;
  @KubeConfig static String kubeConfig;

  static final Path DEPLOY = Path.of(System.getProperty("gatun.root"), "deploy");

  @TempDir Path temp;

  @Test
  void kubectlAppliesTheKustomizationAndTheSingleFile() throws Exception {
    Path config = temp.resolve("kubeconfig");
    Files.writeString(config, kubeConfig);

    // kubectl 1.32 validates against its own idea of the CRD schema, which 1.20 does not serve.
    kubectl(config, "apply", "--validate=false", "-k", DEPLOY.toString());

    var namespace = client.namespaces().withName(Project.NAMESPACE).get();
    assertThat(namespace.getMetadata().getLabels())
        .containsAllEntriesOf(ClusterServiceVersions.POD_SECURITY_LABELS);
    for (OwnedApi api : OwnedApi.ALL) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(api.crdName())
          .waitUntilCondition(
              ApiServer::established, ApiServer.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(client.serviceAccounts().inNamespace(Project.NAMESPACE).withName(Project.NAME).get())
        .isNotNull();
    assertThat(client.rbac().clusterRoleBindings().withName(Project.NAME).get()).isNotNull();
    var deployment =
        client.apps().deployments().inNamespace(Project.NAMESPACE).withName(Project.NAME).get();
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage())
        .startsWith("docker.io/gatun/operator:");
    assertThat(client.services().inNamespace(Project.NAMESPACE).withName(Project.NAME).get())
        .isNotNull();

    String again =
        kubectl(config, "apply", "--validate=false", "-f", DEPLOY.resolve("gatun.yaml").toString());
    assertThat(again).contains("deployment.apps/" + Project.NAME + " unchanged");
  }

  private String kubectl(Path config, String... args) throws IOException, InterruptedException {
    var command = new ArrayList<>(List.of("kubectl", "--kubeconfig", config.toString()));
    command.addAll(List.of(args));
    var process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(ApiServer.PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
    return output;
  }
}
