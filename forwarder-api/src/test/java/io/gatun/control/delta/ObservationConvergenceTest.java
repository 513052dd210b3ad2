package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Observations that carry only how the VIPs changed give the operator exactly what complete ones
 * give: thousands of random gains and losses of VIPs owned and advertised, several at once at
 * times, with random reconnects and observations lost on the way (a gap), and after every
 * observation the operator takes, the VIPs it holds for the forwarder are the forwarder's own, and
 * what it learns changed is what an operator taking every observation complete learns. A changes
 * observation lists no more VIPs than changed since the one before; a gap is answered by asking for
 * a complete one, and the one sent next is complete.
 */
class ObservationConvergenceTest {

  private static final int STEPS = 5000;
  private static final int ADDRESSES = 400;

  /** The forwarder's VIPs as they truly are: owned addresses, advertised prefixes. */
  private static final class Forwarder {
    final TreeSet<String> owned = new TreeSet<>();
    final Set<String> advertised = new HashSet<>();
    int changed; // since the last observation built

    void change(Random random) {
      String address = "198.18." + random.nextInt(ADDRESSES / 200) + "." + random.nextInt(200);
      if (random.nextBoolean()) {
        if (!owned.remove(address)) {
          owned.add(address);
        }
      } else {
        String prefix = address + "/32";
        if (!advertised.remove(prefix)) {
          advertised.add(prefix);
        }
      }
      changed++;
    }

    /** What the agent's reports build: every VIP, owned in text order, advertised in any. */
    Observation whole(Random random) {
      List<String> prefixes = new ArrayList<>(advertised);
      Collections.shuffle(prefixes, random);
      changed = 0;
      return Observation.newBuilder()
          .setRxPacketsPerSecond(random.nextInt(1000))
          .addAllVipsOwned(owned)
          .addAllVipsAdvertised(prefixes)
          .build();
    }
  }

  /** One stream: the forwarder's memory of it and two operators, new on reconnect. */
  private static final class Stream {
    final SentObservations sent = new SentObservations();
    final ObservationAssembly taking = new ObservationAssembly(); // takes changes
    final ObservationAssembly complete = new ObservationAssembly(); // fed every one whole

    Stream(boolean operatorTakesChanges) {
      if (operatorTakesChanges) {
        sent.terms(ObservationTerms.newBuilder().setTakesChanges(true).build());
      }
    }
  }

  @Test
  void randomGainsLossesReconnectsAndGapsGiveWhatCompleteObservationsGive() throws Exception {
    for (long seed = 1; seed <= 4; seed++) {
      run(new Random(seed), true, true);
    }
  }

  /** An operator from before the changes never says it takes them: every observation is whole. */
  @Test
  void anOperatorThatDoesNotTakeChangesGetsCompleteObservationsOnly() throws Exception {
    run(new Random(5), false, true);
  }

  /** A forwarder from before the changes numbers nothing and lists everything: taken as before. */
  @Test
  void aForwarderThatDoesNotSendChangesIsTakenAsBefore() throws Exception {
    run(new Random(6), true, false);
  }

  private static void run(Random random, boolean operatorTakes, boolean forwarderSends)
      throws InvalidProtocolBufferException {
    var forwarder = new Forwarder();
    var stream = new Stream(operatorTakes);
    int completes = 0;
    int changes = 0;
    int gaps = 0;
    for (int step = 0; step < STEPS; step++) {
      int n = random.nextInt(10) == 0 ? 1 + random.nextInt(30) : random.nextInt(3); // 0: periodic
      for (int c = 0; c < n; c++) {
        forwarder.change(random);
      }
      int changedSince = forwarder.changed;
      int roll = random.nextInt(100);
      if (roll < 3) {
        stream = new Stream(operatorTakes); // reconnect
      }
      Observation whole = forwarder.whole(random);
      Observation sent = forwarderSends ? stream.sent.next(whole) : whole;
      if (roll >= 3 && roll < 6) {
        continue; // lost on the way: the next one's number does not follow what the operator took
      }
      Observation received = overTheWire(sent);
      Optional<ObservationAssembly.VipChange> taken = stream.taking.take(received);
      if (taken.isEmpty()) {
        gaps++;
        assertThat(received.hasVipChanges()).as("only changes can be refused").isTrue();
        assertThat(stream.taking.owned()).as("a refused observation changes nothing").isNotNull();
        // The operator asks for a complete one; the agent sends one at once, of the same state.
        stream.sent.terms(
            ObservationTerms.newBuilder()
                .setTakesChanges(true)
                .setCompleteWantedAfter(received.getNumber())
                .build());
        assertThat(stream.sent.completeNext()).isTrue();
        received = overTheWire(stream.sent.next(whole));
        assertThat(received.hasVipChanges()).as("after a gap, a complete observation").isFalse();
        taken = stream.taking.take(received);
      }
      assertThat(taken).as("step %d: a complete observation is always taken", step).isPresent();
      var reference = stream.complete.take(whole).orElseThrow();
      if (received.hasVipChanges()) {
        changes++;
        var c = received.getVipChanges();
        assertThat(received.getVipsOwnedCount() + received.getVipsAdvertisedCount()).isZero();
        assertThat(
                c.getOwnedGainedCount()
                    + c.getOwnedLostCount()
                    + c.getAdvertisedAddedCount()
                    + c.getAdvertisedWithdrawnCount())
            .as("step %d: a changes observation follows the VIPs changed", step)
            .isLessThanOrEqualTo(changedSince);
      } else {
        completes++;
      }
      assertThat(stream.taking.owned()).as("step %d", step).isEqualTo(forwarder.owned);
      assertThat(stream.taking.advertised()).as("step %d", step).isEqualTo(forwarder.advertised);
      assertThat(stream.complete.owned()).isEqualTo(forwarder.owned);
      var change = taken.get();
      assertThat(Set.copyOf(change.ownedGained()))
          .as("step %d: gained, as complete observations tell it", step)
          .isEqualTo(Set.copyOf(reference.ownedGained()));
      assertThat(Set.copyOf(change.ownedLost())).isEqualTo(Set.copyOf(reference.ownedLost()));
      assertThat(Set.copyOf(change.advertisedAdded()))
          .isEqualTo(Set.copyOf(reference.advertisedAdded()));
      assertThat(Set.copyOf(change.advertisedWithdrawn()))
          .isEqualTo(Set.copyOf(reference.advertisedWithdrawn()));
      assertThat(change.ownedGained()).doesNotHaveDuplicates();
      assertThat(change.ownedLost()).doesNotHaveDuplicates();
    }
    if (operatorTakes && forwarderSends) {
      assertThat(changes).as("most observations carry changes").isGreaterThan(STEPS / 2);
      assertThat(gaps).as("gaps were exercised").isPositive();
    } else {
      assertThat(changes).isZero();
      assertThat(gaps).isZero();
    }
    assertThat(completes).isPositive();
  }

  /** Serialised and parsed as gRPC would: an empty vip_changes must stay present. */
  private static Observation overTheWire(Observation observation)
      throws InvalidProtocolBufferException {
    byte[] bytes = ForwarderMessage.newBuilder().setObservation(observation).build().toByteArray();
    return ForwarderMessage.parseFrom(bytes).getObservation();
  }
}
