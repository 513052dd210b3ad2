package io.gatun.operator.control;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How far the forwarders have got with one snapshot version (the one carrying a LoadBalancer's
 * current configuration).
 */
public record Programming(long snapshotVersion, State state, List<ForwarderProgress> forwarders) {

  public enum State {
    /** No forwarder is connected: nothing can run the configuration. */
    NO_FORWARDERS,
    /** Some connected forwarder has not yet acknowledged the snapshot version. */
    PENDING,
    /** A connected forwarder rejected a snapshot carrying the configuration. */
    FAILED,
    /**
     * A connected forwarder runs the snapshot version but refused some of the configuration's
     * services (every other service of the snapshot runs).
     */
    REFUSED,
    /** A connected forwarder lacks a capability the configuration needs. */
    UNSUPPORTED,
    /** Every connected forwarder runs the snapshot version or a later one. */
    PROGRAMMED
  }

  /**
   * One forwarder's position relative to the snapshot version: the last snapshot version it
   * applied, and an {@code error} when it rejected the configuration, refused some of its services
   * ("key: why", several joined by "; ", with {@code refused} set) or lacks a capability for it.
   */
  public record ForwarderProgress(
      String name, boolean programmed, long applied, String error, boolean refused) {

    /** A position without refusals: programmed, pending, rejected or lacking a capability. */
    public ForwarderProgress(String name, boolean programmed, long applied, String error) {
      this(name, programmed, applied, error, false);
    }
  }

  public Programming {
    forwarders = List.copyOf(forwarders);
  }

  public String names(boolean programmed) {
    return forwarders.stream()
        .filter(f -> f.programmed() == programmed)
        .map(ForwarderProgress::name)
        .collect(Collectors.joining(", "));
  }
}
