package io.gatun.forwarder.health.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SctpPacketsTest {
  @Test
  void crc32cIsTheCastagnoliCrcOfRfc3720() {
    // RFC 3720 B.4: 32 bytes of zeros → aa 36 91 8a on the wire, i.e. 0x8a9136aa little-endian.
    assertThat(SctpPackets.crc32c(new byte[32])).isEqualTo(0x8a9136aa);
  }

  @Test
  void anInitCarriesOurPortsAndTagWithAValidChecksum() {
    byte[] init = SctpPackets.init(40000, 9999, 0x01020304, 77);

    ByteBuffer b = ByteBuffer.wrap(init);
    assertThat(init).hasSize(32);
    assertThat(Short.toUnsignedInt(b.getShort(0))).isEqualTo(40000);
    assertThat(Short.toUnsignedInt(b.getShort(2))).isEqualTo(9999);
    assertThat(b.getInt(4)).as("an INIT has verification tag 0").isZero();
    assertThat(SctpPackets.firstChunkType(init)).isEqualTo(SctpPackets.INIT);
    assertThat(SctpPackets.initiateTag(init)).isEqualTo(0x01020304);
    assertThat(SctpPackets.checksumOk(init)).isTrue();
    init[20] ^= 1;
    assertThat(SctpPackets.checksumOk(init)).isFalse();
  }

  @Test
  void aReplyIsKeyedByItsSourceAndPortsAndVerificationTag() throws Exception {
    Inet4Address from = (Inet4Address) InetAddress.getByName("198.18.0.11");
    byte[] abort = SctpPackets.abort(9999, 40000, 0x01020304);

    SctpPackets.Key key = SctpPackets.replyKey(new RawExchange.Packet(from, abort));

    assertThat(key).isEqualTo(new SctpPackets.Key(from, 9999, 40000, 0x01020304));
    abort[8] ^= 1; // a corrupt checksum: not ours to trust
    assertThat(SctpPackets.replyKey(new RawExchange.Packet(from, abort))).isNull();
  }

  @Test
  void anIpv4HeaderIsStrippedUpToItsTotalLength() throws Exception {
    byte[] ip =
        HexFormat.of()
            .parseHex(
                "4500001c"
                    + "00004000"
                    + "40840000" // v4, IHL 5, length, flags, TTL, SCTP
                    + "c6120b0b"
                    + "c6120003" // 198.18.11.11 → 198.18.0.3
                    + "aabbccdd"
                    + "eeff");
    ip[3] = 24; // total length 24: header 20 + 4 payload bytes, then 2 bytes of padding

    RawExchange.Packet p = RawExchange.parse(ip);

    assertThat(p.source().getHostAddress()).isEqualTo("198.18.11.11");
    assertThat(p.payload()).containsExactly(0xaa, 0xbb, 0xcc, 0xdd);
  }
}
