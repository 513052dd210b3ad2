package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.VipAnnouncement;
import io.gatun.operator.control.ConflictNews;
import io.gatun.operator.control.CurrentConflict;
import io.gatun.operator.control.VipAnnouncer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Who answers for a LoadBalancer's VIPs on the network, as its forwarders report it, and the
 * Announced condition that follows:
 *
 * <ul>
 *   <li>True, reason Announced: every VIP has a forwarder answering for it, named with its node;
 *   <li>False, reason AddressConflict: another MAC answered for one of them lately (naming the MAC,
 *       and the forwarder it belongs to when it is one of the fleet);
 *   <li>False, reason NotAnnounced: a VIP nobody answers for (no eligible forwarder alive).
 * </ul>
 *
 * @param vips the LoadBalancer's addresses, as text
 * @param byFleet whether the forwarders elect an owner to announce them (an L2 Pool's fleet share)
 */
record Announcing(
    List<String> vips,
    List<VipAnnouncer> announcers,
    List<CurrentConflict> conflicts,
    boolean byFleet) {

  static final String ANNOUNCED = "Announced";
  static final String NOT_ANNOUNCED = "NotAnnounced";
  static final String ADDRESS_CONFLICT = "AddressConflict";

  static final Announcing NONE = new Announcing(List.of(), List.of(), List.of());

  Announcing {
    vips = List.copyOf(vips);
    announcers = List.copyOf(announcers);
    conflicts = List.copyOf(conflicts);
  }

  /** Reports on VIPs no fleet elects an owner for (BGP, or none announced). */
  Announcing(List<String> vips, List<VipAnnouncer> announcers, List<CurrentConflict> conflicts) {
    this(vips, announcers, conflicts, false);
  }

  /** The same reports about {@code addresses}. */
  Announcing about(List<String> addresses) {
    return new Announcing(addresses, announcers, conflicts, byFleet);
  }

  /**
   * Whether an owner's report is still to come: the fleet elects one for each VIP and none has said
   * so yet (a forwarder in a fleet claims a VIP on its next turn, after acknowledging the snapshot
   * that brought it).
   */
  boolean ownerAwaited() {
    return byFleet && !vips.isEmpty() && reason().equals(NOT_ANNOUNCED);
  }

  /** The forwarders answering for any of the VIPs, by name (status.announcedBy). */
  List<String> forwarders() {
    return announcers.stream().map(VipAnnouncer::forwarder).distinct().sorted().toList();
  }

  List<VipAnnouncement> status() {
    return announcers.stream()
        .map(
            a ->
                new VipAnnouncement(
                    a.address(),
                    a.forwarder(),
                    a.node(),
                    a.since().truncatedTo(ChronoUnit.SECONDS).toString()))
        .toList();
  }

  /** The condition's reason. */
  String reason() {
    if (!conflicts.isEmpty()) {
      return ADDRESS_CONFLICT;
    }
    return unanswered().isEmpty() ? ANNOUNCED : NOT_ANNOUNCED;
  }

  String message() {
    return switch (reason()) {
      case ADDRESS_CONFLICT ->
          conflicts.stream().map(c -> c.news().message()).collect(Collectors.joining("; "));
      case NOT_ANNOUNCED ->
          "no forwarder answers for "
              + String.join(", ", unanswered())
              + ": none of the forwarders the Pool's announcement allows (nodeSelector,"
              + " interfaces; with externalTrafficPolicy Local, nodes with a ready endpoint) is"
              + " alive and serving it"
              + (announcers.isEmpty() ? "" : "; " + answered())
              + ": check the forwarders (kubectl get forwarders) and the Pool";
      default -> answered();
    };
  }

  /** "198.18.0.10 by fwd-a on node-a; 2001:2::10 by fwd-b on node-b". */
  private String answered() {
    return vips.stream()
        .filter(vip -> announcers.stream().anyMatch(a -> a.address().equals(vip)))
        .map(
            vip ->
                vip
                    + " by "
                    + announcers.stream()
                        .filter(a -> a.address().equals(vip))
                        .map(a -> a.forwarder() + " on " + a.node())
                        .collect(Collectors.joining(" and ")))
        .collect(Collectors.joining("; "));
  }

  private List<String> unanswered() {
    return vips.stream()
        .filter(vip -> announcers.stream().noneMatch(a -> a.address().equals(vip)))
        .toList();
  }

  /** When the last conflict counts as over unless seen again: the status must say so then. */
  Optional<Duration> conflictsEndIn(Instant now) {
    return conflicts.stream()
        .map(c -> Duration.between(now, c.until()))
        .filter(Duration::isPositive)
        .max(Duration::compareTo)
        .map(d -> d.plusMillis(100));
  }

  /** The conflicts' news, for tests and events. */
  List<ConflictNews> conflictNews() {
    return conflicts.stream().map(CurrentConflict::news).toList();
  }
}
