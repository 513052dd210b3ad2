package io.gatun.operator.ipam;

import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of addresses of one family kept as merged runs, so that "lowest free address of a range"
 * and "how many of a range are taken" cost a logarithm, not a scan, however full a pool is.
 */
final class AddressSet {

  private final TreeMap<BigInteger, BigInteger> runs = new TreeMap<>(); // first -> last, inclusive

  boolean contains(BigInteger value) {
    Map.Entry<BigInteger, BigInteger> run = runs.floorEntry(value);
    return run != null && run.getValue().compareTo(value) >= 0;
  }

  void add(BigInteger value) {
    if (contains(value)) {
      return;
    }
    BigInteger first = value;
    BigInteger last = value;
    Map.Entry<BigInteger, BigInteger> before = runs.floorEntry(value);
    if (before != null && before.getValue().add(BigInteger.ONE).equals(value)) {
      first = before.getKey();
      runs.remove(first);
    }
    BigInteger next = value.add(BigInteger.ONE);
    BigInteger after = runs.get(next);
    if (after != null) {
      last = after;
      runs.remove(next);
    }
    runs.put(first, last);
  }

  void remove(BigInteger value) {
    Map.Entry<BigInteger, BigInteger> run = runs.floorEntry(value);
    if (run == null || run.getValue().compareTo(value) < 0) {
      return;
    }
    runs.remove(run.getKey());
    if (run.getKey().compareTo(value) < 0) {
      runs.put(run.getKey(), value.subtract(BigInteger.ONE));
    }
    if (run.getValue().compareTo(value) > 0) {
      runs.put(value.add(BigInteger.ONE), run.getValue());
    }
  }

  /** The lowest value at or after {@code from} that is not in the set. */
  BigInteger firstAbsentFrom(BigInteger from) {
    Map.Entry<BigInteger, BigInteger> run = runs.floorEntry(from);
    return run != null && run.getValue().compareTo(from) >= 0
        ? run.getValue().add(BigInteger.ONE)
        : from;
  }

  /** How many values of {@code [first, last]} are in the set. */
  BigInteger countIn(BigInteger first, BigInteger last) {
    BigInteger count = BigInteger.ZERO;
    BigInteger start = runs.floorKey(first);
    for (var run : runs.subMap(start == null ? first : start, true, last, true).entrySet()) {
      BigInteger from = run.getKey().max(first);
      BigInteger to = run.getValue().min(last);
      if (from.compareTo(to) <= 0) {
        count = count.add(to.subtract(from).add(BigInteger.ONE));
      }
    }
    return count;
  }

  boolean isEmpty() {
    return runs.isEmpty();
  }
}
