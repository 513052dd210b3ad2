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
   * {@code now}, each in its list's order. Neither list repeats an entry (the agent lists sets),
   * and from one observation to the next they mostly keep their order (the VIPs owned are in text
   * order): what both start and end with is common, found by comparing in place (mostly the same
   * string objects), and only the window between is hashed — for one VIP gained or lost among
   * thousands, a handful.
   */
  private static void compare(
      List<String> before, List<String> now, Consumer<String> added, Consumer<String> removed) {
    int start = 0;
    int shorter = Math.min(before.size(), now.size());
    while (start < shorter && before.get(start).equals(now.get(start))) {
      start++;
    }
    int endBefore = before.size();
    int endNow = now.size();
    while (endBefore > start
        && endNow > start
        && before.get(endBefore - 1).equals(now.get(endNow - 1))) {
      endBefore--;
      endNow--;
    }
    if (endBefore == start) { // only additions (or nothing)
      now.subList(start, endNow).forEach(added);
      return;
    }
    if (endNow == start) { // only removals
      before.subList(start, endBefore).forEach(removed);
      return;
    }
    List<String> was = before.subList(start, endBefore);
    List<String> is = now.subList(start, endNow);
    Set<String> had = new HashSet<>(was);
    Set<String> has = new HashSet<>(is);
    is.stream().filter(v -> !had.contains(v)).forEach(added);
    was.stream().filter(v -> !has.contains(v)).forEach(removed);
  }
}
