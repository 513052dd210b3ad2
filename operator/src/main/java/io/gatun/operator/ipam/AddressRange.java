package io.gatun.operator.ipam;

import java.math.BigInteger;

/** A contiguous, inclusive run of addresses of one family. */
public record AddressRange(IpAddress first, IpAddress last) {

  private static final BigInteger SIZE_256 = BigInteger.valueOf(256);

  public AddressRange {
    if (first.family() != last.family()) {
      throw new IllegalArgumentException(
          first
              + "-"
              + last
              + " mixes IPv4 and IPv6: a range is of one family, so list the IPv4 and the IPv6"
              + " addresses as separate entries");
    }
    if (first.compareTo(last) > 0) {
      throw new IllegalArgumentException(
          first
              + "-"
              + last
              + " ends before it starts: write the lower address first, "
              + last
              + "-"
              + first);
    }
  }

  /**
   * Parses {@code 198.18.0.200/29}, {@code 198.18.0.10-198.18.0.20} or a single address.
   *
   * <p>A CIDR must name its network: {@code 198.18.0.201/29} is refused rather than silently
   * widened, since it usually hides a typo.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static AddressRange parse(String text) {
    int slash = text.indexOf('/');
    if (slash >= 0) {
      return parseCidr(text.substring(0, slash), text.substring(slash + 1), text);
    }
    int dash = text.indexOf('-');
    if (dash >= 0) {
      try {
        return new AddressRange(
            IpAddress.parse(text.substring(0, dash).trim()),
            IpAddress.parse(text.substring(dash + 1).trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("\"" + text + "\": " + e.getMessage());
      }
    }
    var single = IpAddress.parse(text.trim());
    return new AddressRange(single, single);
  }

  private static AddressRange parseCidr(String addressText, String lengthText, String text) {
    var network = IpAddress.parse(addressText.trim());
    int length;
    try {
      length = Integer.parseInt(lengthText.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\" has no valid prefix length: write a number from 0 to "
              + network.family().bits()
              + " after the slash");
    }
    int bits = network.family().bits();
    if (length < 0 || length > bits) {
      throw new IllegalArgumentException(
          "\""
              + text
              + "\": prefix length must be 0-"
              + bits
              + " for "
              + network.family().apiName());
    }
    var hostMask = BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE);
    if (network.value().and(hostMask).signum() != 0) {
      var base = new IpAddress(network.family(), network.value().andNot(hostMask));
      throw new IllegalArgumentException(
          "\"" + text + "\" has host bits set (did you mean " + base + "/" + length + "?)");
    }
    return new AddressRange(network, network.plus(hostMask));
  }

  public IpFamily family() {
    return first.family();
  }

  public BigInteger size() {
    return last.value().subtract(first.value()).add(BigInteger.ONE);
  }

  /** How many of the range's addresses end in .0 or .255 (IPv4 only; none for IPv6). */
  public BigInteger buggyCount() {
    if (family() != IpFamily.IPV4) {
      return BigInteger.ZERO;
    }
    return countResidue(BigInteger.ZERO).add(countResidue(BigInteger.valueOf(255)));
  }

  /** Values v in the range with v mod 256 == residue. */
  private BigInteger countResidue(BigInteger residue) {
    BigInteger upTo = last.value().subtract(residue);
    if (upTo.signum() < 0) {
      return BigInteger.ZERO;
    }
    BigInteger below = first.value().subtract(residue).subtract(BigInteger.ONE);
    BigInteger countBelow =
        below.signum() < 0 ? BigInteger.ZERO : below.divide(SIZE_256).add(BigInteger.ONE);
    return upTo.divide(SIZE_256).add(BigInteger.ONE).subtract(countBelow);
  }

  public boolean contains(IpAddress address) {
    return address.family() == family()
        && first.compareTo(address) <= 0
        && address.compareTo(last) <= 0;
  }

  public boolean overlaps(AddressRange other) {
    return family() == other.family()
        && first.compareTo(other.last) <= 0
        && other.first.compareTo(last) <= 0;
  }

  @Override
  public String toString() {
    return first.equals(last) ? first.toString() : first + "-" + last;
  }
}
