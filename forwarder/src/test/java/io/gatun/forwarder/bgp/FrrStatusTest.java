package io.gatun.forwarder.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.BgpSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FRR 8.4's JSON (trimmed from real "show bgp neighbors json" output) as observations. */
class FrrStatusTest {
  private static final BgpPlan PLAN = BgpPlan.of(BgpFixtures.config());

  private static String fixture(String name) throws IOException {
    try (InputStream in = FrrStatusTest.class.getResourceAsStream("/bgp/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void anEstablishedSessionAndOneRefusedForItsAs() throws IOException {
    List<BgpSession> s =
        FrrStatus.sessions(
            PLAN,
            fixture("neighbors-established-and-bad-as.json"),
            fixture("bfd-peers.json"),
            false);

    assertThat(s).hasSize(2);
    BgpSession up = s.get(0);
    assertThat(up.getPeer()).isEqualTo("198.18.1.1");
    assertThat(up.getEstablished()).isTrue();
    assertThat(up.getState()).isEqualTo("Established");
    assertThat(up.getEstablishedSinceUnixMillis()).isEqualTo(1796515711000L);
    assertThat(up.getPrefixesAdvertised()).isEqualTo(1);
    assertThat(up.getUpdatesSent()).isEqualTo(4);
    assertThat(up.getUpdatesReceived()).isEqualTo(1);
    assertThat(up.getLastError()).as("established: no error, whatever happened before").isEmpty();
    assertThat(up.getBfdState()).isEqualTo("up");
    assertThat(up.getPoolsList()).containsExactly("default/bgp");

    BgpSession down = s.get(1);
    assertThat(down.getPeer()).isEqualTo("2001:2:1::1");
    assertThat(down.getEstablished()).isFalse();
    assertThat(down.getState()).isEqualTo("Idle");
    assertThat(down.getLastError()).isEqualTo("OPEN Message Error/Bad Peer AS");
    assertThat(down.getBfdState()).as("no BFD configured for it").isEmpty();
  }

  @Test
  void kernelMd5DropsExplainASilentPeerWithAPassword() {
    String json =
        "{\"198.18.1.1\":{\"bgpState\":\"Connect\",\"lastResetDueTo\":\"Waiting for peer OPEN\"}}";

    BgpSession withDrops = FrrStatus.sessions(PLAN, json, "[]", true).getFirst();
    BgpSession without = FrrStatus.sessions(PLAN, json, "[]", false).getFirst();

    assertThat(withDrops.getLastError()).startsWith("TCP MD5 authentication failed");
    assertThat(without.getLastError())
        .isEqualTo(
            "no BGP session: the peer does not answer on TCP 179 (or its TCP MD5 password differs)");
    assertThat(without.getBfdState()).isEqualTo("down");
  }

  @Test
  void aNeighbourFrrDoesNotKnowYetAndOneSetAsideAreReported() {
    BgpPlan plan =
        BgpPlan.of(
            BgpConfig.newBuilder()
                .setLocalAsn(64512)
                .addNeighbors(BgpNeighbor.newBuilder().setAddress("198.18.1.1").setAsn(64500))
                .addNeighbors(BgpNeighbor.newBuilder().setAddress("198.18.1.2").setAsn(0))
                .build());

    List<BgpSession> s = FrrStatus.sessions(plan, "not json", "", false);

    assertThat(s).extracting(BgpSession::getPeer).containsExactly("198.18.1.1", "198.18.1.2");
    assertThat(s.get(0).getLastError()).isEqualTo("FRR does not have this neighbour yet");
    assertThat(s.get(1).getState()).isEqualTo("Refused");
    assertThat(s.get(1).getLastError()).startsWith("not configured: asn is 0");
  }

  @Test
  void md5DropsAreTheKernelsTcpExtCounters(@TempDir Path dir) throws IOException {
    Path netstat = dir.resolve("netstat");
    Files.writeString(
        netstat,
        "TcpExt: SyncookiesSent TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure\n"
            + "TcpExt: 7 2 1 4\n"
            + "IpExt: InNoRoutes\nIpExt: 0\n");

    assertThat(BgpSpeaker.md5Drops(netstat)).isEqualTo(7);
    assertThat(BgpSpeaker.md5Drops(dir.resolve("absent"))).isZero();
  }
}
