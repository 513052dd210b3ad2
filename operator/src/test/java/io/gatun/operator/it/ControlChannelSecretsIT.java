package io.gatun.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gatun.operator.tls.Certificates;
import io.gatun.operator.tls.ControlChannelSecrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator makes its control channel's Secrets on a real API server, as the ServiceAccount of
 * deploy/rbac.yaml (impersonated): a CA, its server certificate for its Service's name and the
 * forwarders' client certificate, both chaining to the CA; nothing is remade when they exist, and a
 * forwarders' Secret from a foreign CA is not paired with a new server certificate.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class ControlChannelSecretsIT {

  static KubernetesClient client;

  @Test
  void theOperatorMakesTheSecretsOnceFromItsOwnCaWithItsOwnPermissions() throws Exception {
    var cluster = new Cluster(client);
    cluster.namespace("gatun-system");
    cluster.create(Files.readString(Path.of(System.getProperty("gatun.rbac"))));
    var secrets =
        new ControlChannelSecrets(
            impersonating("system:serviceaccount:gatun-system:gatun-operator"), "gatun-system");

    secrets.ensure("gatun-operator-tls");

    Certificates.Issued ca = read("gatun-control-ca");
    Certificates.Issued server = read("gatun-operator-tls");
    Certificates.Issued forwarder = read("gatun-forwarder-tls");
    server.certificate().verify(ca.certificate().getPublicKey());
    forwarder.certificate().verify(ca.certificate().getPublicKey());
    assertThat(server.certificate().getSubjectAlternativeNames())
        .contains(List.of(2, "gatun-operator.gatun-system.svc"));
    assertThat(forwarder.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(text(secret("gatun-forwarder-tls"), "ca.crt"))
        .isEqualTo(text(secret("gatun-operator-tls"), "ca.crt"))
        .isEqualTo(text(secret("gatun-control-ca"), "tls.crt"));

    String version = secret("gatun-operator-tls").getMetadata().getResourceVersion();
    secrets.ensure("gatun-operator-tls");
    assertThat(secret("gatun-operator-tls").getMetadata().getResourceVersion())
        .as("an existing Secret is left alone")
        .isEqualTo(version);

    // The server's Secret lost, and the CA with it: the forwarders' certificate can no longer be
    // matched by a new server certificate, so the operator says what to provide.
    client.secrets().inNamespace("gatun-system").withName("gatun-operator-tls").delete();
    client.secrets().inNamespace("gatun-system").withName("gatun-control-ca").delete();
    Cluster.eventually(() -> assertThat(secret("gatun-control-ca")).isNull());
    assertThatThrownBy(() -> secrets.ensure("gatun-operator-tls"))
        .hasMessageContaining("gatun-system/gatun-operator-tls does not exist")
        .hasMessageContaining("delete gatun-forwarder-tls");
  }

  private static Secret secret(String name) {
    return client.secrets().inNamespace("gatun-system").withName(name).get();
  }

  private static String text(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
  }

  private static Certificates.Issued read(String name) {
    Secret secret = secret(name);
    assertThat(secret).as("Secret " + name).isNotNull();
    return Certificates.parse(text(secret, "tls.crt"), text(secret, "tls.key"));
  }

  private static KubernetesClient impersonating(String user) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(client.getConfiguration())
                .withImpersonateUsername(user)
                .withImpersonateGroups(
                    "system:serviceaccounts",
                    "system:serviceaccounts:gatun-system",
                    "system:authenticated")
                .build())
        .build();
  }
}
