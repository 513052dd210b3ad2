package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ProtocolMessageEnum;
import io.gatun.control.delta.CountingDesiredVersion;
import io.gatun.control.delta.SentServices;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.operator.ipam.Owner;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The desired state hands its senders what changed by key: a delta after one LoadBalancer changed
 * looks up that LoadBalancer's services only, and over random publishes and withdrawals (fleet
 * shares, node-local backends, draining ones, capabilities a forwarder lacks) every keyed message
 * is the one the comparison of the complete snapshot gives, for every forwarder's view.
 */
class DesiredStateDeltaTest {

  private static final ForwarderView ANY = new ForwarderView("node-a", Set.of());
  // Lacks DRAINING (gets serving backends only) and IPV6 (gets no IPv6 LoadBalancer).
  private static final ForwarderView OLD =
      new ForwarderView("node-b", Set.of(Family.IPV4, Feature.DELTA_SNAPSHOTS));
  private static final FleetPool POOL =
      FleetPool.newBuilder().setName("l2").setIntervalMillis(100).build();

  @Test
  void aDeltaAfterOneChangeAmongAThousandLooksUpThatLoadBalancersServicesOnly() {
    var state = new DesiredState(100);
    var random = new Random(1);
    for (int i = 0; i < 1000; i++) {
      state.publish(owner(i), desired(i, random));
    }
    var sent = new SentServices(true, true);
    var counting = new CountingDesiredVersion[1];
    OperatorMessage first = send(state, ANY, sent, counting);
    assertThat(first.hasSnapshot()).isTrue();

    state.publish(owner(500), desired(500, random));
    OperatorMessage delta = send(state, ANY, sent, counting);

    assertThat(delta.getDelta().getServicesList())
        .extracting(v -> v.getService().getKey())
        .isNotEmpty()
        .allMatch(key -> key.startsWith("ns/lb-500/"));
    assertThat(counting[0].completes).as("no complete snapshot built").isZero();
    assertThat(counting[0].services)
        .as("lookups: lb-500's services before and after")
        .isLessThanOrEqualTo(4);
  }

  @Test
  void keyedMessagesAreThoseOfTheCompleteComparisonInEveryView() {
    for (long seed = 1; seed <= 3; seed++) {
      run(new Random(seed));
    }
  }

  private static void run(Random random) {
    var state = new DesiredState(100);
    var keyed = new HashMap<ForwarderView, SentServices>();
    var full = new HashMap<ForwarderView, SentServices>();
    // The same fleet deltas on both sides of a view.
    for (var view : List.of(ANY, OLD)) {
      boolean fleetDeltas = random.nextBoolean();
      keyed.put(view, new SentServices(true, fleetDeltas));
      full.put(view, new SentServices(true, fleetDeltas));
    }
    var counting = new CountingDesiredVersion[1];
    int keyedDeltas = 0;
    for (int step = 0; step < 1500; step++) {
      // Mostly one change a message, sometimes a few; once, more than the state remembers.
      int changes = step == 700 ? 1100 : random.nextInt(8) == 0 ? 1 + random.nextInt(30) : 1;
      for (int c = 0; c < changes; c++) {
        int i = random.nextInt(60);
        if (random.nextInt(6) == 0) {
          state.withdraw(owner(i));
        } else {
          state.publish(owner(i), desired(i, random));
        }
      }
      for (var view : List.of(ANY, OLD)) {
        if (random.nextInt(50) == 0) { // reconnect
          boolean fleetDeltas = random.nextBoolean();
          keyed.put(view, new SentServices(true, fleetDeltas));
          full.put(view, new SentServices(true, fleetDeltas));
        }
        OperatorMessage expected = full.get(view).next(state.snapshotFor(view));
        OperatorMessage message = send(state, view, keyed.get(view), counting);
        assertThat(message).as("step %d, view %s", step, view.node()).isEqualTo(expected);
        if (message.hasDelta() && counting[0].completes == 0) {
          keyedDeltas++;
        }
      }
    }
    assertThat(keyedDeltas).as("most deltas built from the keys").isGreaterThan(2000);
  }

  private static OperatorMessage send(
      DesiredState state,
      ForwarderView view,
      SentServices sent,
      CountingDesiredVersion[] counting) {
    return state
        .read(
            view,
            version -> {
              counting[0] = new CountingDesiredVersion(version);
              return sent.next(counting[0]);
            })
        .orElseThrow();
  }

  private static Owner owner(int i) {
    return new Owner("ns", "lb-" + i);
  }

  /**
   * LoadBalancer {@code i}: one or two services with random backends (some draining, some on
   * node-a), now and then node-local or IPv6 only, most in an L2 Pool with a random share.
   */
  private static DesiredServices desired(int i, Random random) {
    String vip = "198.18.0." + (1 + i % 40); // some VIPs shared
    var backendNodes = new HashMap<String, String>();
    var services = RandomServices.of(owner(i), vip, random, backendNodes);
    Set<ProtocolMessageEnum> requires =
        random.nextInt(8) == 0 ? Set.of(Family.IPV6) : Set.of(Family.IPV4);
    var desired =
        new DesiredServices(services, requires, random.nextInt(5) == 0, Map.copyOf(backendNodes));
    if (random.nextInt(4) == 0) {
      return desired;
    }
    var share =
        FleetVip.newBuilder()
            .setAddress(vip)
            .setPool("l2")
            .setRestricted(random.nextBoolean())
            .addCandidateNodes(random.nextBoolean() ? "node-a" : "node-b")
            .build();
    var pool = random.nextInt(20) == 0 ? POOL.toBuilder().setIntervalMillis(200).build() : POOL;
    return desired.withFleet(new FleetShare(pool, List.of(share)));
  }
}
