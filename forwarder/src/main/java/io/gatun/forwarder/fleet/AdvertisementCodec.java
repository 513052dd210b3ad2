package io.gatun.forwarder.fleet;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Advertisements as Ethernet frames of EtherType 0x88B5 (IEEE local experimental 1) to the fleet's
 * group MAC, and back. The payload, in network byte order:
 *
 * <pre>
 *   version (1) = 1 | priority (1) | flags (1: bit 0 listening) | interval ms (2) | sequence (8)
 *   cluster id length (1) + ASCII | forwarder id length (1) + UTF-8 | node length (1) + UTF-8
 *   HMAC-SHA256 (32) of the sender's MAC and everything above
 * </pre>
 *
 * VRRPv3's fields (version, priority, advertisement interval) plus what VRRP leaves to IPsec AH:
 * identity and authentication, and a sequence number against replays (AH's job). Signing the source
 * MAC too means a captured advertisement sent from another device fails the check. Frames shorter
 * than Ethernet's 60 bytes are padded; the lengths say where the fields end, so padding is ignored.
 * Decoding checks, in order: shape, cluster id, HMAC, replay; only a genuine advertisement advances
 * the sender's sequence.
 */
public final class AdvertisementCodec {
  /**
   * The EtherType and group MAC the data plane punts to the agent ({@code GFWD_FLEET_ETHERTYPE},
   * {@code gatunfwd.h}), written out here so the codec works without loading the native library.
   */
  public static final int ETHERTYPE = 0x88B5;

  static final byte[] GROUP_MAC = {0x03, 0x00, 0x47, 0x54, 0x4e, 0x00};

  static final int VERSION = 1;
  static final int FLAG_LISTENING = 1;
  static final int HMAC_BYTES = 32;
  private static final int ETH_HEADER = 14;
  private static final int VLAN_TPID = 0x8100;
  private static final int MIN_FRAME = 60;

  private final FleetKey key;
  private final ReplayGuard replays = new ReplayGuard();

  public AdvertisementCodec(FleetKey key) {
    this.key = key;
  }

  /** What decoding made of a frame. */
  public sealed interface Decoded {}

  /**
   * @param mac the sender's port MAC, {@code 02:00:00:00:00:01}
   */
  public record Accepted(Advertisement advertisement, String mac) implements Decoded {}

  public record Rejected(Rejection reason, String detail) implements Decoded {}

  /** The whole frame, from {@code sourceMac} to the fleet's group. */
  public byte[] encode(Advertisement ad, byte[] sourceMac) {
    if (!ad.clusterId().equals(key.clusterId())) {
      throw new IllegalArgumentException(
          "advertisement of cluster " + ad.clusterId() + " signed with " + key);
    }
    byte[] payload = payload(ad);
    byte[] hmac = key.sign(sourceMac, payload);
    ByteBuffer frame =
        ByteBuffer.allocate(Math.max(MIN_FRAME, ETH_HEADER + payload.length + HMAC_BYTES));
    frame.put(GROUP_MAC).put(sourceMac).putShort((short) ETHERTYPE);
    frame.put(payload).put(hmac);
    return frame.array();
  }

  private static byte[] payload(Advertisement ad) {
    byte[] cluster = ad.clusterId().getBytes(StandardCharsets.US_ASCII);
    byte[] id = field("forwarder id", ad.forwarderId());
    byte[] node = field("node", ad.node());
    ByteBuffer b = ByteBuffer.allocate(13 + 3 + cluster.length + id.length + node.length);
    b.put((byte) VERSION)
        .put((byte) ad.priority())
        .put((byte) (ad.listening() ? FLAG_LISTENING : 0))
        .putShort((short) ad.interval().toMillis())
        .putLong(ad.sequence());
    for (byte[] f : new byte[][] {cluster, id, node}) {
      b.put((byte) f.length).put(f);
    }
    return b.array();
  }

  private static byte[] field(String what, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (bytes.length == 0 || bytes.length > 255) {
      throw new IllegalArgumentException(
          "the " + what + " \"" + value + "\" must be 1-255 bytes of UTF-8 to be advertised");
    }
    return bytes;
  }

  /** Checks a received frame; a rejection names its reason for the counters and the log. */
  public Decoded decode(byte[] frame) {
    if (frame.length < ETH_HEADER) {
      return new Rejected(Rejection.MALFORMED, "a " + frame.length + "-byte frame");
    }
    try {
      return decode(ByteBuffer.wrap(frame));
    } catch (BufferUnderflowException e) {
      return new Rejected(
          Rejection.MALFORMED, "a field runs past the " + frame.length + "-byte frame");
    }
  }

  private Decoded decode(ByteBuffer b) {
    b.position(6);
    byte[] source = new byte[6];
    b.get(source);
    int type = Short.toUnsignedInt(b.getShort());
    if (type == VLAN_TPID) {
      b.getShort(); // the tag's TCI: the port's VLAN is the data plane's business
      type = Short.toUnsignedInt(b.getShort());
    }
    if (type != ETHERTYPE) {
      return new Rejected(Rejection.MALFORMED, "EtherType 0x%04x".formatted(type));
    }
    int start = b.position();
    int version = Byte.toUnsignedInt(b.get());
    if (version != VERSION) {
      return new Rejected(Rejection.MALFORMED, "version " + version);
    }
    int priority = Byte.toUnsignedInt(b.get());
    int flags = Byte.toUnsignedInt(b.get());
    int intervalMs = Short.toUnsignedInt(b.getShort());
    long sequence = b.getLong();
    String cluster = new String(string(b), StandardCharsets.US_ASCII);
    String id = new String(string(b), StandardCharsets.UTF_8);
    String node = new String(string(b), StandardCharsets.UTF_8);
    int end = b.position();
    byte[] hmac = new byte[HMAC_BYTES];
    b.get(hmac);
    if (intervalMs == 0 || id.isEmpty()) {
      return new Rejected(Rejection.MALFORMED, "zero interval or empty forwarder id");
    }
    if (!cluster.equals(key.clusterId())) {
      return new Rejected(Rejection.FOREIGN_CLUSTER, "cluster \"" + cluster + "\"");
    }
    byte[] signed = Arrays.copyOfRange(b.array(), start, end);
    if (!MessageDigest.isEqual(hmac, key.sign(source, signed))) {
      return new Rejected(Rejection.BAD_HMAC, "from " + id + " at " + mac(source));
    }
    if (!replays.accept(id, sequence)) {
      return new Rejected(
          Rejection.REPLAY, "sequence " + Long.toUnsignedString(sequence) + " of " + id);
    }
    return new Accepted(
        new Advertisement(
            cluster,
            id,
            node,
            priority,
            sequence,
            Duration.ofMillis(intervalMs),
            (flags & FLAG_LISTENING) != 0),
        mac(source));
  }

  private static byte[] string(ByteBuffer b) {
    byte[] s = new byte[Byte.toUnsignedInt(b.get())];
    b.get(s);
    return s;
  }

  static String mac(byte[] mac) {
    return HexFormat.ofDelimiter(":").formatHex(mac);
  }
}
