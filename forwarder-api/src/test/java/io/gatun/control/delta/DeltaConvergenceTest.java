package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The delta channel converges to exactly the state complete snapshots give: thousands of random
 * adds, changes and removals, sent coalesced or one by one, with random reconnects and lost
 * messages (a gap), and the forwarder's assembly equals, after every message it takes, the complete
 * snapshot of that version — the same services, in the same order, field for field — and the same
 * BGP configuration, which a delta carries when it changed: as what changed (BGP_DELTAS, no more
 * advertisements than were changed) or whole; and the same fleet configuration, which a delta
 * carries when it changed: as what changed (FLEET_DELTAS, no more VIPs than were changed) or whole.
 */
class DeltaConvergenceTest {

  private static final int STEPS = 5000;
  private static final int KEYS = 300;

  /** One stream: the operator's memory of it and the forwarder's assembly, new on reconnect. */
  private static final class Stream {
    final SentServices sent;
    final DeltaAssembly assembly = new DeltaAssembly();

    Stream(boolean deltas, boolean fleetDeltas, boolean bgpDeltas) {
      sent = new SentServices(deltas, fleetDeltas, bgpDeltas);
    }
  }

  @Test
  void randomChangesReconnectsAndGapsConvergeToTheCompleteSnapshot() {
    for (long seed = 1; seed <= 4; seed++) {
      run(new Random(seed), true, true, true);
    }
  }

  @Test
  void aForwarderWithoutFleetDeltasGetsTheWholeFleetConfigurationWhenItChanged() {
    for (long seed = 5; seed <= 6; seed++) {
      run(new Random(seed), true, false, true);
    }
  }

  /** An agent from before BGP_DELTAS keeps working: it gets the whole BGP configuration. */
  @Test
  void aForwarderWithoutBgpDeltasGetsTheWholeBgpConfigurationWhenItChanged() {
    for (long seed = 8; seed <= 9; seed++) {
      run(new Random(seed), true, true, false);
    }
  }

  @Test
  void aForwarderWithoutDeltasGetsCompleteSnapshotsOnly() {
    run(new Random(7), false, false, false);
  }

  private static void run(Random random, boolean deltas, boolean fleetDeltas, boolean bgpDeltas) {
    var operator = new RandomOperator(KEYS);
    var stream = new Stream(deltas, fleetDeltas, bgpDeltas);
    int completes = 0;
    int deltasTaken = 0;
    int gaps = 0;
    int bgpCarried = 0;
    int fleetCarried = 0;
    BgpConfig bgpBefore = null;
    for (int step = 0; step < STEPS; step++) {
      int changes = random.nextInt(10) == 0 ? 1 + random.nextInt(20) : 1; // sometimes coalesced
      for (int c = 0; c < changes; c++) {
        operator.change(random);
      }
      int roll = random.nextInt(100);
      if (roll < 3) {
        stream = new Stream(deltas, fleetDeltas, bgpDeltas); // reconnect
      }
      Snapshot latest = operator.snapshot();
      OperatorMessage message = stream.sent.next(latest);
      int fleetVipsChanged = operator.fleetVipsChanged;
      operator.fleetVipsChanged = 0;
      int bgpRoutesChanged = operator.bgpRoutesChanged;
      operator.bgpRoutesChanged = 0;
      if (roll >= 3 && roll < 6) {
        continue; // lost on the way: the next delta's base is not what the forwarder holds
      }
      Optional<Snapshot> assembled = take(stream, message);
      if (assembled.isEmpty()) {
        gaps++;
        stream.sent.resync(message.getDelta().getSnapshotVersion());
        message = stream.sent.next(latest);
        assertThat(message.hasSnapshot()).as("after a gap, a complete snapshot").isTrue();
        assembled = take(stream, message);
      }
      if (message.hasSnapshot()) {
        completes++;
      } else {
        deltasTaken++;
        var delta = message.getDelta();
        boolean bgpChanged = !Objects.equals(bgpBefore, operator.bgp);
        if (bgpDeltas) {
          assertThat(delta.hasBgp()).as("never the whole BGP configuration").isFalse();
          assertThat(delta.hasBgpChanges())
              .as("a delta carries BGP changes when, and only when, it changed")
              .isEqualTo(bgpChanged);
          var bgp = delta.getBgpChanges();
          assertThat(bgp.getAdvertisementsCount() + bgp.getRemovedPrefixesCount())
              .as("a delta's BGP changes follow the advertisements changed")
              .isLessThanOrEqualTo(bgpRoutesChanged);
          bgpCarried += delta.hasBgpChanges() ? 1 : 0;
        } else {
          assertThat(delta.hasBgpChanges()).isFalse();
          assertThat(delta.hasBgp())
              .as("a delta carries BGP when, and only when, it changed")
              .isEqualTo(bgpChanged);
          bgpCarried += delta.hasBgp() ? 1 : 0;
        }
        if (fleetDeltas) {
          var fleet = message.getDelta().getFleetChanges();
          assertThat(message.getDelta().hasFleet()).as("never the whole fleet").isFalse();
          assertThat(fleet.getVipsCount() + fleet.getRemovedVipsCount())
              .as("a delta's fleet changes follow the VIPs changed")
              .isLessThanOrEqualTo(fleetVipsChanged);
          fleetCarried += message.getDelta().hasFleetChanges() ? 1 : 0;
        } else {
          assertThat(message.getDelta().hasFleetChanges()).isFalse();
          fleetCarried += message.getDelta().hasFleet() ? 1 : 0;
        }
      }
      bgpBefore = operator.bgp;
      assertThat(assembled).as("step %d", step).contains(latest);
    }
    if (deltas) {
      assertThat(deltasTaken).as("most messages are deltas").isGreaterThan(STEPS / 2);
      assertThat(gaps).as("gaps were exercised").isPositive();
      assertThat(bgpCarried).as("BGP changes went as deltas").isPositive();
      assertThat(fleetCarried).as("fleet changes went as deltas").isPositive();
    } else {
      assertThat(deltasTaken).isZero();
    }
    assertThat(completes).isPositive();
  }

  private static Optional<Snapshot> take(Stream stream, OperatorMessage message) {
    return message.hasSnapshot()
        ? Optional.of(stream.assembly.complete(message.getSnapshot()))
        : stream.assembly.delta(message.getDelta());
  }
}
