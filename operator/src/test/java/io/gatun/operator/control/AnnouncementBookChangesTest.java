package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatun.control.delta.ObservationAssembly;
import io.gatun.control.delta.SentObservations;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.VipMove;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Who owns which VIP, since when, and which moves are news come out the same whether forwarders
 * list every VIP in every observation or, to an operator that takes them, only what changed: three
 * forwarders gaining and losing VIPs at random (overlapping at times, each gain and loss reported
 * as a move, as the agent does), reconnecting, and losing observations on the way, feed one book
 * complete observations and another the channel's changes (a gap there is answered at once by a
 * complete observation, as the agent does when asked); after every step both books answer alike.
 */
class AnnouncementBookChangesTest {

  private static final int STEPS = 4000;
  private static final List<String> FORWARDERS = List.of("fwd-a", "fwd-b", "fwd-c");
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** One forwarder as it truly is, and its connection to each operator. */
  private static final class Forwarder {
    final String name;
    final TreeSet<String> owned = new TreeSet<>();
    final List<VipMove> moves = new ArrayList<>(); // the latest 32, oldest first
    ObservationAssembly wholeConnection;
    SentObservations sent;
    ObservationAssembly changesConnection;

    Forwarder(String name) {
      this.name = name;
    }

    void connect(AnnouncementBook whole, AnnouncementBook changes) {
      whole.joined(name, "node-" + name);
      changes.joined(name, "node-" + name);
      wholeConnection = new ObservationAssembly();
      changesConnection = new ObservationAssembly();
      sent = new SentObservations();
      sent.terms(ObservationTerms.newBuilder().setTakesChanges(true).build());
    }

    void flip(String address, long atMillis) {
      boolean gained = owned.add(address);
      if (!gained) {
        owned.remove(address);
      }
      moves.add(
          VipMove.newBuilder()
              .setAddress(address)
              .setGained(gained)
              .setReason(gained ? "peer gone" : "leaving")
              .setAtUnixMillis(atMillis)
              .build());
      if (moves.size() > 32) {
        moves.removeFirst();
      }
    }

    Observation whole() {
      return Observation.newBuilder().addAllVipsOwned(owned).addAllVipMoves(moves).build();
    }
  }

  @Test
  void changesGiveTheBookThatCompleteObservationsGive() throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      run(new Random(seed));
    }
  }

  private static void run(Random random) throws InvalidProtocolBufferException {
    var wholeBook = new AnnouncementBook();
    var changesBook = new AnnouncementBook();
    var forwarders = new ArrayList<Forwarder>();
    for (String name : FORWARDERS) {
      var f = new Forwarder(name);
      f.connect(wholeBook, changesBook);
      forwarders.add(f);
    }
    Set<String> addresses = new TreeSet<>();
    int moves = 0;
    int gaps = 0;
    int changeObservations = 0;
    for (int step = 0; step < STEPS; step++) {
      Instant now = START.plusMillis(step * 100L);
      var f = forwarders.get(random.nextInt(forwarders.size()));
      int flips = random.nextInt(8) == 0 ? 1 + random.nextInt(20) : random.nextInt(3);
      for (int i = 0; i < flips; i++) {
        String address = "198.18.0." + random.nextInt(120);
        addresses.add(address);
        f.flip(address, now.toEpochMilli() - 1000 - random.nextInt(50)); // its own clock
      }
      int roll = random.nextInt(100);
      if (roll < 3) {
        f.connect(wholeBook, changesBook); // a reconnect: both operators see a new connection
      }
      Observation whole = f.whole();
      Observation sent = f.sent.next(whole);
      if (roll >= 3 && roll < 6) {
        continue; // lost on the way, to both operators
      }
      var expected =
          wholeBook.record(f.name, whole, f.wholeConnection.take(whole).orElseThrow(), now);

      Observation received = Observation.parseFrom(sent.toByteArray());
      changeObservations += received.hasVipChanges() ? 1 : 0;
      var taken = f.changesConnection.take(received);
      var got =
          changesBook.record(
              f.name, received, taken.orElse(ObservationAssembly.VipChange.NONE), now);
      var addressesChanged = new TreeSet<>(got.addresses());
      var news = new ArrayList<>(got.moves());
      if (taken.isEmpty()) { // a gap: the operator asks, the agent answers at once
        gaps++;
        f.sent.terms(
            ObservationTerms.newBuilder()
                .setTakesChanges(true)
                .setCompleteWantedAfter(received.getNumber())
                .build());
        Observation complete = Observation.parseFrom(f.sent.next(whole).toByteArray());
        assertThat(complete.hasVipChanges()).isFalse();
        var resynced =
            changesBook.record(
                f.name, complete, f.changesConnection.take(complete).orElseThrow(), now);
        addressesChanged.addAll(resynced.addresses());
        news.addAll(resynced.moves());
      }
      moves += expected.moves().size();
      assertThat(news).as("step %d: the moves told", step).isEqualTo(expected.moves());
      assertThat(addressesChanged)
          .as("step %d: the addresses whose announcers changed", step)
          .isEqualTo(expected.addresses());
      assertThat(changesBook.announcers(addresses))
          .as("step %d: who answers for each VIP, and since when", step)
          .isEqualTo(wholeBook.announcers(addresses));
    }
    assertThat(changeObservations).as("most observations carried changes").isGreaterThan(STEPS / 2);
    assertThat(gaps).as("gaps were exercised").isPositive();
    assertThat(moves).as("moves were told").isPositive();
  }
}
