package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import io.gatun.forwarder.health.raw.SctpResponder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ICMP and SCTP probes over real raw sockets on loopback (needs root, as the agent does). */
class RawProbesTest {
  private final Probes probes = Probes.withDefaultTrust();

  @AfterEach
  void stop() throws InterruptedException {
    probes.close();
  }

  private ProbeResult check(HealthCheck.Type type, String address, int port) throws Exception {
    return probes
        .forType(type)
        .check(
            new InetSocketAddress(InetAddress.getByName(address), port),
            Checks.spec(Checks.of(type)));
  }

  @Test
  void icmpIsHealthyOnAnEchoReplyAndRefusesIpv6() throws Exception {
    ProbeResult loopback = check(HealthCheck.Type.ICMP, "127.0.0.1", 0);
    assertThat(loopback.success()).as(loopback.reason()).isTrue();
    assertThat(loopback.reason()).isEqualTo("echo reply");

    // Silence needs a host that is not there: see ProbesE2E (an unused address on the test LAN).
    ProbeResult v6 = check(HealthCheck.Type.ICMP, "::1", 0);
    assertThat(v6.success()).isFalse();
    assertThat(v6.reason()).isEqualTo("ICMP probes reach IPv4 backends only");
  }

  @Test
  void sctpIsHealthyOnInitAckAndUnhealthyOnAbortOrSilence() throws Exception {
    try (SctpResponder responder = new SctpResponder(Set.of(9999), Set.of(9998))) {
      ProbeResult listening = check(HealthCheck.Type.SCTP, "127.0.0.1", 9999);
      assertThat(listening.success()).as(listening.reason()).isTrue();
      assertThat(listening.reason()).isEqualTo("INIT ACK");

      ProbeResult refusing = check(HealthCheck.Type.SCTP, "127.0.0.1", 9998);
      assertThat(refusing.success()).isFalse();
      assertThat(refusing.reason()).isEqualTo("ABORT: nothing listens");

      ProbeResult silent = check(HealthCheck.Type.SCTP, "127.0.0.1", 9997);
      assertThat(silent.success()).isFalse();
      assertThat(silent.reason()).isEqualTo("no INIT ACK within 300 ms");
    }
  }
}
