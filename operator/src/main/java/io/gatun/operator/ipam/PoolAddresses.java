package io.gatun.operator.ipam;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A Pool's address ranges, parsed and checked: what IPAM allocates from.
 *
 * @param avoidBuggyIps skip IPv4 addresses ending in .0 and .255: they are neither handed out nor
 *     counted, and a request for one is refused as outside the pool
 */
public record PoolAddresses(
    String name, List<AddressRange> ranges, boolean autoAssign, boolean avoidBuggyIps) {

  public PoolAddresses {
    ranges = ranges.stream().sorted(Comparator.comparing(AddressRange::first)).toList();
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i - 1).overlaps(ranges.get(i))) {
        throw new IllegalArgumentException(overlap(ranges.get(i - 1), ranges.get(i)));
      }
    }
  }

  public PoolAddresses(String name, List<AddressRange> ranges, boolean autoAssign) {
    this(name, ranges, autoAssign, false);
  }

  /**
   * Parses a Pool's {@code spec.addresses}.
   *
   * @throws IllegalArgumentException listing every bad entry, not just the first
   */
  public static PoolAddresses parse(
      String name, List<String> texts, boolean autoAssign, boolean avoidBuggyIps) {
    var ranges = new ArrayList<AddressRange>();
    var problems = new ArrayList<String>();
    for (String text : texts) {
      try {
        ranges.add(AddressRange.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (texts.isEmpty()) {
      problems.add("no addresses: list at least one CIDR, first-last range or single address");
    }
    var sorted = ranges.stream().sorted(Comparator.comparing(AddressRange::first)).toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).overlaps(sorted.get(i))) {
        problems.add(overlap(sorted.get(i - 1), sorted.get(i)));
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new PoolAddresses(name, ranges, autoAssign, avoidBuggyIps);
  }

  /** Two ranges of one pool overlap (the first starts no later): say how to write them as one. */
  private static String overlap(AddressRange earlier, AddressRange later) {
    var last = earlier.last().compareTo(later.last()) >= 0 ? earlier.last() : later.last();
    return "ranges "
        + earlier
        + " and "
        + later
        + " overlap: list each address once, e.g. the two as one range "
        + new AddressRange(earlier.first(), last);
  }

  public static PoolAddresses parse(String name, List<String> texts, boolean autoAssign) {
    return parse(name, texts, autoAssign, false);
  }

  /** Whether the pool may hand out {@code address}. */
  public boolean contains(IpAddress address) {
    return (!avoidBuggyIps || !address.isBuggy())
        && ranges.stream().anyMatch(range -> range.contains(address));
  }

  public boolean hasFamily(IpFamily family) {
    return ranges.stream().anyMatch(range -> range.family() == family);
  }

  /**
   * How many addresses of a family the pool can hand out (zero when it has none of that family).
   */
  public BigInteger capacity(IpFamily family) {
    return ranges.stream()
        .filter(range -> range.family() == family)
        .map(range -> avoidBuggyIps ? range.size().subtract(range.buggyCount()) : range.size())
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  /** The first pair of overlapping ranges between this pool and {@code other}, as text. */
  public Optional<String> overlapWith(PoolAddresses other) {
    for (AddressRange mine : ranges) {
      for (AddressRange theirs : other.ranges) {
        if (mine.overlaps(theirs)) {
          return Optional.of(mine + " overlaps " + theirs);
        }
      }
    }
    return Optional.empty();
  }
}
