package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.StatusRange;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.forwarder.health.HealthCheckSpec;
import io.gatun.forwarder.health.ProbeResult;
import io.gatun.forwarder.health.Probes;
import io.gatun.forwarder.testing.Snapshots;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every probe type of the agent against real servers in network namespaces, from the root
 * namespace's node address, as the forwarder agent probes in a cluster: TCP, UDP, HTTP and HTTPS
 * against tools/backend.py, SCTP against its raw-socket SCTP endpoint (the kernel here has no
 * SCTP), ICMP against the backends' kernels.
 */
@Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
class ProbesE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();

  private static TestNetwork network;
  private static Probes probes;

  @BeforeAll
  static void up() throws Exception {
    network = TestNetwork.up(ROOT, 2);
    probes = new Probes(trusting(network.backendCa()));
  }

  @AfterAll
  static void down() throws InterruptedException {
    if (probes != null) {
      probes.close();
    }
    if (network != null) {
      network.close();
    }
  }

  private static ProbeResult check(int backend, int port, HealthCheck.Builder check)
      throws Exception {
    HealthCheckSpec spec = HealthCheckSpec.of(check.setTimeoutMillis(500).build());
    return probes
        .forType(spec.type())
        .check(
            new InetSocketAddress(InetAddress.getByName(TestNetwork.backend(backend)), port), spec);
  }

  private static HealthCheck.Builder of(HealthCheck.Type type) {
    return Snapshots.healthCheck(type, "e2e/" + type.name().toLowerCase());
  }

  private static ByteString text(String s) {
    return ByteString.copyFrom(s, StandardCharsets.US_ASCII);
  }

  @Test
  void tcpConnectsToAListenerAndIsRefusedByAClosedPort() throws Exception {
    assertThat(check(1, 8080, of(HealthCheck.Type.TCP)).success()).isTrue();
    ProbeResult closed = check(1, 8081, of(HealthCheck.Type.TCP));
    assertThat(closed.success()).isFalse();
    assertThat(closed.reason()).isEqualTo("connection refused");
  }

  @Test
  void udpWantsTheExpectedAnswerAndHearsAClosedPort() throws Exception {
    HealthCheck.Builder udp =
        of(HealthCheck.Type.UDP).setSend(text("ping")).setExpect(text("backend-1 ping"));
    assertThat(check(1, 5353, udp).success()).isTrue();
    assertThat(check(2, 5353, udp).reason())
        .as("backend-2 answers, but not what backend-1 would")
        .isEqualTo("answer lacks the expected bytes");
    assertThat(check(1, 5354, udp).reason()).isEqualTo("port unreachable");
  }

  @Test
  void httpJudgesByStatusHostAndRanges() throws Exception {
    HealthCheck.Builder health = of(HealthCheck.Type.HTTP).setHttpPath("/healthz");
    assertThat(check(1, 8080, health).success()).isTrue();

    network.sick(1);
    try {
      assertThat(check(1, 8080, health).reason()).isEqualTo("HTTP 503 not in 200-399");
    } finally {
      network.well(1);
    }
    assertThat(check(1, 8080, health).success()).isTrue();

    HealthCheck.Builder vhost = of(HealthCheck.Type.HTTP).setHttpPath("/host/web.example");
    assertThat(check(1, 8080, vhost).reason()).isEqualTo("HTTP 421 not in 200-399");
    assertThat(check(1, 8080, vhost.setHttpHost("web.example")).success()).isTrue();
    assertThat(check(1, 8080, vhost.setHttpMethod("HEAD")).success()).isTrue();

    HealthCheck.Builder teapot =
        of(HealthCheck.Type.HTTP)
            .setHttpPath("/status/418")
            .clearHttpExpectedStatuses()
            .addHttpExpectedStatuses(StatusRange.newBuilder().setFrom(418).setTo(418));
    assertThat(check(1, 8080, teapot).success()).isTrue();
  }

  @Test
  void httpsSendsTheServerNameAndVerifiesUnlessToldNotTo() throws Exception {
    HealthCheck.Builder named =
        of(HealthCheck.Type.HTTPS).setHttpPath("/healthz").setTlsServerName("backend.gatun.test");
    ProbeResult verified = check(2, 8443, named);
    assertThat(verified.success()).as(verified.reason()).isTrue();

    ProbeResult noName = check(2, 8443, of(HealthCheck.Type.HTTPS).setTlsSkipVerify(true));
    assertThat(noName.success()).as("the backend refuses handshakes without its name").isFalse();
    assertThat(noName.reason()).startsWith("TLS: ");

    ProbeResult skipped =
        check(
            2,
            8443,
            of(HealthCheck.Type.HTTPS)
                .setTlsServerName("backend.gatun.test")
                .setTlsSkipVerify(true));
    assertThat(skipped.success()).isTrue();

    ProbeResult wrongName =
        check(2, 8443, of(HealthCheck.Type.HTTPS).setTlsServerName("other.gatun.test"));
    assertThat(wrongName.success()).isFalse();
  }

  @Test
  void sctpAnInitAckIsHealthyAnAbortOrSilenceIsNot() throws Exception {
    ProbeResult up = check(1, 9999, of(HealthCheck.Type.SCTP));
    assertThat(up.success()).as(up.reason()).isTrue();
    assertThat(up.reason()).isEqualTo("INIT ACK");

    network.sick(1);
    try {
      assertThat(check(1, 9999, of(HealthCheck.Type.SCTP)).reason())
          .isEqualTo("ABORT: nothing listens");
    } finally {
      network.well(1);
    }

    network.killBackend(2);
    try {
      assertThat(check(2, 9999, of(HealthCheck.Type.SCTP)).reason())
          .isEqualTo("no INIT ACK within 500 ms");
    } finally {
      network.startBackend(2);
    }
  }

  @Test
  void icmpAnEchoReplyIsHealthyAnAbsentHostIsNot() throws Exception {
    ProbeResult up = check(1, 0, of(HealthCheck.Type.ICMP));
    assertThat(up.success()).as(up.reason()).isTrue();

    HealthCheckSpec spec =
        HealthCheckSpec.of(of(HealthCheck.Type.ICMP).setTimeoutMillis(300).build());
    ProbeResult absent =
        probes
            .forType(HealthCheck.Type.ICMP)
            .check(new InetSocketAddress(InetAddress.getByName("198.18.0.99"), 0), spec);
    assertThat(absent.success()).isFalse();
    assertThat(absent.reason()).isEqualTo("no echo reply within 300 ms");
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      store.setCertificateEntry(
          "testnet-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
