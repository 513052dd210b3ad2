package io.gatun.operator.control;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC endpoint forwarders dial.
 *
 * <p>Transport security is the caller's choice of {@link ServerCredentials}: plaintext ({@code
 * InsecureServerCredentials}) for the demo, TLS with client certificates ({@code
 * TlsServerCredentials}) once mTLS lands — nothing else changes.
 */
public final class ControlServer implements AutoCloseable {

  private final Server server;

  private ControlServer(Server server) {
    this.server = server;
  }

  public static ControlServer start(
      InetSocketAddress address, ServerCredentials credentials, BindableService service) {
    Server server =
        NettyServerBuilder.forAddress(address, credentials)
            .addService(service)
            // Find dead forwarders (a node lost without a FIN) and let them ping us to do the same;
            // they ping every 10 s, and a ping earlier than permitted would cost them the stream.
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    return new ControlServer(server);
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
