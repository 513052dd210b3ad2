package io.gatun.fwd;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Crafts and reads Ethernet frames in tests: ARP, IPv4 with TCP or UDP, checksums computed from
 * scratch so they never share code with the data plane's incremental updates.
 */
public final class Frames {
  private Frames() {}

  public static final int ETH = 14;
  public static final int TCP_SYN = 0x02;
  public static final int TCP_ACK = 0x10;
  public static final byte[] BROADCAST = mac("ff:ff:ff:ff:ff:ff");

  public static byte[] mac(String text) {
    String[] parts = text.split(":");
    byte[] mac = new byte[6];
    for (int i = 0; i < 6; i++) {
      mac[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return mac;
  }

  public static byte[] ip(String dotted) {
    return java.net.InetAddress.ofLiteral(dotted).getAddress();
  }

  public static byte[] arp(
      int op, byte[] dstMac, byte[] senderMac, String senderIp, byte[] targetMac, String targetIp) {
    ByteBuffer b = ByteBuffer.allocate(ETH + 28);
    b.put(dstMac).put(senderMac).putShort((short) 0x0806);
    b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) op);
    b.put(senderMac).put(ip(senderIp)).put(targetMac).put(ip(targetIp));
    return b.array();
  }

  /** A frame of the fleet's EtherType with {@code payload} after the Ethernet header. */
  public static byte[] fleet(byte[] dstMac, byte[] srcMac, String payload) {
    byte[] text = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(ETH + text.length);
    b.put(dstMac).put(srcMac).putShort((short) DataPlane.FLEET_ETHERTYPE).put(text);
    return b.array();
  }

  public static byte[] tcp(
      byte[] dstMac,
      byte[] srcMac,
      String src,
      int sport,
      String dst,
      int dport,
      int flags,
      String payload) {
    byte[] data = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ByteBuffer l4 = ByteBuffer.allocate(20 + data.length);
    l4.putShort((short) sport)
        .putShort((short) dport)
        .putInt(1000)
        .putInt((flags & TCP_ACK) != 0 ? 2000 : 0);
    l4.put((byte) 0x50)
        .put((byte) flags)
        .putShort((short) 65535)
        .putShort((short) 0)
        .putShort((short) 0)
        .put(data);
    return ipv4(dstMac, srcMac, src, dst, 6, l4.array(), 16);
  }

  public static byte[] udp(
      byte[] dstMac, byte[] srcMac, String src, int sport, String dst, int dport, String payload) {
    byte[] data = payload.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    ByteBuffer l4 = ByteBuffer.allocate(8 + data.length);
    l4.putShort((short) sport)
        .putShort((short) dport)
        .putShort((short) (8 + data.length))
        .putShort((short) 0)
        .put(data);
    return ipv4(dstMac, srcMac, src, dst, 17, l4.array(), 6);
  }

  private static byte[] ipv4(
      byte[] dstMac, byte[] srcMac, String src, String dst, int proto, byte[] l4, int csumAt) {
    ByteBuffer ip = ByteBuffer.allocate(20);
    ip.put((byte) 0x45)
        .put((byte) 0)
        .putShort((short) (20 + l4.length))
        .putShort((short) 1)
        .putShort((short) 0x4000);
    ip.put((byte) 64).put((byte) proto).putShort((short) 0).put(ip(src)).put(ip(dst));
    byte[] hdr = ip.array();
    putShort(hdr, 10, ~sum(hdr, 0, 20, 0));
    int pseudo = pseudoSum(hdr, proto, l4.length);
    int c = ~sum(l4, 0, l4.length, pseudo) & 0xffff;
    putShort(l4, csumAt, proto == 17 && c == 0 ? 0xffff : c);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(dstMac);
    out.writeBytes(srcMac);
    out.write(0x08);
    out.write(0x00);
    out.writeBytes(hdr);
    out.writeBytes(l4);
    return out.toByteArray();
  }

  public static byte[] tcp6(
      byte[] dstMac, byte[] srcMac, String src, int sport, String dst, int dport, int flags) {
    ByteBuffer l4 = ByteBuffer.allocate(20);
    l4.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(0);
    l4.put((byte) 0x50)
        .put((byte) flags)
        .putShort((short) 65535)
        .putShort((short) 0)
        .putShort((short) 0);
    byte[] seg = l4.array();
    ByteBuffer ip = ByteBuffer.allocate(40);
    ip.putInt(0x60000000)
        .putShort((short) seg.length)
        .put((byte) 6)
        .put((byte) 64)
        .put(ip(src))
        .put(ip(dst));
    byte[] hdr = ip.array();
    int pseudo = sum(hdr, 8, 32, 0) + 6 + seg.length;
    putShort(seg, 16, ~sum(seg, 0, seg.length, pseudo) & 0xffff);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(dstMac);
    out.writeBytes(srcMac);
    out.write(0x86);
    out.write(0xdd);
    out.writeBytes(hdr);
    out.writeBytes(seg);
    return out.toByteArray();
  }

  public static java.net.InetAddress src6(byte[] f) {
    return address(slice(f, ETH + 8, 16));
  }

  public static java.net.InetAddress dst6(byte[] f) {
    return address(slice(f, ETH + 24, 16));
  }

  private static java.net.InetAddress address(byte[] bytes) {
    try {
      return java.net.InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** TCP/UDP checksum of an IPv6 frame without extension headers. */
  public static boolean checksumsValid6(byte[] f) {
    int l4len = u16(f, ETH + 4);
    int pseudo = sum(f, ETH + 8, 32, 0) + (f[ETH + 6] & 0xff) + l4len;
    return (sum(f, ETH + 40, l4len, pseudo) & 0xffff) == 0xffff;
  }

  // ------------------------------------------------------------------ reading

  public static int etherType(byte[] f) {
    return u16(f, 12);
  }

  public static int arpOp(byte[] f) {
    return u16(f, ETH + 6);
  }

  public static String arpSenderIp(byte[] f) {
    return dotted(f, ETH + 14);
  }

  public static String arpTargetIp(byte[] f) {
    return dotted(f, ETH + 24);
  }

  public static byte[] slice(byte[] f, int from, int len) {
    return java.util.Arrays.copyOfRange(f, from, from + len);
  }

  public static String srcIp(byte[] f) {
    return dotted(f, ETH + 12);
  }

  public static String dstIp(byte[] f) {
    return dotted(f, ETH + 16);
  }

  public static int srcPort(byte[] f) {
    return u16(f, ETH + 20);
  }

  public static int dstPort(byte[] f) {
    return u16(f, ETH + 22);
  }

  public static int protocol(byte[] f) {
    return f[ETH + 9] & 0xff;
  }

  /** True when the IPv4 header and TCP/UDP checksums verify as a receiving host checks them. */
  public static boolean checksumsValid(byte[] f) {
    if ((sum(f, ETH, 20, 0) & 0xffff) != 0xffff) {
      return false;
    }
    int total = u16(f, ETH + 2);
    int l4len = total - 20;
    int proto = protocol(f);
    if (proto == 17 && u16(f, ETH + 20 + 6) == 0) {
      return true;
    }
    int pseudo = pseudoSum(slice(f, ETH, 20), proto, l4len);
    return (sum(f, ETH + 20, l4len, pseudo) & 0xffff) == 0xffff;
  }

  private static int pseudoSum(byte[] ipHeader, int proto, int l4len) {
    return sum(ipHeader, 12, 8, 0) + proto + l4len;
  }

  private static int sum(byte[] b, int off, int len, int start) {
    long s = start;
    for (int i = 0; i < len - 1; i += 2) {
      s += u16(b, off + i);
    }
    if ((len & 1) != 0) {
      s += (b[off + len - 1] & 0xff) << 8;
    }
    while ((s >> 16) != 0) {
      s = (s & 0xffff) + (s >> 16);
    }
    return (int) s;
  }

  private static int u16(byte[] b, int off) {
    return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
  }

  private static void putShort(byte[] b, int off, int v) {
    b[off] = (byte) (v >> 8);
    b[off + 1] = (byte) v;
  }

  private static String dotted(byte[] b, int off) {
    return (b[off] & 0xff)
        + "."
        + (b[off + 1] & 0xff)
        + "."
        + (b[off + 2] & 0xff)
        + "."
        + (b[off + 3] & 0xff);
  }
}
