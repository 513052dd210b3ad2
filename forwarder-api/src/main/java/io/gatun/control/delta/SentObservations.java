package io.gatun.control.delta;

import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.VipChanges;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The forwarder's memory of what it told one stream's operator about its VIPs, to tell an operator
 * that takes them ({@link ObservationTerms#getTakesChanges()}) only how they changed: each
 * observation is numbered; the first, and any after the operator asked for one, lists every VIP
 * owned and advertised (complete); every later one carries instead the VIPs gained and lost,
 * advertised and withdrawn since the one before ({@code vip_changes}). While thousands of
 * LoadBalancers are created an observation goes out after nearly every snapshot, and each listed
 * them all: its size now follows what changed.
 *
 * <p>One per stream, so a reconnect starts with a complete observation. Not thread-safe: the
 * channel numbers and sends an observation under one lock, so they reach the operator in their
 * order.
 */
public final class SentObservations {
  private boolean takesChanges;
  private long number; // of the last observation sent; 0 before the first
  private long completeNumber; // of the last complete observation sent; 0: none
  private List<String> owned = List.of(); // as the operator holds them after the last one sent
  private List<String> advertised = List.of();

  /** The operator's terms: whether it takes changes, and whether it needs a complete one. */
  public void terms(ObservationTerms terms) {
    takesChanges = terms.getTakesChanges();
    long after = terms.getCompleteWantedAfter();
    if (after > 0 && after >= completeNumber) {
      completeNumber = 0; // the next one is complete
    }
  }

  /**
   * The observation to send for {@code whole} (which lists every VIP owned and advertised): whole
   * and numbered, or numbered with only how the VIPs changed since the one sent before it.
   */
  public Observation next(Observation whole) {
    number++;
    Observation.Builder o = whole.toBuilder().setNumber(number);
    List<String> ownedNow = whole.getVipsOwnedList();
    List<String> advertisedNow = whole.getVipsAdvertisedList();
    if (takesChanges && completeNumber > 0) {
      VipChanges.Builder changes = VipChanges.newBuilder();
      compare(owned, ownedNow, changes::addOwnedGained, changes::addOwnedLost);
      compare(
          advertised, advertisedNow, changes::addAdvertisedAdded, changes::addAdvertisedWithdrawn);
      o.clearVipsOwned().clearVipsAdvertised().setVipChanges(changes);
    } else {
      completeNumber = number;
    }
    owned = ownedNow; // a built message's lists do not change
    advertised = advertisedNow;
    return o.build();
  }

  /** Whether the next observation will be complete. */
  public boolean completeNext() {
    return !takesChanges || completeNumber == 0;
  }

  /**
   * Hands on the entries of {@code now} not in {@code before}, then those of {@code before} not in
   * {@code now}, each in its list's order. Mostly the lists are equal (same strings, mostly the
   * same objects): one pass, no set built.
   */
  private static void compare(
      List<String> before, List<String> now, Consumer<String> added, Consumer<String> removed) {
    if (before.equals(now)) {
      return;
    }
    Set<String> had = new HashSet<>(before);
    Set<String> has = new HashSet<>(now);
    now.stream().filter(v -> !had.contains(v)).forEach(added);
    before.stream().filter(v -> !has.contains(v)).forEach(removed);
  }
}
