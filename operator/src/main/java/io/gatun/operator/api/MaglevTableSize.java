package io.gatun.operator.api;

import java.util.List;

/**
 * The Maglev table size a LoadBalancer's services get when {@code spec.maglevTableSize} is not set,
 * resolved here once and sent to every forwarder (forwarders refuse a size of 0).
 *
 * <p>The size follows the backends: the smallest prime of a fixed ladder that gives each backend at
 * least {@value #ENTRIES_PER_BACKEND} entries, the top rung beyond that. A table is rebuilt
 * whenever its service changes, so a 3-backend service building 65,537 entries spent 99 % of that
 * on resolution it does not need; 100 entries per backend keeps Maglev's balance (each backend
 * within about 1 % of its share) and its disruption figure (at most 3.4 % of entries move when 1 %
 * of 1,000 backends leave, which the top rung holds). A fixed ladder, rather than the next prime
 * after 100 × backends, keeps the size (and so every flow's backend) unchanged while the backend
 * count moves within a rung: a rung changes only when the count doubles or halves.
 */
public final class MaglevTableSize {
  private MaglevTableSize() {}

  /** Primes just below the powers of two from 256 to 32,768, and 65,537. */
  public static final List<Integer> LADDER =
      List.of(251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65537);

  public static final int ENTRIES_PER_BACKEND = 100;

  /** The default for a service with {@code backends} backends (0 or more). */
  public static int forBackends(int backends) {
    long wanted = (long) ENTRIES_PER_BACKEND * Math.max(backends, 1);
    for (int size : LADDER) {
      if (size >= wanted) {
        return size;
      }
    }
    return LADDER.getLast();
  }
}
