package io.gatun.forwarder.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest sequence number each sender used, so a captured advertisement sent again is refused.
 * Kept after a peer falls silent too (a replay must not revive a dead peer); senders start their
 * sequence from the clock, so a restarted peer continues above its old numbers. Bounded: the
 * longest-silent sender is forgotten first.
 */
final class ReplayGuard {
  static final int MAX_SENDERS = 4096;

  private final Map<String, Long> highest =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
          return size() > MAX_SENDERS;
        }
      };

  /** True, remembering it, when {@code sequence} is above every number {@code sender} used. */
  synchronized boolean accept(String sender, long sequence) {
    Long last = highest.get(sender);
    if (last != null && Long.compareUnsigned(sequence, last) <= 0) {
      return false;
    }
    highest.put(sender, sequence);
    return true;
  }
}
