package io.gatun.operator.control;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.tls.ControlChannelSecrets;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Base64;

/**
 * How the control channel is secured: mutual TLS (the operator's certificate and key, and the CA
 * forwarders' client certificates must chain to), from files or from a Secret; or plaintext, only
 * when asked for — or by default on a loopback address, where nothing leaves the host.
 */
public sealed interface ControlChannelSecurity {

  /**
   * Secret keys, as cert-manager and {@code kubectl create secret tls} (plus the CA) write them.
   */
  String CERT = "tls.crt";

  String KEY = "tls.key";
  String CA = "ca.crt";

  /** The credentials to listen with; {@code client} reads a Secret when the material is one. */
  ServerCredentials credentials(KubernetesClient client, InetSocketAddress address);

  /** Plaintext, explicitly asked for ({@code --plaintext}). */
  record Plaintext() implements ControlChannelSecurity {
    @Override
    public ServerCredentials credentials(KubernetesClient client, InetSocketAddress address) {
      return InsecureServerCredentials.create();
    }
  }

  /** Nothing said: plaintext on a loopback address, refused anywhere else. */
  record LoopbackOnly() implements ControlChannelSecurity {
    @Override
    public ServerCredentials credentials(KubernetesClient client, InetSocketAddress address) {
      if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
        throw new IllegalStateException(
            "the control channel would listen on "
                + address.getHostString()
                + ":"
                + address.getPort()
                + " without TLS: give --tls-cert, --tls-key and --tls-ca, or --tls-secret"
                + " NAMESPACE/NAME, or say --plaintext");
      }
      return InsecureServerCredentials.create();
    }
  }

  /** Mutual TLS from PEM files. */
  record TlsFiles(Path certificate, Path privateKey, Path clientCa)
      implements ControlChannelSecurity {
    @Override
    public ServerCredentials credentials(KubernetesClient client, InetSocketAddress address) {
      try {
        return TlsServerCredentials.newBuilder()
            .keyManager(certificate.toFile(), privateKey.toFile())
            .trustManager(clientCa.toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the control channel's TLS files", e);
      }
    }
  }

  /**
   * Mutual TLS from a Secret holding tls.crt, tls.key and ca.crt; made, with the forwarders' and a
   * CA, when absent ({@link ControlChannelSecrets}).
   */
  record TlsSecret(String namespace, String name) implements ControlChannelSecurity {
    @Override
    public ServerCredentials credentials(KubernetesClient client, InetSocketAddress address) {
      new ControlChannelSecrets(client, namespace).ensure(name);
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret == null) {
        throw new IllegalStateException("the Secret " + namespace + "/" + name + " does not exist");
      }
      try {
        return TlsServerCredentials.newBuilder()
            .keyManager(entry(secret, CERT), entry(secret, KEY))
            .trustManager(entry(secret, CA))
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build();
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot use the TLS material of " + namespace + "/" + name, e);
      }
    }

    private ByteArrayInputStream entry(Secret secret, String key) {
      String value = secret.getData() == null ? null : secret.getData().get(key);
      if (value == null) {
        throw new IllegalStateException(
            "the Secret "
                + namespace
                + "/"
                + name
                + " has no "
                + key
                + " (needs tls.crt, tls.key, ca.crt)");
      }
      return new ByteArrayInputStream(Base64.getDecoder().decode(value));
    }
  }

  /** Credentials built by the caller (tests, embedders). */
  record Given(ServerCredentials given) implements ControlChannelSecurity {
    @Override
    public ServerCredentials credentials(KubernetesClient client, InetSocketAddress address) {
      return given;
    }
  }
}
