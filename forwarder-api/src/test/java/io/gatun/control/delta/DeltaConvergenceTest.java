package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The delta channel converges to exactly the state complete snapshots give: thousands of random
 * adds, changes and removals, sent coalesced or one by one, with random reconnects and lost
 * messages (a gap), and the forwarder's assembly equals, after every message it takes, the complete
 * snapshot of that version — the same services, in the same order, field for field — and the same
 * BGP configuration, which a delta carries (whole) only when it changed, and the same fleet
 * configuration, which a delta carries when it changed: as what changed (FLEET_DELTAS, no more VIPs
 * than were changed) or whole.
 */
class DeltaConvergenceTest {

  private static final int STEPS = 5000;
  private static final int KEYS = 300;

  /** The operator's desired state and its snapshot versions, as DesiredState keeps them. */
  private static final class Operator {
    final TreeMap<String, VirtualService> desired = new TreeMap<>();
    BgpConfig bgp; // null: no BGP pool applies, the snapshot has none
    long version = 1000;
    FleetConfig fleet; // null: absent, as the operator leaves it without an L2 Pool's VIP
    final TreeMap<String, FleetVip> fleetVips = new TreeMap<>(); // fleet's, by address
    int fleetVipsChanged; // since the last message

    Snapshot snapshot() {
      var snapshot =
          Snapshot.newBuilder().setSnapshotVersion(version).addAllServices(desired.values());
      if (fleet != null) {
        snapshot.setFleet(fleet);
      }
      if (bgp != null) {
        snapshot.setBgp(bgp);
      }
      return snapshot.build();
    }
  }

  /** One stream: the operator's memory of it and the forwarder's assembly, new on reconnect. */
  private static final class Stream {
    final SentServices sent;
    final DeltaAssembly assembly = new DeltaAssembly();

    Stream(boolean deltas, boolean fleetDeltas) {
      sent = new SentServices(deltas, fleetDeltas);
    }
  }

  @Test
  void randomChangesReconnectsAndGapsConvergeToTheCompleteSnapshot() {
    for (long seed = 1; seed <= 4; seed++) {
      run(new Random(seed), true, true);
    }
  }

  @Test
  void aForwarderWithoutFleetDeltasGetsTheWholeFleetConfigurationWhenItChanged() {
    for (long seed = 5; seed <= 6; seed++) {
      run(new Random(seed), true, false);
    }
  }

  @Test
  void aForwarderWithoutDeltasGetsCompleteSnapshotsOnly() {
    run(new Random(7), false, false);
  }

  private static void run(Random random, boolean deltas, boolean fleetDeltas) {
    var operator = new Operator();
    var stream = new Stream(deltas, fleetDeltas);
    int completes = 0;
    int deltasTaken = 0;
    int gaps = 0;
    int bgpCarried = 0;
    int fleetCarried = 0;
    BgpConfig bgpBefore = null;
    for (int step = 0; step < STEPS; step++) {
      int changes = random.nextInt(10) == 0 ? 1 + random.nextInt(20) : 1; // sometimes coalesced
      for (int c = 0; c < changes; c++) {
        change(operator, random);
      }
      int roll = random.nextInt(100);
      if (roll < 3) {
        stream = new Stream(deltas, fleetDeltas); // reconnect
      }
      Snapshot latest = operator.snapshot();
      OperatorMessage message = stream.sent.next(latest);
      int fleetVipsChanged = operator.fleetVipsChanged;
      operator.fleetVipsChanged = 0;
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
        assertThat(message.getDelta().hasBgp())
            .as("a delta carries BGP when, and only when, it changed")
            .isEqualTo(!Objects.equals(bgpBefore, operator.bgp));
        bgpCarried += message.getDelta().hasBgp() ? 1 : 0;
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

  /**
   * One random add, change or removal of a service, or now and then of the BGP configuration (on,
   * changed, off), under a new snapshot version.
   */
  private static void change(Operator operator, Random random) {
    operator.version++;
    if (random.nextInt(10) == 0) {
      operator.bgp = random.nextInt(3) == 0 ? null : bgp(random);
      return;
    }
    String key = "ns/lb-" + random.nextInt(KEYS) + "/http";
    VirtualService current = operator.desired.get(key);
    if (random.nextInt(5) == 0) {
      changeFleet(operator, random);
      return;
    }
    int what = random.nextInt(3);
    if (current == null || what == 0) {
      operator.desired.put(key, service(key, random));
    } else if (what == 1) {
      operator.desired.put(
          key, current.toBuilder().clearBackends().addAllBackends(backends(random)).build());
    } else {
      operator.desired.remove(key);
    }
  }

  /**
   * The fleet's configuration changes with the services' snapshot versions, as the operator builds
   * it (pools by name, VIPs by address): a VIP added, changed or removed, now and then the pool's
   * timers, and now and then all of it gone (no L2 Pool's VIP left).
   */
  private static void changeFleet(Operator operator, Random random) {
    int roll = random.nextInt(40);
    if (roll == 0) {
      operator.fleetVipsChanged += operator.fleetVips.size();
      operator.fleetVips.clear();
      operator.fleet = null;
      return;
    }
    String address = "198.18.0." + (1 + random.nextInt(60));
    if (roll < 10 && operator.fleetVips.remove(address) != null) {
      operator.fleetVipsChanged++;
    } else if (roll >= 10) {
      operator.fleetVips.put(
          address,
          FleetVip.newBuilder()
              .setAddress(address)
              .setPool("pool")
              .setRestricted(random.nextBoolean())
              .addCandidateNodes("node-" + random.nextInt(3))
              .build());
      operator.fleetVipsChanged++;
    }
    if (operator.fleetVips.isEmpty()) {
      operator.fleet = null;
      return;
    }
    int interval =
        roll == 1 || operator.fleet == null
            ? 10 + random.nextInt(200)
            : operator.fleet.getPools(0).getIntervalMillis();
    operator.fleet =
        FleetConfig.newBuilder()
            .addPools(
                FleetPool.newBuilder().setName("pool").setIntervalMillis(interval).setMultiplier(3))
            .addAllVips(operator.fleetVips.values())
            .build();
  }

  static VirtualService service(String key, Random random) {
    return VirtualService.newBuilder()
        .setKey(key)
        .setVip("198.18." + random.nextInt(4) + "." + (1 + random.nextInt(250)))
        .setPort(80 + random.nextInt(3))
        .setProtocol(Protocol.TCP)
        .setMaglevTableSize(509)
        .addAllBackends(backends(random))
        .build();
  }

  static BgpConfig bgp(Random random) {
    var config = BgpConfig.newBuilder().setLocalAsn(64512 + random.nextInt(2));
    config.addNeighbors(
        BgpNeighbor.newBuilder()
            .setAddress("198.18.0." + (1 + random.nextInt(3)))
            .setAsn(64500)
            .setPort(179)
            .addPools("pool"));
    int routes = random.nextInt(4);
    for (int i = 0; i < routes; i++) {
      config.addAdvertisements(
          BgpAdvertisement.newBuilder()
              .setPrefix("198.18.1." + (1 + random.nextInt(250)) + "/32")
              .addCommunities("65000:" + random.nextInt(3))
              .addNeighbors("198.18.0.1")
              .addServiceKeys("ns/lb-" + i + "/http")
              .setPool("pool"));
    }
    return config.build();
  }

  private static List<Backend> backends(Random random) {
    var list = new ArrayList<Backend>();
    int n = 1 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      list.add(
          Backend.newBuilder()
              .setAddress("198.18.9." + (1 + random.nextInt(250)))
              .setPort(8080)
              .setWeight(1 + random.nextInt(3))
              .setDraining(random.nextInt(10) == 0)
              .build());
    }
    return list;
  }
}
