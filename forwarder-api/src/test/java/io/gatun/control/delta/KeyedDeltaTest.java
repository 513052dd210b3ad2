package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.OperatorMessage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A delta built from the keys changed since the version sent last is the very message the
 * comparison of every service builds: two streams in step, one given complete snapshots and one the
 * keyed version, over thousands of random adds, changes and removals (services, fleet VIPs, BGP
 * advertisements), coalesced, with reconnects, resyncs after a gap, and changes older than the
 * keeper remembers (then it compares everything). And a keyed delta looks up the changed keys only.
 */
class KeyedDeltaTest {

  private static final int STEPS = 4000;

  @Test
  void keyedDeltasAreTheMessagesOfTheCompleteComparison() {
    for (long seed = 1; seed <= 3; seed++) {
      run(new Random(seed), true, true, 0);
    }
    run(new Random(4), true, true, 20); // services with VIPs of their own
  }

  @Test
  void withoutFleetOrBgpDeltasTheWholeConfigurationsGoAlikeToo() {
    run(new Random(5), true, false, 0);
  }

  @Test
  void withoutDeltasBothSendCompleteSnapshots() {
    run(new Random(6), false, false, 0);
  }

  private static void run(Random random, boolean deltas, boolean configDeltas, int ownVips) {
    var operator = new RandomOperator(500, ownVips);
    operator.rememberChangesOf(40);
    var full = new SentServices(deltas, configDeltas, configDeltas);
    var keyed = new SentServices(deltas, configDeltas, configDeltas);
    long sentVersion = -1;
    int keyedDeltas = 0;
    int comparedAll = 0;
    int keyedBgp = 0;
    for (int step = 0; step < STEPS; step++) {
      // Mostly one change a message, sometimes a few coalesced, now and then more than remembered.
      int roll = random.nextInt(100);
      int changes = roll < 2 ? 50 + random.nextInt(50) : roll < 12 ? 1 + random.nextInt(20) : 1;
      for (int c = 0; c < changes; c++) {
        operator.change(random);
      }
      if (random.nextInt(100) < 2) { // reconnect: both streams anew
        full = new SentServices(deltas, configDeltas, configDeltas);
        keyed = new SentServices(deltas, configDeltas, configDeltas);
      } else if (random.nextInt(100) < 2 && sentVersion >= 0) { // a gap: the forwarder asks
        full.resync(sentVersion);
        keyed.resync(sentVersion);
      }
      var version = new CountingDesiredVersion(operator.current());
      var changed = deltas ? version.changesSince(sentVersionOf(keyed, sentVersion)) : null;
      OperatorMessage expected = full.next(operator.snapshot());
      OperatorMessage message = keyed.next(version);
      assertThat(message).as("step %d", step).isEqualTo(expected);
      if (message.hasDelta() && changed != null) {
        keyedDeltas++;
        assertThat(version.completes).as("a keyed delta builds no complete snapshot").isZero();
        assertThat(version.services)
            .as("a keyed delta looks up the changed services only")
            .isEqualTo(changed.serviceKeys().size());
        assertThat(version.vips).isEqualTo(changed.fleetVips().size());
        if (changed.bgpPrefixes() != null && configDeltas) {
          assertThat(version.bgpRoutes)
              .as("a keyed delta looks up the changed advertisements only")
              .isEqualTo(changed.bgpPrefixes().size());
          assertThat(version.wholeBgp).as("nor the whole BGP configuration").isZero();
          keyedBgp += message.getDelta().hasBgpChanges() ? 1 : 0;
        }
      } else if (message.hasDelta()) {
        comparedAll++;
      }
      sentVersion =
          message.hasDelta()
              ? message.getDelta().getSnapshotVersion()
              : message.getSnapshot().getSnapshotVersion();
    }
    if (deltas) {
      assertThat(keyedDeltas).as("most deltas were built from the keys").isGreaterThan(STEPS / 2);
      assertThat(comparedAll).as("changes older than remembered were compared whole").isPositive();
    }
    if (deltas && configDeltas) {
      assertThat(keyedBgp).as("BGP changes were built from the prefixes").isPositive();
    }
  }

  /**
   * The version the keyed stream builds on: the last one sent, unless the next message is complete
   * anyway.
   */
  private static long sentVersionOf(SentServices sent, long sentVersion) {
    return sent.resyncing() ? Long.MAX_VALUE : sentVersion;
  }
}
