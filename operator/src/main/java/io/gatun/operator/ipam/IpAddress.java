package io.gatun.operator.ipam;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address as an unsigned integer, so ranges, counting and "next" work the same in
 * both families. {@link #toString()} gives the canonical text (RFC 5952 for IPv6).
 */
public record IpAddress(IpFamily family, BigInteger value) implements Comparable<IpAddress> {

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

  // "198.18.0.10:8080" or "[2001:db8::10]:8080" is caught by the bracket check above.
  private static final Pattern WITH_PORT = Pattern.compile("([0-9.]+):([0-9]+)");

  public IpAddress {
    if (value.signum() < 0 || value.compareTo(family.max()) > 0) {
      throw new IllegalArgumentException(value + " is outside the " + family.apiName() + " space");
    }
  }

  /**
   * Parses an IPv4 dotted quad or an IPv6 literal; never consults DNS.
   *
   * @throws IllegalArgumentException naming the text when it is not an address
   */
  public static IpAddress parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("empty address: " + WRITE_AN_ADDRESS);
    }
    if (text.indexOf(':') < 0) {
      return parseIpv4(text);
    }
    return parseIpv6(text);
  }

  private static IpAddress parseIpv4(String text) {
    var matcher = IPV4.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(notAnAddress(text));
    }
    long value = 0;
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
      value = (value << 8) | octet;
    }
    return new IpAddress(IpFamily.IPV4, BigInteger.valueOf(value));
  }

  private static IpAddress parseIpv6(String text) {
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
    return new IpAddress(IpFamily.IPV6, new BigInteger(1, address.getAddress()));
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

  /** The address {@code offset} places further on. */
  public IpAddress plus(BigInteger offset) {
    return new IpAddress(family, value.add(offset));
  }

  public IpAddress next() {
    return plus(BigInteger.ONE);
  }

  /**
   * An IPv4 address ending in .0 or .255: some CPE firmware drops traffic to them as broadcast
   * (what MetalLB's avoidBuggyIPs skips).
   */
  public boolean isBuggy() {
    if (family != IpFamily.IPV4) {
      return false;
    }
    int low = value.intValue() & 0xff;
    return low == 0 || low == 255;
  }

  public boolean isLast() {
    return value.equals(family.max());
  }

  @Override
  public int compareTo(IpAddress other) {
    int byFamily = family.compareTo(other.family);
    return byFamily != 0 ? byFamily : value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return family == IpFamily.IPV4 ? ipv4Text() : ipv6Text();
  }

  private String ipv4Text() {
    long v = value.longValueExact();
    return ((v >> 24) & 0xff)
        + "."
        + ((v >> 16) & 0xff)
        + "."
        + ((v >> 8) & 0xff)
        + "."
        + (v & 0xff);
  }

  /** RFC 5952: lower case, no leading zeros, the longest run (2+) of zero groups as "::". */
  private String ipv6Text() {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
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
}
