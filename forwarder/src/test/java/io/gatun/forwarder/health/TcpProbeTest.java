package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpProbeTest {
  private final TcpProbe probe = new TcpProbe();
  private ServerSocket server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  /** A server answering every connection with {@code answer} after reading a line (or nothing). */
  private InetSocketAddress serve(String answer) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  if (answer != null) {
                    s.getInputStream().read(new byte[64]);
                    s.getOutputStream().write(answer.getBytes());
                  } else {
                    Thread.sleep(1000); // says nothing
                  }
                } catch (IOException | InterruptedException e) {
                  return;
                }
              }
            });
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  @Test
  void aListeningPortIsHealthy() throws IOException {
    InetSocketAddress target = serve("");

    ProbeResult r = probe.check(target, Checks.spec(Checks.of(HealthCheck.Type.TCP)));

    assertThat(r.success()).isTrue();
    assertThat(r.reason()).isEqualTo("connected");
  }

  @Test
  void aClosedPortIsRefused() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }

    ProbeResult r =
        probe.check(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            Checks.spec(Checks.of(HealthCheck.Type.TCP)));

    assertThat(r.success()).isFalse();
    assertThat(r.reason()).isEqualTo("connection refused");
  }

  @Test
  void sendAndExpectMustFindTheExpectedBytesInTheAnswer() throws IOException {
    InetSocketAddress target = serve("+PONG\r\n");
    HealthCheck.Builder check = Checks.of(HealthCheck.Type.TCP).setSend(Checks.text("PING\r\n"));

    assertThat(probe.check(target, Checks.spec(check.setExpect(Checks.text("PONG")))).success())
        .isTrue();
    ProbeResult wrong = probe.check(target, Checks.spec(check.setExpect(Checks.text("READY"))));
    assertThat(wrong.success()).isFalse();
    assertThat(wrong.reason()).isEqualTo("answer lacks the expected bytes");
  }

  @Test
  void aSilentServerFailsAtTheTimeout() throws IOException {
    InetSocketAddress target = serve(null);

    ProbeResult r =
        probe.check(
            target,
            Checks.spec(
                Checks.of(HealthCheck.Type.TCP)
                    .setTimeoutMillis(150)
                    .setExpect(Checks.text("hello"))));

    assertThat(r.success()).isFalse();
    assertThat(r.reason()).isEqualTo("timeout after 150 ms");
    assertThat(r.latency()).isBetween(Duration.ofMillis(140), Duration.ofMillis(400));
  }
}
