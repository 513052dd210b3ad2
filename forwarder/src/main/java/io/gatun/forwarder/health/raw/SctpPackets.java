package io.gatun.forwarder.health.raw;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The SCTP packets of a probe (RFC 9260): an INIT to open an association, the INIT ACK or ABORT
 * that answers it, and the ABORT that closes the half-open association again. The kernel here has
 * no SCTP, so probes speak it over a raw socket.
 */
public final class SctpPackets {
  public static final int PROTOCOL = 132;
  public static final int INIT = 1;
  public static final int INIT_ACK = 2;
  public static final int ABORT = 6;
  private static final int COMMON_HEADER = 12;

  /**
   * What matches an answer to its INIT: the peer answers from the probed port to ours and carries
   * our initiate tag as its verification tag.
   */
  public record Key(Inet4Address from, int fromPort, int toPort, int verificationTag) {}

  private SctpPackets() {}

  public static byte[] init(int sourcePort, int destinationPort, int initiateTag, int initialTsn) {
    ByteBuffer b = commonHeader(sourcePort, destinationPort, 0, 20);
    b.put((byte) INIT).put((byte) 0).putShort((short) 20);
    b.putInt(initiateTag);
    b.putInt(65_535); // advertised receiver window
    b.putShort((short) 1).putShort((short) 1); // outbound / inbound streams
    b.putInt(initialTsn);
    return withChecksum(b.array());
  }

  /** An ABORT without the T bit: {@code verificationTag} is the peer's initiate tag. */
  public static byte[] abort(int sourcePort, int destinationPort, int verificationTag) {
    ByteBuffer b = commonHeader(sourcePort, destinationPort, verificationTag, 4);
    b.put((byte) ABORT).put((byte) 0).putShort((short) 4);
    return withChecksum(b.array());
  }

  /** The key of a well-formed SCTP packet with at least one chunk, {@code null} otherwise. */
  public static Key replyKey(RawExchange.Packet packet) {
    byte[] p = packet.payload();
    if (p.length < COMMON_HEADER + 4 || !checksumOk(p)) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(p);
    return new Key(
        packet.source(),
        Short.toUnsignedInt(b.getShort(0)),
        Short.toUnsignedInt(b.getShort(2)),
        b.getInt(4));
  }

  public static int firstChunkType(byte[] packet) {
    return packet[COMMON_HEADER] & 0xff;
  }

  /** The initiate tag of an INIT or INIT ACK packet. */
  public static int initiateTag(byte[] packet) {
    return ByteBuffer.wrap(packet).getInt(COMMON_HEADER + 4);
  }

  private static ByteBuffer commonHeader(int sourcePort, int destinationPort, int tag, int chunks) {
    ByteBuffer b = ByteBuffer.allocate(COMMON_HEADER + chunks);
    b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(tag).putInt(0);
    return b;
  }

  /** CRC32c over the packet with a zero checksum field, stored least significant byte first. */
  static byte[] withChecksum(byte[] packet) {
    ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).putInt(8, crc32c(packet));
    return packet;
  }

  static boolean checksumOk(byte[] packet) {
    int stored = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    byte[] copy = packet.clone();
    ByteBuffer.wrap(copy).putInt(8, 0);
    return crc32c(copy) == stored;
  }

  static int crc32c(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    return (int) crc.getValue();
  }
}
