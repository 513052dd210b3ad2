package io.gatun.forwarder.health.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IcmpEchoTest {
  @Test
  void aRequestChecksumsToZeroWhenSummedWithItsChecksum() {
    byte[] request = IcmpEcho.request(0x1234, 7, "abc".getBytes());

    assertThat(request[0]).isEqualTo((byte) 8);
    assertThat(IcmpEcho.internetChecksum(request)).isZero();
  }

  @Test
  void onlyEchoRepliesHaveAKey() throws Exception {
    Inet4Address from = (Inet4Address) InetAddress.getByName("198.18.0.11");
    byte[] reply = IcmpEcho.request(0x1234, 7, new byte[0]);
    reply[0] = 0;

    assertThat(IcmpEcho.replyKey(new RawExchange.Packet(from, reply)))
        .isEqualTo(new IcmpEcho.Key(from, 0x1234, 7));
    assertThat(
            IcmpEcho.replyKey(
                new RawExchange.Packet(from, IcmpEcho.request(0x1234, 7, new byte[0]))))
        .as("our own request, looped back")
        .isNull();
  }
}
