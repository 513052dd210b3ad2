package io.gatun.forwarder.health.raw;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/** ICMPv4 echo request / reply (RFC 792) as the raw ICMP socket sends and receives them. */
public final class IcmpEcho {
  public static final int PROTOCOL = 1;
  private static final int ECHO_REPLY = 0;
  private static final int ECHO_REQUEST = 8;

  /** What matches a reply to its request. */
  public record Key(Inet4Address from, int identifier, int sequence) {}

  private IcmpEcho() {}

  public static byte[] request(int identifier, int sequence, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + data.length);
    b.put((byte) ECHO_REQUEST).put((byte) 0).putShort((short) 0);
    b.putShort((short) identifier).putShort((short) sequence).put(data);
    byte[] message = b.array();
    int sum = internetChecksum(message);
    message[2] = (byte) (sum >> 8);
    message[3] = (byte) sum;
    return message;
  }

  /** The key of an echo reply, {@code null} for any other ICMP message. */
  public static Key replyKey(RawExchange.Packet packet) {
    byte[] m = packet.payload();
    if (m.length < 8 || m[0] != ECHO_REPLY || m[1] != 0) {
      return null;
    }
    return new Key(packet.source(), u16(m, 4), u16(m, 6));
  }

  /** RFC 1071: the ones' complement of the ones' complement sum of 16-bit words. */
  static int internetChecksum(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += u16(data, i);
    }
    if (data.length % 2 == 1) {
      sum += (data[data.length - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  private static int u16(byte[] b, int offset) {
    return ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
  }
}
