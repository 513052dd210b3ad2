package io.gatun.operator.control;

import static io.gatun.operator.testing.Patience.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gatun.operator.testing.FakeForwarder;
import io.gatun.operator.testing.TestCertificates;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The control channel with mutual TLS, over real connections: a forwarder with a certificate from
 * the right CA gets its snapshot; one with a certificate from another CA, one without a certificate
 * and one speaking plaintext are refused before a single message.
 */
class ControlChannelTlsTest {

  private static TestCertificates pki;
  private static ControlServer server;

  @BeforeAll
  static void startServer() throws Exception {
    pki = TestCertificates.create();
    var desiredState = new DesiredState(100);
    var fleet = new ForwarderFleet();
    desiredState.holdUntilHeardFrom(Set.of());
    var security =
        new ControlChannelSecurity.TlsFiles(
            pki.file("server.crt"), pki.file("server.key"), pki.file("ca.crt"));
    var address = new InetSocketAddress("127.0.0.1", 0);
    server =
        ControlServer.start(
            address,
            security.credentials(null, address),
            new ControlPlaneService(fleet, desiredState, () -> true));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  void aForwarderWithACertificateFromTheRightCaIsServed() throws IOException {
    try (var forwarder = connect(client("client"))) {
      forwarder.awaitSnapshot(s -> s.getSnapshotVersion() == 100);
    }
  }

  @Test
  void aWrongClientCertificateIsRefused() throws IOException {
    assertRefused(client("rogue"));
  }

  @Test
  void noClientCertificateOrPlaintextIsRefused() throws IOException {
    assertRefused(
        TlsChannelCredentials.newBuilder().trustManager(pki.file("ca.crt").toFile()).build());
    assertRefused(InsecureChannelCredentials.create());
  }

  private static void assertRefused(ChannelCredentials credentials) {
    try (var forwarder = connect(credentials)) {
      await().atMost(PATIENCE).until(() -> forwarder.ended() != null);
      assertThat(forwarder.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(forwarder.received()).isEmpty();
    }
  }

  private static ChannelCredentials client(String name) throws IOException {
    return TlsChannelCredentials.newBuilder()
        .keyManager(pki.file(name + ".crt").toFile(), pki.file(name + ".key").toFile())
        .trustManager(pki.file("ca.crt").toFile())
        .build();
  }

  private static FakeForwarder connect(ChannelCredentials credentials) {
    return FakeForwarder.connect(
        "fwd-1", "node-1", server.port(), FakeForwarder.CAPABILITIES, true, credentials);
  }
}
