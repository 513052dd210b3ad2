package io.gatun.control;

import io.gatun.control.v1.Family;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address as the control channel carries it: parsed once from what a user wrote,
 * never resolved, and written back in one canonical text (RFC 5952 for IPv6). The operator checks
 * the CRs' addresses with it, and the forwarder reads the snapshots' with it, so both sides refuse
 * the same texts with the same sentences.
 */
public final class Address {

  // Strict dotted quad: no octal-looking leading zeros, no short forms such as "10.1".
  private static final Pattern IPV4 =
      Pattern.compile(
          "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})");

  private static final String WRITE_AN_ADDRESS =
      "write an IPv4 address (four numbers 0 to 255, such as 198.18.0.10) or an IPv6 address"
          + " (such as 2001:db8::10)";

  // A name as DNS spells it: what a backend's host name looks like when written for an address.
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.*[A-Za-z])[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?");

  // "198.18.0.10:8080"; "[2001:db8::10]:8080" is caught by the bracket check.
  private static final Pattern WITH_PORT = Pattern.compile("([0-9.]+):([0-9]+)");

  private final Family family;
  private final byte[] bytes;

  private Address(Family family, byte[] bytes) {
    this.family = family;
    this.bytes = bytes;
  }

  /** The address of these 4 (IPv4) or 16 (IPv6) bytes, in network order. */
  public static Address of(byte[] bytes) {
    return switch (bytes.length) {
      case 4 -> new Address(Family.IPV4, bytes.clone());
      case 16 -> new Address(Family.IPV6, bytes.clone());
      default ->
          throw new IllegalArgumentException(
              "an address has 4 (IPv4) or 16 (IPv6) bytes, not " + bytes.length);
    };
  }

  /**
   * The canonical text of a Java address (dotted quad or RFC 5952), as the operator writes it:
   * {@link InetAddress#getHostAddress()} writes IPv6 uncompressed, which matches nothing.
   */
  public static String text(InetAddress address) {
    return of(address.getAddress()).toString();
  }

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal; never consults DNS.
   *
   * @throws IllegalArgumentException naming the text, saying what to write instead
   */
  public static Address parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty address: " + WRITE_AN_ADDRESS);
    }
    return text.indexOf(':') < 0 ? parseIpv4(text) : parseIpv6(text);
  }

  private static Address parseIpv4(String text) {
    var matcher = IPV4.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(notAnAddress(text));
    }
    byte[] bytes = new byte[4];
    for (int group = 1; group <= 4; group++) {
      int octet = Integer.parseInt(matcher.group(group));
      if (octet > 255) {
        throw new IllegalArgumentException(
            "\""
                + text
                + "\" has an octet above 255 ("
                + octet
                + "): write each of its four numbers as 0 to 255");
      }
      bytes[group - 1] = (byte) octet;
    }
    return new Address(Family.IPV4, bytes);
  }

  private static Address parseIpv6(String text) {
    if (text.indexOf('%') >= 0 || text.indexOf('[') >= 0) {
      String bare = text;
      if (bare.indexOf('[') >= 0 && bare.indexOf(']') > bare.indexOf('[')) {
        bare = bare.substring(bare.indexOf('[') + 1, bare.indexOf(']'));
      }
      bare = bare.indexOf('%') >= 0 ? bare.substring(0, bare.indexOf('%')) : bare;
      throw new IllegalArgumentException(
          "\"" + text + "\": zones and brackets are not allowed: write the bare address, " + bare);
    }
    InetAddress address;
    try {
      address = InetAddress.ofLiteral(text); // a literal only: never a DNS lookup
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(notAnAddress(text));
    }
    if (!(address instanceof Inet6Address)) {
      // ofLiteral turns IPv4-mapped IPv6 (::ffff:a.b.c.d) into IPv4: ambiguous, so refuse it.
      throw new IllegalArgumentException(
          "\"" + text + "\" is an IPv4-mapped IPv6 address; write the IPv4 address instead");
    }
    return new Address(Family.IPV6, address.getAddress());
  }

  /** Why {@code text} is not an address, and what to write instead. */
  private static String notAnAddress(String text) {
    if (HOST_NAME.matcher(text).matches()) {
      return "\""
          + text
          + "\" is a host name, not an address: write the IP address it stands for (names are"
          + " never resolved)";
    }
    var withPort = WITH_PORT.matcher(text);
    if (withPort.matches()) {
      return "\""
          + text
          + "\" has a port: write the address alone ("
          + withPort.group(1)
          + "); a port goes in its own field";
    }
    return "\"" + text + "\" is not an IPv4 or IPv6 address: " + WRITE_AN_ADDRESS;
  }

  /** IPV4 or IPV6, numbered as the data plane's families. */
  public Family family() {
    return family;
  }

  /** Its 4 or 16 bytes, in network order (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  public InetAddress toInetAddress() {
    try {
      return family == Family.IPV4
          ? (Inet4Address) InetAddress.getByAddress(bytes)
          : Inet6Address.getByAddress(null, bytes, (java.net.NetworkInterface) null);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes always make an address", e);
    }
  }

  /** The canonical text: a dotted quad, or RFC 5952 (lower case, the longest zero run as ::). */
  @Override
  public String toString() {
    return family == Family.IPV4 ? ipv4Text() : ipv6Text();
  }

  private String ipv4Text() {
    return (bytes[0] & 0xff)
        + "."
        + (bytes[1] & 0xff)
        + "."
        + (bytes[2] & 0xff)
        + "."
        + (bytes[3] & 0xff);
  }

  private String ipv6Text() {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    var text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Address other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
