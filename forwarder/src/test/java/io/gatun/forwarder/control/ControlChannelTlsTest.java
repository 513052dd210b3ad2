package io.gatun.forwarder.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.forwarder.health.Probes;
import io.gatun.forwarder.serving.ServingState;
import io.gatun.forwarder.serving.SnapshotApplier;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.forwarder.testing.TestCertificates;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS against a real gRPC server that requires client certificates, with certificates made
 * here: the forwarder's own CA signs both sides; a stranger CA signs the impostors.
 */
class ControlChannelTlsTest {
  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final ServingState serving =
      new ServingState(dataPlane, Probes.withDefaultTrust(), h -> {}, Clock.systemUTC(), registry);
  private final TestCertificates.Issued ca = TestCertificates.authority("gatun-ca");
  private final TestCertificates.Issued stranger = TestCertificates.authority("stranger-ca");
  private Path caPem;
  private Path strangerPem;
  private FakeOperator operator;
  private ControlChannel channel;

  @BeforeEach
  void certificates() {
    caPem = ca.writePem(dir, "ca")[0];
    strangerPem = stranger.writePem(dir, "stranger")[0];
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    if (operator != null) {
      operator.close();
    }
    serving.close();
  }

  private void startOperator(TestCertificates.Issued serverIdentity, Path clientCa)
      throws Exception {
    Path[] server = serverIdentity.writePem(dir, "operator");
    ServerCredentials credentials =
        TlsServerCredentials.newBuilder()
            .keyManager(server[0].toFile(), server[1].toFile())
            .trustManager(clientCa.toFile())
            .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
            .build();
    operator = new FakeOperator(credentials);
  }

  private void startForwarder(TestCertificates.Issued clientIdentity, Optional<String> serverName) {
    Path[] client = clientIdentity.writePem(dir, "forwarder");
    ControlTransport transport =
        new ControlTransport(
            operator.target(),
            Optional.of(new ControlTransport.Tls(client[0], client[1], caPem, serverName)));
    channel =
        new ControlChannel(
            transport,
            new SnapshotApplier(serving, registry)::apply,
            new ControlChannel.Reports() {
              @Override
              public Hello hello() {
                return Hello.newBuilder().setForwarderName("fwd-tls").build();
              }

              @Override
              public Observation periodic() {
                return Observation.getDefaultInstance();
              }

              @Override
              public Observation complete() {
                return Observation.newBuilder().setCompleteHealth(true).build();
              }
            },
            Duration.ofSeconds(5),
            Duration.ofMillis(300),
            registry);
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                channel.run();
              } catch (InterruptedException ignored) {
                // test over
              }
            });
  }

  private static TestCertificates.Issued operatorCertificate(TestCertificates.Issued by) {
    return TestCertificates.issue(
        by, "gatun-operator", List.of("gatun-operator.gatun-system.svc"), List.of("127.0.0.1"));
  }

  @Test
  void aForwarderWithACertificateFromTheClusterCaIsServed() throws Exception {
    startOperator(operatorCertificate(ca), caPem);
    startForwarder(TestCertificates.issue(ca, "fwd-tls", List.of(), List.of()), Optional.empty());

    assertThat(operator.next(ForwarderMessage::hasHello).getHello().getForwarderName())
        .isEqualTo("fwd-tls");
    operator.nextStream().onNext(FakeOperator.snapshot(Snapshots.snapshot(1, "198.18.0.11")));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
  }

  @Test
  void theOperatorsNameIsCheckedAgainstTheOverrideWhenOneIsGiven() throws Exception {
    startOperator(operatorCertificate(ca), caPem);
    startForwarder(
        TestCertificates.issue(ca, "fwd-tls", List.of(), List.of()),
        Optional.of("gatun-operator.gatun-system.svc"));

    assertThat(operator.next(ForwarderMessage::hasHello).getHello().getForwarderName())
        .isEqualTo("fwd-tls");
  }

  @Test
  void aWrongClientCertificateIsRefused() throws Exception {
    startOperator(operatorCertificate(ca), caPem);
    startForwarder(
        TestCertificates.issue(stranger, "impostor", List.of(), List.of()), Optional.empty());

    awaitRefusals();
    assertThat(operator.received).isEmpty();
    assertThat(channel.connected()).isFalse();
  }

  @Test
  void anOperatorWhoseCertificateTheForwarderDoesNotTrustIsNeverTalkedTo() throws Exception {
    startOperator(operatorCertificate(stranger), caPem);
    startForwarder(TestCertificates.issue(ca, "fwd-tls", List.of(), List.of()), Optional.empty());

    awaitRefusals();
    assertThat(operator.received).isEmpty();
    assertThat(operator.streams.poll(100, TimeUnit.MILLISECONDS)).isNull();
  }

  /** Two handshakes failed and the forwarder keeps redialling. */
  private void awaitRefusals() {
    Await.until(
        () -> registry.get("gatun.control.disconnects").counter().count() >= 2,
        Duration.ofSeconds(10),
        () -> "the forwarder did not retry after a refused handshake");
  }
}
