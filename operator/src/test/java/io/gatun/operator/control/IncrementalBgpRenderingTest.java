package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ProtocolMessageEnum;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.gatun.control.delta.CountingDesiredVersion;
import io.gatun.control.delta.DeltaAssembly;
import io.gatun.control.delta.SentServices;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The desired state keeps each forwarder's BGP configuration up to date one LoadBalancer at a time
 * (RenderedBgp), and it is always the very configuration {@link BgpRendering#render} gives from
 * scratch: over thousands of random publishes and withdrawals (VIPs shared between LoadBalancers,
 * externalTrafficPolicy Local, capabilities a forwarder lacks, pools with another local AS), BGP
 * pools changing and node labels changing, for every forwarder view. And what a sender builds from
 * the prefixes changed is the message the comparison of complete snapshots builds, which a
 * forwarder's assembly turns back into the complete snapshot.
 */
class IncrementalBgpRenderingTest {

  private static final ForwarderView NODE_A = new ForwarderView("node-a", Set.of());
  private static final ForwarderView NODE_B = new ForwarderView("node-b", Set.of());
  // Lacks NAT and IPv6: some LoadBalancers' VIPs are not advertised by it.
  private static final ForwarderView OLD =
      new ForwarderView(
          "node-b",
          Set.of(Family.IPV4, ForwardingMode.FULL_NAT, Feature.DELTA_SNAPSHOTS, Feature.DRAINING));
  private static final List<ForwarderView> VIEWS = List.of(NODE_A, NODE_B, OLD);
  private static final int OWNERS = 80;
  private static final int STEPS = 2500;

  @Test
  void keptUpToDateItIsTheFullRenderAfterEveryStep() {
    for (long seed = 1; seed <= 3; seed++) {
      var random = new Random(seed);
      var state = new DesiredState(100);
      var published = new TreeMap<Owner, DesiredServices>(); // by owner, as the state merges them
      for (int step = 0; step < STEPS; step++) {
        change(state, published, random);
        for (ForwarderView view : VIEWS) {
          Snapshot snapshot = state.snapshotFor(view);
          Optional<BgpConfig> expected =
              BgpRendering.render(
                  state.bgpPools(),
                  view,
                  state.nodeLabels().getOrDefault(view.node(), Map.of()),
                  published.values());
          assertThat(snapshot.hasBgp() ? Optional.of(snapshot.getBgp()) : Optional.empty())
              .as("seed %d, step %d, %s", seed, step, view)
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void keyedBgpChangesAreThoseOfTheCompleteComparisonAndAssembleToTheSnapshot() {
    for (long seed = 4; seed <= 6; seed++) {
      var random = new Random(seed);
      var state = new DesiredState(100);
      var published = new TreeMap<Owner, DesiredServices>();
      var streams = new HashMap<ForwarderView, Streams>();
      int keyedChanges = 0;
      for (int step = 0; step < STEPS; step++) {
        int changes = random.nextInt(8) == 0 ? 1 + random.nextInt(20) : 1;
        for (int c = 0; c < changes; c++) {
          change(state, published, random);
        }
        for (ForwarderView view : VIEWS) {
          if (!streams.containsKey(view) || random.nextInt(60) == 0) { // (re)connect
            streams.put(view, new Streams(random.nextInt(4) != 0));
          }
          Streams stream = streams.get(view);
          OperatorMessage expected = stream.full.next(state.snapshotFor(view));
          var counting = new CountingDesiredVersion[1];
          OperatorMessage message =
              state
                  .read(
                      view,
                      version -> {
                        counting[0] = new CountingDesiredVersion(version);
                        return stream.keyed.next(counting[0]);
                      })
                  .orElseThrow();
          assertThat(message).as("seed %d, step %d, %s", seed, step, view).isEqualTo(expected);
          Snapshot assembled =
              message.hasSnapshot()
                  ? stream.assembly.complete(message.getSnapshot())
                  : stream.assembly.delta(message.getDelta()).orElseThrow();
          assertThat(assembled).isEqualTo(state.snapshotFor(view));
          if (message.hasDelta() && message.getDelta().hasBgpChanges()) {
            assertThat(message.getDelta().hasBgp()).isFalse();
            keyedChanges += counting[0].wholeBgp == 0 ? 1 : 0;
          }
          if (message.hasDelta() && !stream.bgpDeltas) {
            assertThat(message.getDelta().hasBgpChanges())
                .as("an agent without BGP_DELTAS")
                .isFalse();
          }
        }
      }
      assertThat(keyedChanges).as("BGP changes built from the prefixes changed").isGreaterThan(500);
    }
  }

  @Test
  void oneLoadBalancerAmongAThousandChangedLooksUpItsOwnPrefixOnly() {
    var state = new DesiredState(100);
    state.publishBgpPool("edge", pool("edge", "1", 64512, false));
    var random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      state.publish(owner(i), desired(i, "edge", random));
    }
    var sent = new SentServices(true, true, true);
    var counting = new CountingDesiredVersion[1];
    assertThat(send(state, sent, counting).hasSnapshot()).isTrue();

    state.withdraw(owner(500));
    OperatorMessage delta = send(state, sent, counting);

    assertThat(delta.getDelta().getBgpChanges().getRemovedPrefixesList())
        .containsExactly(
            BgpRendering.prefixOf(desired(500, "edge", random).services().getFirst().getVip()));
    assertThat(delta.getDelta().getBgpChanges().getAdvertisementsList()).isEmpty();
    assertThat(counting[0].bgpRoutes).as("one prefix looked up").isEqualTo(1);
    assertThat(counting[0].wholeBgp).as("no whole configuration built").isZero();
  }

  /** One view's two senders (complete comparison, keyed) and the forwarder's assembly. */
  private static final class Streams {
    final boolean bgpDeltas;
    final SentServices full;
    final SentServices keyed;
    final DeltaAssembly assembly = new DeltaAssembly();

    Streams(boolean bgpDeltas) {
      this.bgpDeltas = bgpDeltas;
      full = new SentServices(true, true, bgpDeltas);
      keyed = new SentServices(true, true, bgpDeltas);
    }
  }

  private static OperatorMessage send(
      DesiredState state, SentServices sent, CountingDesiredVersion[] counting) {
    return state
        .read(
            NODE_A,
            version -> {
              counting[0] = new CountingDesiredVersion(version);
              return sent.next(counting[0]);
            })
        .orElseThrow();
  }

  /**
   * One random change: mostly a LoadBalancer published or withdrawn; now and then a BGP pool
   * changed, gone or back, or a node's labels.
   */
  private static void change(
      DesiredState state, Map<Owner, DesiredServices> published, Random random) {
    int roll = random.nextInt(100);
    if (roll < 3) {
      String node = random.nextBoolean() ? "node-a" : "node-b";
      state.nodeLabels(node, random.nextBoolean() ? Map.of("rack", "r1") : Map.of());
    } else if (roll < 6) {
      switch (random.nextInt(4)) {
        case 0 -> state.publishBgpPool("edge", random.nextInt(4) == 0 ? null : edge(random));
        case 1 -> state.publishBgpPool("core", random.nextInt(4) == 0 ? null : core(random));
        default ->
            state.publishBgpPool(
                "other",
                random.nextInt(3) == 0
                    ? null
                    : pool("other", random.nextBoolean() ? "0" : "9", 64513, false));
      }
    } else {
      Owner owner = owner(random.nextInt(OWNERS));
      if (random.nextInt(6) == 0) {
        state.withdraw(owner);
        published.remove(owner);
      } else {
        String[] pools = {"edge", "core", "other", "lan", null};
        var desired = desired(random.nextInt(OWNERS), pools[random.nextInt(pools.length)], random);
        // Its own key prefix, whatever VIP and pool it drew.
        desired = rekey(desired, owner);
        state.publish(owner, desired);
        published.put(owner, desired);
      }
    }
  }

  private static BgpPoolPlan edge(Random random) {
    return pool("edge", "1", 64512, false)
        .withCommunities(List.of("65000:" + random.nextInt(3)))
        .withLocalPref(random.nextInt(2) * 100);
  }

  private static BgpPoolPlan core(Random random) {
    return pool("core", "2", 64512, true).withLocalPref(50 + random.nextInt(2));
  }

  /** A pool with one or two peers; {@code selective}: only nodes labelled rack=r1. */
  private static BgpPoolPlan pool(String name, String age, long asn, boolean selective) {
    var peers = new ArrayList<BgpNeighbor>();
    peers.add(neighbor("192.0.2.1", name));
    if (name.equals("core")) {
      peers.add(neighbor("192.0.2.2", name));
    }
    return new BgpPoolPlan(
        name,
        age,
        asn,
        peers,
        List.of(),
        0,
        selective
            ? new LabelSelectorBuilder().withMatchLabels(Map.of("rack", "r1")).build()
            : null);
  }

  private static BgpNeighbor neighbor(String address, String pool) {
    return BgpNeighbor.newBuilder()
        .setAddress(address)
        .setAsn(64500)
        .setPort(179)
        .addPools(pool)
        .build();
  }

  private static Owner owner(int i) {
    return new Owner("ns", "lb-" + i);
  }

  private static DesiredServices rekey(DesiredServices desired, Owner owner) {
    var services =
        desired.services().stream()
            .map(
                s ->
                    s.toBuilder()
                        .setKey(owner.namespace() + "/" + owner.name() + "/" + s.getPort())
                        .build())
            .toList();
    return new DesiredServices(
        services,
        desired.requires(),
        desired.nodeLocal(),
        desired.backendNodes(),
        desired.fleet(),
        desired.pool());
  }

  /**
   * LoadBalancer {@code i} of {@code pool}: one or two ports of one VIP (a few VIPs shared, some
   * IPv6), backends on node-a or node-b (some draining), now and then node-local or needing NAT.
   */
  private static DesiredServices desired(int i, String pool, Random random) {
    String vip =
        i % 7 == 0 ? "2001:db8::" + (1 + i % 30) : "198.18." + i / 250 + "." + (1 + i % 250);
    var backendNodes = new HashMap<String, String>();
    var services = RandomServices.of(owner(i), vip, random, backendNodes);
    Set<ProtocolMessageEnum> requires =
        vip.contains(":")
            ? Set.of(Family.IPV6)
            : random.nextInt(6) == 0 ? Set.of(ForwardingMode.NAT) : Set.of(Family.IPV4);
    return new DesiredServices(
        services, requires, random.nextInt(4) == 0, Map.copyOf(backendNodes), null, pool);
  }
}
