package io.gatun.forwarder.control;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How the agent reaches the operator: mutual TLS with the certificates of a mounted Secret, or
 * plaintext when explicitly asked for (demo, tests). The files are read again for every connection,
 * so a rotated Secret is picked up on the next reconnect.
 */
public final class ControlTransport {
  /**
   * PEM files for mutual TLS.
   *
   * @param certificateChain the forwarder's certificate (and intermediates)
   * @param privateKey its key, PKCS#8 ({@code BEGIN PRIVATE KEY})
   * @param trustedCa the CA that signed the operator's certificate
   * @param serverName the name the operator's certificate must carry when it differs from the host
   *     dialled (e.g. dialling an address)
   */
  public record Tls(
      Path certificateChain, Path privateKey, Path trustedCa, Optional<String> serverName) {}

  private final String target;
  private final Optional<Tls> tls;

  public ControlTransport(String target, Optional<Tls> tls) {
    this.target = target;
    this.tls = tls;
  }

  ManagedChannel open() throws IOException {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(target, credentials())
            .keepAliveTime(10, TimeUnit.SECONDS)
            .keepAliveTimeout(5, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true);
    tls.flatMap(Tls::serverName).ifPresent(builder::overrideAuthority);
    return builder.build();
  }

  private ChannelCredentials credentials() throws IOException {
    if (tls.isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    Tls t = tls.get();
    return TlsChannelCredentials.newBuilder()
        .keyManager(t.certificateChain().toFile(), t.privateKey().toFile())
        .trustManager(t.trustedCa().toFile())
        .build();
  }

  @Override
  public String toString() {
    return target + (tls.isPresent() ? " (mutual TLS)" : " (plaintext)");
  }
}
