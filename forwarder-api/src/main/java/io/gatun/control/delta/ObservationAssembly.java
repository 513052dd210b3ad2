package io.gatun.control.delta;

import io.gatun.control.v1.Observation;
import io.gatun.control.v1.VipChanges;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The operator's side of {@link SentObservations}: the VIPs one forwarder owns and advertises, as
 * its observations on one stream say, whether they list them all (complete) or say how they changed
 * since the observation before. Changes whose observation does not follow the last one taken (a
 * gap), or come before any complete one, change nothing: the operator keeps what it knew and asks
 * for a complete observation, and refuses changes until one arrives.
 *
 * <p>Either way it tells what an observation changed, so the operator's work per observation
 * follows the VIPs that changed when changes arrive (a complete observation still costs a pass over
 * its lists). One per stream. Not thread-safe.
 */
public final class ObservationAssembly {

  /** What one observation changed; each list in the order the observation gave it. */
  public record VipChange(
      List<String> ownedGained,
      List<String> ownedLost,
      List<String> advertisedAdded,
      List<String> advertisedWithdrawn) {

    public static final VipChange NONE = new VipChange(List.of(), List.of(), List.of(), List.of());

    public boolean isEmpty() {
      return ownedGained.isEmpty()
          && ownedLost.isEmpty()
          && advertisedAdded.isEmpty()
          && advertisedWithdrawn.isEmpty();
    }
  }

  private final Set<String> owned = new LinkedHashSet<>();
  private final Set<String> advertised = new LinkedHashSet<>();
  private long number = -1; // of the last observation taken; -1: changes cannot build on anything

  /**
   * Takes {@code observation} in: what it changed, or empty when it carries changes this assembly
   * cannot build on (then nothing changes, and the forwarder should be asked for a complete one).
   */
  public Optional<VipChange> take(Observation observation) {
    if (!observation.hasVipChanges()) {
      number = observation.getNumber();
      List<String> gained = apply(observation.getVipsOwnedList(), owned::add);
      List<String> lost = unlisted(owned, observation.getVipsOwnedList());
      List<String> added = apply(observation.getVipsAdvertisedList(), advertised::add);
      List<String> withdrawn = unlisted(advertised, observation.getVipsAdvertisedList());
      return Optional.of(new VipChange(gained, lost, added, withdrawn));
    }
    if (number < 0 || observation.getNumber() != number + 1) {
      number = -1;
      return Optional.empty();
    }
    number = observation.getNumber();
    VipChanges changes = observation.getVipChanges();
    return Optional.of(
        new VipChange(
            apply(changes.getOwnedGainedList(), owned::add),
            apply(changes.getOwnedLostList(), owned::remove),
            apply(changes.getAdvertisedAddedList(), advertised::add),
            apply(changes.getAdvertisedWithdrawnList(), advertised::remove)));
  }

  /**
   * Removes from {@code set} what {@code listed} (already added to it) does not list, and returns
   * that. A complete observation lists each VIP once (the agent lists a set), so a set no larger
   * than the list lost nothing: most complete observations need no second set.
   */
  private static List<String> unlisted(Set<String> set, List<String> listed) {
    if (set.size() == listed.size()) {
      return List.of();
    }
    Set<String> keep = new HashSet<>(listed);
    List<String> lost = set.stream().filter(v -> !keep.contains(v)).toList();
    lost.forEach(set::remove);
    return lost;
  }

  /** The entries for which {@code change} changed the set (a repeat or a stale removal did not). */
  private static List<String> apply(List<String> entries, Predicate<String> change) {
    if (entries.isEmpty()) {
      return List.of();
    }
    List<String> changed = new ArrayList<>();
    for (String entry : entries) {
      if (change.test(entry)) {
        changed.add(entry);
      }
    }
    return changed;
  }

  /** The VIPs the forwarder owns, as far as this assembly knows (a live view). */
  public Set<String> owned() {
    return Collections.unmodifiableSet(owned);
  }

  /** The VIP prefixes the forwarder advertises, as far as this assembly knows (a live view). */
  public Set<String> advertised() {
    return Collections.unmodifiableSet(advertised);
  }

  /** The number of the last observation taken; -1 while changes cannot be taken (a gap). */
  public long number() {
    return number;
  }
}
