package io.gatun.bundle.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.bundle.OlmBundle;
import io.gatun.bundle.OlmInstall;
import io.gatun.bundle.Project;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bundle on a real API server (Kubernetes 1.20.2), installed the way OLM would: its CRDs, then
 * the objects OLM makes of the CSV (ServiceAccount, roles, bindings, the Deployment) and the
 * bundle's Service in the install namespace; then every alm-example is created and read back with
 * every key it was written with (nothing pruned by the CRDs' schemas).
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class BundleInstallIT {

  static KubernetesClient client;

  static final String NAMESPACE = "olm-like";
  static final Path MANIFESTS =
      Path.of(System.getProperty("gatun.root"), OlmBundle.DIR, "manifests");

  @Test
  void installsTheWayOlmWouldAndAcceptsEveryExample() throws Exception {
    var manifests = manifests();
    for (HasMetadata object : manifests) {
      if (object instanceof CustomResourceDefinition crd) {
        ApiServer.createCrd(client, crd);
      }
    }
    ApiServer.namespace(client, NAMESPACE);
    var csv = OlmInstall.csv(Files.readString(MANIFESTS.getParent().resolve(OlmBundle.CSV_FILE)));
    for (HasMetadata object : OlmInstall.objects(csv, NAMESPACE)) {
      client.resource(object).create();
    }
    for (HasMetadata object : manifests) {
      if (!(object instanceof CustomResourceDefinition)
          && !object.getKind().equals("ClusterServiceVersion")) {
        client.resource(object).inNamespace(NAMESPACE).create();
      }
    }

    var deployment =
        client.apps().deployments().inNamespace(NAMESPACE).withName(Project.NAME).get();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(Project.NAME);
    assertThat(client.serviceAccounts().inNamespace(NAMESPACE).withName(Project.NAME).get())
        .isNotNull();
    assertThat(client.services().inNamespace(NAMESPACE).withName(Project.NAME).get()).isNotNull();
    assertThat(
            client
                .rbac()
                .clusterRoles()
                .withName(csv.getMetadata().getName() + "-" + Project.NAME)
                .get()
                .getRules())
        .isEqualTo(
            csv.getSpec().getInstall().getSpec().getClusterPermissions().getFirst().getRules());

    // Namespaced examples go where a console would create them: the install namespace.
    var namespacedKinds =
        manifests.stream()
            .filter(CustomResourceDefinition.class::isInstance)
            .map(CustomResourceDefinition.class::cast)
            .filter(crd -> "Namespaced".equals(crd.getSpec().getScope()))
            .map(crd -> crd.getSpec().getNames().getKind())
            .toList();
    var mapper = new ObjectMapper();
    JsonNode examples = mapper.readTree(csv.getMetadata().getAnnotations().get("alm-examples"));
    assertThat(examples)
        .hasSizeGreaterThanOrEqualTo(
            csv.getSpec().getCustomresourcedefinitions().getOwned().size());
    for (JsonNode example : examples) {
      var resource =
          client
              .getKubernetesSerialization()
              .unmarshal(example.toString(), GenericKubernetesResource.class);
      if (namespacedKinds.contains(resource.getKind())) {
        resource.getMetadata().setNamespace(NAMESPACE);
      }
      var created = client.resource(resource).create();
      JsonNode stored = mapper.valueToTree(created);
      assertKeptEveryKey(
          example.path("spec"), stored.path("spec"), example.path("kind").asText() + ".spec");
    }
  }

  /** Every key and value of the example is in what the server stored (defaults may add more). */
  private static void assertKeptEveryKey(JsonNode expected, JsonNode actual, String path) {
    if (expected.isObject()) {
      expected
          .fields()
          .forEachRemaining(
              field -> {
                assertThat(actual.has(field.getKey()))
                    .as(path + "." + field.getKey() + " was pruned")
                    .isTrue();
                assertKeptEveryKey(
                    field.getValue(), actual.get(field.getKey()), path + "." + field.getKey());
              });
    } else if (expected.isArray()) {
      assertThat(actual.size()).as(path).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertKeptEveryKey(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    } else {
      assertThat(actual.asText()).as(path).isEqualTo(expected.asText());
    }
  }

  private List<HasMetadata> manifests() throws Exception {
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      return files.sorted().map(BundleInstallIT::read).toList();
    }
  }

  private static HasMetadata read(Path file) {
    try {
      return (HasMetadata) client.getKubernetesSerialization().unmarshal(Files.readString(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
