package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.StatusRange;
import io.gatun.forwarder.testing.TestCertificates;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP and HTTPS probes against the JDK's own servers on loopback. */
class HttpProbeTest {
  private static final TestCertificates.Issued CA = TestCertificates.authority("probe-test-ca");
  private static final TestCertificates.Issued BACKEND =
      TestCertificates.issue(CA, "backend", List.of("backend.gatun.test"), List.of());

  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /**
   * {@code /} 200, {@code /sick} 503, {@code /teapot} 418, {@code /vhost} 200 only for Host
   * web.example (else 421), {@code /head-only} 200 only for HEAD (else 405).
   */
  private InetSocketAddress serve(HttpServer s) {
    server = s;
    s.createContext("/", e -> answer(e, 200));
    s.createContext("/sick", e -> answer(e, 503));
    s.createContext("/teapot", e -> answer(e, 418));
    s.createContext(
        "/vhost",
        e -> answer(e, "web.example".equals(e.getRequestHeaders().getFirst("Host")) ? 200 : 421));
    s.createContext("/head-only", e -> answer(e, "HEAD".equals(e.getRequestMethod()) ? 200 : 405));
    s.start();
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getAddress().getPort());
  }

  private static void answer(HttpExchange e, int status) throws IOException {
    e.sendResponseHeaders(status, -1);
    e.close();
  }

  private InetSocketAddress http() throws IOException {
    return serve(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
  }

  private InetSocketAddress https() throws IOException {
    HttpsServer s =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setHttpsConfigurator(new HttpsConfigurator(BACKEND.serverContext()));
    return serve(s);
  }

  private static ProbeResult probe(
      boolean tls, SSLContext trust, InetSocketAddress target, HealthCheck.Builder check) {
    // No case here is about timing out, and a JVM's first TLS handshake on a busy machine takes
    // longer than the probe tests' usual 300 ms.
    return new HttpProbe(tls, trust).check(target, Checks.spec(check.setTimeoutMillis(5000)));
  }

  private static ProbeResult http(InetSocketAddress target, HealthCheck.Builder check) {
    return probe(false, null, target, check);
  }

  @Test
  void aStatusInTheDefaultRangeIsHealthyAnd503IsNot() throws IOException {
    InetSocketAddress target = http();

    assertThat(http(target, Checks.of(HealthCheck.Type.HTTP)).success()).isTrue();
    ProbeResult sick = http(target, Checks.of(HealthCheck.Type.HTTP).setHttpPath("/sick"));
    assertThat(sick.success()).isFalse();
    assertThat(sick.reason()).isEqualTo("HTTP 503 not in 200-399");
  }

  @Test
  void expectedStatusRangesAreTheChecksOwn() throws IOException {
    InetSocketAddress target = http();
    HealthCheck.Builder teapot =
        Checks.of(HealthCheck.Type.HTTP)
            .setHttpPath("/teapot")
            .clearHttpExpectedStatuses()
            .addHttpExpectedStatuses(StatusRange.newBuilder().setFrom(200).setTo(299))
            .addHttpExpectedStatuses(StatusRange.newBuilder().setFrom(418).setTo(418));

    assertThat(http(target, teapot).success()).isTrue();
    ProbeResult root = http(target, teapot.setHttpPath("/sick"));
    assertThat(root.reason()).isEqualTo("HTTP 503 not in 200-299,418");
  }

  @Test
  void theHostHeaderAndMethodAreTheChecksOwn() throws IOException {
    InetSocketAddress target = http();

    assertThat(http(target, Checks.of(HealthCheck.Type.HTTP).setHttpPath("/vhost")).reason())
        .isEqualTo("HTTP 421 not in 200-399");
    assertThat(
            http(
                    target,
                    Checks.of(HealthCheck.Type.HTTP)
                        .setHttpPath("/vhost")
                        .setHttpHost("web.example"))
                .success())
        .isTrue();
    assertThat(http(target, Checks.of(HealthCheck.Type.HTTP).setHttpPath("/head-only")).success())
        .isFalse();
    assertThat(
            http(
                    target,
                    Checks.of(HealthCheck.Type.HTTP)
                        .setHttpPath("/head-only")
                        .setHttpMethod("HEAD"))
                .success())
        .isTrue();
  }

  @Test
  void httpsVerifiesTheChainAndTheNameUnlessToldToSkip() throws IOException {
    InetSocketAddress target = https();
    SSLContext trustingOurCa = CA.trustingContext();
    HealthCheck.Builder named =
        Checks.of(HealthCheck.Type.HTTPS).setTlsServerName("backend.gatun.test");

    assertThat(probe(true, trustingOurCa, target, named).success())
        .as("trusted chain, matching name")
        .isTrue();
    ProbeResult wrongName =
        probe(
            true,
            trustingOurCa,
            target,
            Checks.of(HealthCheck.Type.HTTPS).setTlsServerName("other.gatun.test"));
    assertThat(wrongName.success()).isFalse();
    assertThat(wrongName.reason()).startsWith("TLS: ");
    ProbeResult unknownCa = probe(true, defaultContext(), target, named);
    assertThat(unknownCa.success()).as("the JVM's trust store does not know our CA").isFalse();
    assertThat(
            probe(
                    true,
                    defaultContext(),
                    target,
                    Checks.of(HealthCheck.Type.HTTPS).setTlsSkipVerify(true))
                .success())
        .as("skip-verify: encrypted, unauthenticated")
        .isTrue();
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aPortThatIsNotHttpIsUnhealthy() throws IOException {
    try (var s = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (var c = s.accept()) {
                  c.getOutputStream().write("SSH-2.0-OpenSSH\r\n".getBytes());
                } catch (IOException ignored) {
                  // test over
                }
              });
      ProbeResult r =
          http(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()),
              Checks.of(HealthCheck.Type.HTTP));
      assertThat(r.success()).isFalse();
      assertThat(r.reason()).startsWith("not an HTTP answer: SSH-2.0");
    }
  }
}
