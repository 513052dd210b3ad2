package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpProbeTest {
  private final UdpProbe probe = new UdpProbe();
  private DatagramSocket server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Answers every datagram with "backend-1 " + the datagram, unless {@code silent}. */
  private InetSocketAddress serve(boolean silent) throws IOException {
    server = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread.ofVirtual()
        .start(
            () -> {
              byte[] buf = new byte[2048];
              while (!server.isClosed()) {
                try {
                  DatagramPacket p = new DatagramPacket(buf, buf.length);
                  server.receive(p);
                  if (!silent) {
                    byte[] answer = ("backend-1 " + new String(buf, 0, p.getLength())).getBytes();
                    server.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                  }
                } catch (IOException e) {
                  return;
                }
              }
            });
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  @Test
  void anAnswerContainingTheExpectedBytesIsHealthy() throws IOException {
    InetSocketAddress target = serve(false);
    HealthCheck.Builder check =
        Checks.of(HealthCheck.Type.UDP).setSend(Checks.text("ping")).setExpect(Checks.text("ping"));

    ProbeResult r = probe.check(target, Checks.spec(check));

    assertThat(r.success()).isTrue();
    assertThat(r.latency()).isPositive();
  }

  @Test
  void anAnswerWithoutTheExpectedBytesIsUnhealthy() throws IOException {
    InetSocketAddress target = serve(false);
    HealthCheck.Builder check =
        Checks.of(HealthCheck.Type.UDP).setSend(Checks.text("ping")).setExpect(Checks.text("pong"));

    ProbeResult r = probe.check(target, Checks.spec(check));

    assertThat(r.success()).isFalse();
    assertThat(r.reason()).isEqualTo("answer lacks the expected bytes");
  }

  @Test
  void aClosedPortFailsAtOnceOnTheIcmpError() throws IOException {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }

    ProbeResult r =
        probe.check(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
            Checks.spec(Checks.of(HealthCheck.Type.UDP).setTimeoutMillis(2000)));

    assertThat(r.success()).isFalse();
    assertThat(r.reason()).isEqualTo("port unreachable");
    assertThat(r.latency().toMillis()).isLessThan(1000);
  }

  @Test
  void silenceFailsAtTheTimeout() throws IOException {
    InetSocketAddress target = serve(true);

    ProbeResult r =
        probe.check(target, Checks.spec(Checks.of(HealthCheck.Type.UDP).setTimeoutMillis(120)));

    assertThat(r.success()).isFalse();
    assertThat(r.reason()).isEqualTo("timeout after 120 ms");
  }
}
