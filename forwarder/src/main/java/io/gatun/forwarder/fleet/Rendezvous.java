package io.gatun.forwarder.fleet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Highest-random-weight (rendezvous) hashing, as MetalLB's L2 mode chooses a speaker: the owner of
 * an address is the candidate whose hash of (forwarder, address) is highest. Every forwarder
 * computes the same answer from the same live set without talking, and when a forwarder leaves or
 * joins only the addresses it owned (or takes) move. SHA-256 truncated to 64 bits, so the weights
 * are the same in every JVM and every version (String.hashCode would be, too, but is weak).
 */
public final class Rendezvous {
  private Rendezvous() {}

  /** The weight of {@code forwarderId} for {@code address} (an address's text, RFC 5952). */
  static long weight(String forwarderId, String address) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(forwarderId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0); // so ("ab", "c") and ("a", "bc") differ
      sha.update(address.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(sha.digest()).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** The candidate that owns {@code address}; ties (never seen in practice) go to the lower id. */
  public static Optional<String> owner(String address, Collection<String> candidates) {
    return candidates.stream()
        .max(
            Comparator.<String, Long>comparing(id -> weight(id, address), Long::compareUnsigned)
                .thenComparing(Comparator.<String>reverseOrder()));
  }
}
