package io.gatun.operator.ipam;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A Pool's address ranges, parsed and checked: what IPAM allocates from. */
public record PoolAddresses(String name, List<AddressRange> ranges, boolean autoAssign) {

  public PoolAddresses {
    ranges = ranges.stream().sorted(Comparator.comparing(AddressRange::first)).toList();
    for (int i = 1; i < ranges.size(); i++) {
      if (ranges.get(i - 1).overlaps(ranges.get(i))) {
        throw new IllegalArgumentException(
            "ranges " + ranges.get(i - 1) + " and " + ranges.get(i) + " overlap");
      }
    }
  }

  /**
   * Parses a Pool's {@code spec.addresses}.
   *
   * @throws IllegalArgumentException listing every bad entry, not just the first
   */
  public static PoolAddresses parse(String name, List<String> texts, boolean autoAssign) {
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
      problems.add("no addresses");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new PoolAddresses(name, ranges, autoAssign);
  }

  public boolean contains(IpAddress address) {
    return ranges.stream().anyMatch(range -> range.contains(address));
  }

  /** How many addresses of a family the pool has (zero when it has none of that family). */
  public BigInteger capacity(IpFamily family) {
    return ranges.stream()
        .filter(range -> range.family() == family)
        .map(AddressRange::size)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }
}
