package io.gatun.forwarder.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.Address;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Observation;
import io.gatun.fwd.Punted;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Three forwarders on an in-memory segment, driven turn by turn on one made-up clock. */
class FleetTest {
  private static final long MS = 1_000_000;
  private static final List<InetAddress> VIPS =
      IntStream.range(0, 12).mapToObj(i -> address("198.18.0." + (200 + i))).toList();
  private static final InetAddress GATEWAY = address("198.18.0.1");

  private final Segment segment = new Segment();
  private final List<Segment.Member> ports = new ArrayList<>();
  private final List<Fleet> fleets = new ArrayList<>();
  private final List<SimpleMeterRegistry> registries = new ArrayList<>();
  private final Set<Integer> stopped = new HashSet<>();
  private long now = 1_000 * MS;

  private static InetAddress address(String text) {
    return Address.parse(text).toInetAddress();
  }

  private static FleetSettings settings(List<InetAddress> gateways) {
    return new FleetSettings(
        new FleetKey("prod", AdvertisementCodecTest.KEY),
        Duration.ofMillis(100),
        3,
        3,
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        gateways);
  }

  private Fleet start(int n) {
    Fleet fleet = startWithoutSnapshot(n);
    fleet.ready();
    return fleet;
  }

  /** A forwarder that has not applied a snapshot yet (it has not reached its operator). */
  private Fleet startWithoutSnapshot(int n) {
    Segment.Member port = segment.join(n);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Fleet fleet =
        new Fleet(
            settings(List.of(GATEWAY)),
            "fwd-" + n,
            "node-" + n,
            port,
            Candidates.EVERY_LIVE,
            registry,
            () -> now,
            () -> now / MS);
    fleet.serve(VIPS);
    ports.add(port);
    fleets.add(fleet);
    registries.add(registry);
    return fleet;
  }

  /** Runs every live forwarder for {@code millis} of made-up time, a turn per millisecond. */
  private void run(long millis) {
    for (long i = 0; i < millis; i++) {
      now += MS;
      for (int f = 0; f < fleets.size(); f++) {
        if (!stopped.contains(f)) {
          fleets.get(f).tick(now);
        }
      }
    }
  }

  private Set<String> everyTarget() {
    Set<String> all = new TreeSet<>();
    VIPS.forEach(v -> all.add(Address.text(v)));
    all.add(Address.text(GATEWAY));
    return all;
  }

  /** Every address owned by exactly one of the live forwarders, in the agent and the data plane. */
  private void assertEachOwnedOnce() {
    List<String> owned = new ArrayList<>();
    for (int f = 0; f < fleets.size(); f++) {
      if (!stopped.contains(f)) {
        assertThat(ports.get(f).owned).containsExactlyInAnyOrderElementsOf(fleets.get(f).owned());
        owned.addAll(fleets.get(f).owned());
      }
    }
    assertThat(owned).containsExactlyInAnyOrderElementsOf(everyTarget());
  }

  private double counter(int f, String name, String tag, String value) {
    return registries.get(f).get(name).tag(tag, value).counter().count();
  }

  @Test
  void everyAddressHasOneOwnerAndEachOwnerAnnouncedWhatItTook() {
    start(1);
    start(2);
    start(3);
    run(1);
    assertThat(fleets.getFirst().owned()).as("nothing claimed while listening").isEmpty();
    assertThat(ports.getFirst().owned)
        .as("nor answered: the default (every VIP) is replaced")
        .isEmpty();

    run(1_000);

    assertEachOwnedOnce();
    for (int f = 0; f < 3; f++) {
      assertThat(fleets.get(f).owned()).as("fwd-%d owns a share", f + 1).isNotEmpty();
      assertThat(ports.get(f).announced).containsExactlyInAnyOrderElementsOf(fleets.get(f).owned());
      assertThat(registries.get(f).get("gatun.fleet.peers.alive").gauge().value()).isEqualTo(2);
    }
  }

  /** The operator's plan: VIPS[0..5] in Pool "a", the rest in Pool "b". */
  private static FleetConfig plan(FleetPool a, FleetPool b, List<String> aNodes) {
    var config = FleetConfig.newBuilder().addPools(a).addPools(b);
    for (int i = 0; i < VIPS.size(); i++) {
      var vip =
          FleetVip.newBuilder()
              .setAddress(Address.text(VIPS.get(i)))
              .setPool(i < 6 ? a.getName() : b.getName());
      if (i < 6 && aNodes != null) {
        vip.setRestricted(true).addAllCandidateNodes(aNodes);
      }
      config.addVips(vip);
    }
    return config.build();
  }

  private static FleetPool pool(String name, int intervalMillis, int multiplier, int garps) {
    return FleetPool.newBuilder()
        .setName(name)
        .setIntervalMillis(intervalMillis)
        .setMultiplier(multiplier)
        .setGarpCount(garps)
        .setGarpIntervalMillis(10)
        .build();
  }

  private List<String> ownersOf(int from, int to) {
    List<String> owners = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String vip = Address.text(VIPS.get(i));
      for (int f = 0; f < fleets.size(); f++) {
        if (!stopped.contains(f) && fleets.get(f).owned().contains(vip)) {
          owners.add("fwd-" + (f + 1));
        }
      }
    }
    return owners;
  }

  @Test
  void aVipsCandidateNodesFromTheOperatorKeepItThereAndNobodyElseTakesIt() {
    for (int n = 1; n <= 3; n++) {
      start(n).configure(plan(pool("a", 100, 3, 3), pool("b", 100, 3, 3), List.of("node-3")));
    }
    run(1_000);
    assertThat(ownersOf(0, 6))
        .as("only node-3 may own Pool a's VIPs")
        .containsOnly("fwd-3")
        .hasSize(6);
    assertThat(ownersOf(6, 12)).hasSize(6);
    assertEachOwnedOnce();

    stopped.add(2); // node-3's forwarder dies
    run(1_000);
    assertThat(ownersOf(0, 6)).as("no other candidate: left unanswered").isEmpty();
    assertThat(ownersOf(6, 12)).hasSize(6).doesNotContain("fwd-3");

    // The operator widens the candidates (e.g. an endpoint became ready on node-1).
    for (int f = 0; f < 2; f++) {
      fleets
          .get(f)
          .configure(plan(pool("a", 100, 3, 3), pool("b", 100, 3, 3), List.of("node-1", "node-3")));
    }
    run(10);
    assertThat(ownersOf(0, 6)).containsOnly("fwd-1").hasSize(6);
  }

  @Test
  void eachPoolsTimersDecideWhenItsVipsMoveAndTheFastestSetsTheAdvertisementRate() {
    for (int n = 1; n <= 3; n++) {
      start(n).configure(plan(pool("slow", 1_000, 3, 5), pool("fast", 20, 3, 2), null));
    }
    run(2_000);
    assertEachOwnedOnce();
    long sent = ports.get(0).framesSent;
    run(1_000);
    assertThat(ports.get(0).framesSent - sent)
        .as("advertising every 20 ms, the fastest Pool's interval")
        .isBetween(48L, 52L);

    int victim = fleets.get(0).owned().isEmpty() ? 1 : 0;
    List<String> slowOfVictim =
        fleets.get(victim).owned().stream()
            .filter(a -> VIPS.subList(0, 6).stream().map(Address::text).toList().contains(a))
            .toList();
    List<String> fastOfVictim =
        fleets.get(victim).owned().stream()
            .filter(a -> VIPS.subList(6, 12).stream().map(Address::text).toList().contains(a))
            .toList();
    stopped.add(victim);
    run(100);
    for (String vip : fastOfVictim) {
      assertThat(
              fleets.stream().filter(f -> fleets.indexOf(f) != victim && f.owned().contains(vip)))
          .as("fast Pool: gone after 20 ms x 3 + skew")
          .hasSize(1);
    }
    for (String vip : slowOfVictim) {
      assertThat(
              fleets.stream().filter(f -> fleets.indexOf(f) != victim && f.owned().contains(vip)))
          .as("slow Pool: not before 1 s x 3")
          .isEmpty();
    }
    run(4_000); // 3 s + skew (1 s x 156/256 at priority 100)
    for (String vip : slowOfVictim) {
      assertThat(
              fleets.stream().filter(f -> fleets.indexOf(f) != victim && f.owned().contains(vip)))
          .hasSize(1);
    }
    List<String> announcedByHeirs = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      if (f != victim) {
        announcedByHeirs.addAll(ports.get(f).announced);
      }
    }
    assertThat(announcedByHeirs).containsAll(slowOfVictim).containsAll(fastOfVictim);
  }

  @Test
  void aSilentOwnersAddressesMoveAfterTheDownIntervalAndOnlyThose() {
    start(1);
    start(2);
    start(3);
    run(1_000);
    List<String> ofTwo = fleets.get(1).owned();
    List<String> ofOne = fleets.get(0).owned();

    stopped.add(1); // kill -9
    run(200);
    assertThat(fleets.get(0).owned()).as("not yet: 3 intervals + skew").isEqualTo(ofOne);
    run(300);

    assertEachOwnedOnce();
    assertThat(fleets.get(0).owned()).containsAll(ofOne);
    List<String> announcedAfter = new ArrayList<>(ports.get(0).announced);
    announcedAfter.addAll(ports.get(2).announced);
    assertThat(announcedAfter).containsAll(ofTwo);
    double failovers =
        registries.get(0).get("gatun.fleet.failover").timer().count()
            + registries.get(2).get("gatun.fleet.failover").timer().count();
    assertThat(failovers).isPositive();
  }

  @Test
  void aLeavingForwarderHandsOverAtOnce() {
    start(1);
    start(2);
    run(1_000);
    List<String> ofTwo = fleets.get(1).owned();
    assertThat(ofTwo).isNotEmpty();

    fleets.get(1).leave();
    assertThat(fleets.get(1).owned()).as("it stops answering at once").isEmpty();
    assertThat(ports.get(1).owned).isEmpty();
    run(2);

    assertThat(fleets.get(0).owned()).containsExactlyInAnyOrderElementsOf(everyTarget());
    assertThat(ports.get(0).announced).containsAll(ofTwo);
    assertThat(counter(1, "gatun.vip.ownership.changes", "change", "released"))
        .isEqualTo(ofTwo.size());
  }

  @Test
  void aJoiningForwarderTakesItsShareAndTheOldOwnerStopsAnswering() {
    start(1);
    run(1_000);
    assertThat(fleets.getFirst().owned()).containsExactlyInAnyOrderElementsOf(everyTarget());

    start(2);
    run(399);
    assertThat(fleets.get(1).owned()).as("listening").isEmpty();
    assertThat(fleets.get(0).owned())
        .as("the old owner keeps what the listener will take until it claims it")
        .containsExactlyInAnyOrderElementsOf(everyTarget());
    run(200);

    assertEachOwnedOnce();
    assertThat(fleets.get(1).owned()).isNotEmpty();
    assertThat(ports.get(1).announced).containsExactlyInAnyOrderElementsOf(fleets.get(1).owned());
  }

  @Test
  void aForwarderClaimsNothingBeforeItsFirstSnapshotAndNeverInheritsMeanwhile() {
    start(1);
    start(2);
    Fleet late = startWithoutSnapshot(3);
    run(1_000);
    assertThat(late.owned()).as("no snapshot: nothing to forward").isEmpty();
    assertThat(fleets.get(0).owned()).isNotEmpty();
    List<String> ofOne = fleets.get(0).owned();

    stopped.add(0); // kill -9 of an owner while the third still waits for its operator
    run(500);
    assertThat(late.owned()).isEmpty();
    assertThat(fleets.get(1).owned())
        .as("the claiming peer inherits everything, the waiting one nothing")
        .containsExactlyInAnyOrderElementsOf(everyTarget());
    assertThat(ports.get(1).announced).containsAll(ofOne);

    long before = ports.get(2).framesSent;
    run(100);
    assertThat(ports.get(2).framesSent).as("silent before its snapshot").isEqualTo(before);
    late.ready();
    run(399);
    assertThat(late.owned()).as("listening first").isEmpty();
    run(100);
    assertThat(late.owned()).as("claims its share once its snapshot is applied").isNotEmpty();
    assertThat(ports.get(2).announced).containsExactlyInAnyOrderElementsOf(late.owned());
    List<String> owned = new ArrayList<>(late.owned());
    owned.addAll(fleets.get(1).owned());
    assertThat(owned).containsExactlyInAnyOrderElementsOf(everyTarget());
  }

  @Test
  void aForwarderRestartedWithinItsDownIntervalHasItsAddressesTakenOverAtOnce() {
    start(1);
    start(2);
    start(3);
    run(1_000);
    List<String> ofOne = fleets.get(0).owned();
    assertThat(ofOne).isNotEmpty();

    stopped.add(0); // kill -9, and at once a new process under the same name, its snapshot applied
    Fleet again = start(1);
    run(20); // well inside the 300 ms + skew its peers would wait for silence
    assertThat(again.owned()).isEmpty();
    List<String> inherited = new ArrayList<>(fleets.get(1).owned());
    inherited.addAll(fleets.get(2).owned());
    assertThat(inherited)
        .as("its listening advertisement says it answers nothing now")
        .containsAll(ofOne);

    run(1_000);
    List<String> owned = new ArrayList<>(again.owned());
    owned.addAll(fleets.get(1).owned());
    owned.addAll(fleets.get(2).owned());
    assertThat(owned).containsExactlyInAnyOrderElementsOf(everyTarget());
    assertThat(again.owned()).isNotEmpty();
  }

  @Test
  void anOwnedSetHeldBackWhileTheWorkerWasNotScheduledReachesTheDataPlaneOnceItLoopsAgain() {
    start(1);
    start(2);
    run(1_000);
    stopped.add(0); // kill -9
    run(200);
    ports.get(1).looping = false; // a busy machine: its worker waits for a core
    run(200); // the peer is found gone meanwhile, after a still look (not three: it is fine)
    assertThat(fleets.get(1).owned()).containsExactlyInAnyOrderElementsOf(everyTarget());
    assertThat(ports.get(1).owned)
        .as("not given to a worker that would hold the commit up")
        .isNotEqualTo(everyTarget());

    ports.get(1).looping = true;
    run(250);
    assertThat(ports.get(1).owned)
        .as("given once it loops again, with no other change to trigger it")
        .containsExactlyInAnyOrderElementsOf(everyTarget());
  }

  @Test
  void aWorkerStillForLessThanTheDownIntervalKeepsItsAddressesAndLongerGivesThemUp() {
    start(1);
    start(2);
    run(1_000);
    List<String> ofTwo = fleets.get(1).owned();
    assertThat(ofTwo).isNotEmpty();

    ports.get(1).looping = false; // not scheduled for a while: a busy machine
    run(290); // three still looks (one each 100 ms), but less than 4 intervals since it moved
    assertThat(fleets.get(1).owned()).as("a moment without a core is no death").isEqualTo(ofTwo);
    ports.get(1).looping = true;
    run(200);
    assertThat(fleets.get(1).owned()).isEqualTo(ofTwo);

    ports.get(1).looping = false;
    run(600); // stopped for good
    assertThat(fleets.get(1).owned()).as("stopped for longer than peers wait").isEmpty();
  }

  @Test
  void aForwarderWhosePortWentDownGivesEverythingUpAndListensBeforeClaimingAgain() {
    start(1);
    start(2);
    run(1_000);

    ports.get(0).linkUp = false;
    run(600);
    assertThat(fleets.get(0).owned()).isEmpty();
    assertThat(ports.get(0).owned).isEmpty();
    assertThat(fleets.get(1).owned()).containsExactlyInAnyOrderElementsOf(everyTarget());

    ports.get(0).linkUp = true;
    run(1_000);
    assertEachOwnedOnce();
    assertThat(fleets.get(0).owned()).isNotEmpty();
  }

  @Test
  void forgedForeignAndReplayedAdvertisementsMoveNothingAndAreCounted() {
    start(1);
    start(2);
    run(1_000);
    List<String> before = fleets.get(0).owned();

    byte[] wrongKey = AdvertisementCodecTest.KEY.clone();
    wrongKey[3] ^= 1;
    Advertisement leaving =
        new Advertisement("prod", "fwd-2", "node-2", 0, Long.MAX_VALUE, Duration.ofMillis(100));
    segment.inject(
        new AdvertisementCodec(new FleetKey("prod", wrongKey)).encode(leaving, new byte[6]));
    Advertisement theirs =
        new Advertisement("other", "fwd-2", "node-2", 0, Long.MAX_VALUE, Duration.ofMillis(100));
    segment.inject(
        new AdvertisementCodec(new FleetKey("other", AdvertisementCodecTest.KEY))
            .encode(theirs, new byte[6]));
    // A genuine advertisement of fwd-2, captured and sent again.
    Advertisement old = new Advertisement("prod", "fwd-2", "node-2", 0, 1, Duration.ofMillis(100));
    segment.inject(
        new AdvertisementCodec(new FleetKey("prod", AdvertisementCodecTest.KEY))
            .encode(old, ports.get(1).mac));
    run(50);

    assertThat(fleets.get(0).owned()).isEqualTo(before);
    assertThat(counter(0, "gatun.fleet.advertisements.rejected", "reason", "bad_hmac"))
        .isEqualTo(1);
    assertThat(counter(0, "gatun.fleet.advertisements.rejected", "reason", "foreign_cluster"))
        .isEqualTo(1);
    assertThat(counter(0, "gatun.fleet.advertisements.rejected", "reason", "replay")).isEqualTo(1);
  }

  @Test
  void aForeignMacClaimingAnOwnedAddressIsCountedAndReported() {
    start(1);
    run(1_000);
    InetAddress vip = VIPS.getFirst();
    byte[] foreign = HexFormat.of().parseHex("0200000000ee");
    ports
        .get(0)
        .punted
        .add(new Punted.AddressConflict(0, vip, foreign, Punted.AddressConflict.Via.ARP));
    run(2);

    assertThat(counter(0, "gatun.fleet.address.conflicts", "claimant", "foreign")).isEqualTo(1);
    assertThat(fleets.get(0).owned())
        .as("a foreign device does not make it yield")
        .contains("198.18.0.200");
    Observation.Builder o = Observation.newBuilder();
    fleets.get(0).describe(o);
    assertThat(o.getAddressConflictsList())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getAddress()).isEqualTo("198.18.0.200");
              assertThat(c.getMac()).isEqualTo("02:00:00:00:00:ee");
              assertThat(c.getPeer()).isEmpty();
            });
    assertThat(o.getVipMovesList()).isNotEmpty();
  }

  @Test
  void aPeerAnsweringForAnAddressThatRendezvousGivesItMakesThisOneYield() {
    start(1);
    start(2);
    run(1_000);
    // Partition: fwd-1 stops hearing fwd-2 and takes everything; then fwd-2's answers show up.
    ports.get(1).sending = false;
    run(500);
    assertThat(fleets.get(0).owned()).containsExactlyInAnyOrderElementsOf(everyTarget());
    String ofTwo =
        everyTarget().stream()
            .filter(
                a -> Rendezvous.owner(a, List.of("fwd-1", "fwd-2")).orElseThrow().equals("fwd-2"))
            .findFirst()
            .orElseThrow();
    ports
        .get(0)
        .punted
        .add(
            new Punted.AddressConflict(
                0, address(ofTwo), ports.get(1).mac, Punted.AddressConflict.Via.ARP));
    run(2);

    assertThat(fleets.get(0).owned()).doesNotContain(ofTwo);
    assertThat(counter(0, "gatun.fleet.address.conflicts", "claimant", "peer")).isEqualTo(1);
  }

  @Test
  void aPartitionDoublesOwnershipAndItsHealingEndsItTheSameWayEveryTime() {
    start(1);
    start(2);
    run(1_000);
    List<String> ofOne = fleets.get(0).owned();

    segment.partition(ports.get(0), ports.get(1));
    run(600);
    assertThat(fleets.get(0).owned())
        .as("each side answers for everything: no address unanswered")
        .containsExactlyInAnyOrderElementsOf(everyTarget());
    assertThat(fleets.get(1).owned()).containsExactlyInAnyOrderElementsOf(everyTarget());

    segment.heal();
    run(300);
    assertEachOwnedOnce();
    assertThat(fleets.get(0).owned()).as("the same split as before the partition").isEqualTo(ofOne);
  }

  @Test
  void natVipsAreOwnedWithTheirGatewaySoForwardAndReturnPathsMeetAndMoveTogether() {
    List<InetAddress> nat = VIPS.subList(0, 6);
    List<String> natText = nat.stream().map(Address::text).toList();
    for (int n = 1; n <= 3; n++) {
      start(n).serveNat(nat);
    }
    run(1_000);
    assertEachOwnedOnce();
    int gatewayOwner = owner(Address.text(GATEWAY));
    assertThat(fleets.get(gatewayOwner).owned())
        .as("every NAT VIP with the gateway")
        .containsAll(natText);
    assertThat(fleets.stream().filter(f -> !f.owned().isEmpty()).count())
        .as("the other VIPs still spread")
        .isGreaterThanOrEqualTo(2);

    stopped.add(gatewayOwner);
    run(1_000);
    assertEachOwnedOnce();
    int next = owner(Address.text(GATEWAY));
    assertThat(next).isNotEqualTo(gatewayOwner);
    assertThat(fleets.get(next).owned()).as("moved together").containsAll(natText);

    for (int f = 0; f < 3; f++) {
      if (!stopped.contains(f)) {
        fleets.get(f).serveNat(List.of());
      }
    }
    run(1_000);
    assertEachOwnedOnce();
  }

  private int owner(String address) {
    for (int f = 0; f < fleets.size(); f++) {
      if (!stopped.contains(f) && fleets.get(f).owned().contains(address)) {
        return f;
      }
    }
    throw new AssertionError(address + " owned by none");
  }
}
