package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.delta.ObservationAssembly;
import io.gatun.control.v1.AddressConflict;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.VipMove;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnouncementBookTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T = NOW.toEpochMilli();

  private final AnnouncementBook book = new AnnouncementBook();
  // Each forwarder's connection, as the fleet assembles its observations.
  private final Map<String, ObservationAssembly> connections = new HashMap<>();

  @Test
  void aMoveReportedByBothSidesIsToldOnceWithTheLoserNamed() {
    join("fwd-a", "fwd-b");
    record("fwd-a", owning("198.18.0.10"), NOW);
    record("fwd-b", owning(), NOW);

    // fwd-a leaves: it reports the loss first, fwd-b the gain after.
    var loss =
        record(
            "fwd-a",
            building().addVipMoves(move("198.18.0.10", false, "leaving", T + 5)).build(),
            NOW);
    assertThat(loss.moves()).isEmpty();
    assertThat(loss.addresses()).containsExactly("198.18.0.10");
    var gain =
        record(
            "fwd-b",
            building("198.18.0.10")
                .addVipMoves(move("198.18.0.10", true, "peer fwd-a left", T + 7))
                .build(),
            NOW);
    assertThat(gain.moves())
        .extracting(VipMoveNews::message)
        .containsExactly(
            "198.18.0.10 moved from fwd-a (node-fwd-a) to fwd-b (node-fwd-b): peer fwd-a left"
                + " (fwd-a: leaving)");

    // Both resend their moves in later observations: nothing new.
    assertThat(
            record(
                    "fwd-b",
                    building("198.18.0.10")
                        .addVipMoves(move("198.18.0.10", true, "peer fwd-a left", T + 7))
                        .build(),
                    NOW)
                .moves())
        .isEmpty();
    assertThat(book.announcers(List.of("198.18.0.10")))
        .containsExactly(
            new VipAnnouncer("198.18.0.10", "fwd-b", "node-fwd-b", Instant.ofEpochMilli(T + 7)));
  }

  @Test
  void aGainHeardBeforeTheLossNamesTheLastKnownOwnerAndTheLateLossIsNotAnotherMove() {
    join("fwd-a", "fwd-b");
    record("fwd-a", owning("198.18.0.10"), NOW);
    record("fwd-b", owning(), NOW);

    var gain =
        record(
            "fwd-b",
            building("198.18.0.10")
                .addVipMoves(move("198.18.0.10", true, "peer fwd-a gone", T))
                .build(),
            NOW);
    assertThat(gain.moves())
        .extracting(m -> m.from() + ">" + m.to() + ": " + m.why())
        .containsExactly("fwd-a>fwd-b: peer fwd-a gone");
    var lateLoss =
        record(
            "fwd-a",
            building().addVipMoves(move("198.18.0.10", false, "port down", T)).build(),
            NOW);
    assertThat(lateLoss.moves()).isEmpty();

    // A later gain by a third forwarder is not paired with that stale loss.
    join("fwd-c");
    record("fwd-c", owning(), NOW);
    var third =
        record(
            "fwd-c",
            building("198.18.0.10")
                .addVipMoves(move("198.18.0.10", true, "peer fwd-b gone", T + 2))
                .build(),
            NOW);
    assertThat(third.moves()).extracting(VipMoveNews::from).containsExactly("fwd-b");
  }

  @Test
  void theFirstObservationAfterAConnectIsABaseline() {
    join("fwd-a");
    var first =
        record(
            "fwd-a",
            building("198.18.0.10")
                .addVipMoves(move("198.18.0.10", true, "listened for peers", T - 60_000))
                .addAddressConflicts(conflict("198.18.0.10", "02:00:00:00:00:99", 4, T - 60_000))
                .build(),
            NOW);
    assertThat(first.moves()).isEmpty();
    assertThat(first.conflicts()).isEmpty();
    assertThat(book.announcers(List.of("198.18.0.10")).getFirst().since())
        .isEqualTo(Instant.ofEpochMilli(T - 60_000));
    // Seen a minute ago: over already.
    assertThat(book.conflicts(List.of("198.18.0.10"), NOW)).isEmpty();
  }

  @Test
  void aConflictIsNewsWhenItsCountGrowsAndCurrentForAWindow() {
    join("fwd-a");
    record("fwd-a", owning("198.18.0.10"), NOW);
    var c1 = conflict("198.18.0.10", "02:00:00:00:00:99", 1, T);
    var first = record("fwd-a", building("198.18.0.10").addAddressConflicts(c1).build(), NOW);
    assertThat(first.conflicts())
        .extracting(ConflictNews::message)
        .containsExactly(
            "198.18.0.10: MAC 02:00:00:00:00:99 answers for it too (no forwarder of this fleet),"
                + " seen by fwd-a (node-fwd-a) via ARP 1 time: find the device using this address"
                + " and remove the address from it, or take the address out of the Pool");
    var again =
        record(
            "fwd-a", building("198.18.0.10").addAddressConflicts(c1).build(), NOW.plusSeconds(1));
    assertThat(again.conflicts()).isEmpty();
    assertThat(book.conflicts(List.of("198.18.0.10"), NOW.plusSeconds(29))).hasSize(1);
    assertThat(book.conflicts(List.of("198.18.0.10"), NOW.plusSeconds(31))).isEmpty();
    assertThat(book.conflicts(List.of("198.18.0.11"), NOW)).isEmpty();
  }

  @Test
  void aForwarderThatLeavesTakesItsAnnouncementsAlong() {
    join("fwd-a");
    record("fwd-a", owning("198.18.0.10", "198.18.0.11"), NOW);
    assertThat(book.forget("fwd-a")).containsExactlyInAnyOrder("198.18.0.10", "198.18.0.11");
    assertThat(book.announcers(List.of("198.18.0.10"))).isEmpty();
  }

  @Test
  void eachReportChangesTheAddressesGainedAndLostOnly() {
    join("fwd-a");
    record("fwd-a", owning("198.18.0.10", "198.18.0.11"), NOW);

    // the same again: nothing changed
    assertThat(record("fwd-a", owning("198.18.0.11", "198.18.0.10"), NOW).addresses()).isEmpty();
    // one more
    assertThat(
            record("fwd-a", owning("198.18.0.10", "198.18.0.11", "198.18.0.12"), NOW).addresses())
        .containsExactly("198.18.0.12");
    // as many as before, one lost and one gained
    assertThat(
            record("fwd-a", owning("198.18.0.10", "198.18.0.12", "198.18.0.13"), NOW).addresses())
        .containsExactly("198.18.0.11", "198.18.0.13");
    // one lost
    assertThat(record("fwd-a", owning("198.18.0.10", "198.18.0.13"), NOW).addresses())
        .containsExactly("198.18.0.12");
    // a repeated address is one address
    assertThat(
            record("fwd-a", owning("198.18.0.10", "198.18.0.10", "198.18.0.13"), NOW).addresses())
        .isEmpty();
    assertThat(book.announcers(List.of("198.18.0.10", "198.18.0.11", "198.18.0.13")))
        .extracting(VipAnnouncer::address)
        .containsExactly("198.18.0.10", "198.18.0.13");
    assertThat(book.forget("fwd-a")).containsExactlyInAnyOrder("198.18.0.10", "198.18.0.13");
  }

  private void join(String... names) {
    for (String name : names) {
      book.joined(name, "node-" + name);
      connections.put(name, new ObservationAssembly());
    }
  }

  private AnnouncementBook.Outcome record(String forwarder, Observation observation, Instant now) {
    var vips = connections.get(forwarder).take(observation).orElseThrow();
    return book.record(forwarder, observation, vips, now);
  }

  private static Observation owning(String... vips) {
    return Observation.newBuilder().addAllVipsOwned(List.of(vips)).build();
  }

  private static Observation.Builder building(String... vips) {
    return Observation.newBuilder().addAllVipsOwned(List.of(vips));
  }

  private static VipMove move(String address, boolean gained, String reason, long at) {
    return VipMove.newBuilder()
        .setAddress(address)
        .setGained(gained)
        .setReason(reason)
        .setAtUnixMillis(at)
        .build();
  }

  private static AddressConflict conflict(String address, String mac, long count, long at) {
    return AddressConflict.newBuilder()
        .setAddress(address)
        .setMac(mac)
        .setVia("ARP")
        .setCount(count)
        .setLastSeenUnixMillis(at)
        .build();
  }
}
