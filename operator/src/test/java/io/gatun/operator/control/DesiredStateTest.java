package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.Owner;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DesiredStateTest {

  private final DesiredState state = new DesiredState(100);
  private final AtomicInteger changes = new AtomicInteger();
  private final Owner web = new Owner("default", "web");
  private final Owner echo = new Owner("default", "echo");

  DesiredStateTest() {
    state.addListener(changes::incrementAndGet);
  }

  @Test
  void aChangeBumpsTheSnapshotVersionAndRepublishingTheSameChangesNothing() {
    long first = state.publish(web, desired(service("default/web/http")));
    long again = state.publish(web, desired(service("default/web/http")));

    assertThat(first).isEqualTo(101);
    assertThat(again).isEqualTo(101);
    assertThat(state.snapshotVersion()).isEqualTo(101);
    assertThat(changes).hasValue(1);
  }

  @Test
  void theSnapshotHoldsEveryOwnersServicesOrderedByKey() {
    state.publish(web, desired(service("default/web/http"), service("default/web/dns")));
    state.publish(echo, desired(service("default/echo/http")));

    var snapshot = state.snapshotFor(ANY);

    assertThat(snapshot.getSnapshotVersion()).isEqualTo(102);
    assertThat(snapshot.getServicesList())
        .extracting(VirtualService::getKey)
        .containsExactly("default/echo/http", "default/web/dns", "default/web/http");
  }

  @Test
  void withdrawingRemovesTheServicesOnceAndRemembersNothing() {
    state.publish(web, desired(service("default/web/http")));

    state.withdraw(web);
    state.withdraw(web);

    assertThat(state.snapshotFor(ANY).getServicesCount()).isZero();
    assertThat(state.snapshotVersion()).isEqualTo(102);
    assertThat(state.snapshotVersionOf(web)).isEmpty();
    assertThat(changes).hasValue(2);
  }

  @Test
  void remembersWhenEachOwnersCurrentServicesFirstAppeared() {
    long webSnapshotVersion = state.publish(web, desired(service("default/web/http")));
    long echoSnapshotVersion = state.publish(echo, desired(service("default/echo/http")));
    state.publish(web, desired(service("default/web/http")));

    assertThat(state.snapshotVersionOf(web)).hasValue(webSnapshotVersion);
    assertThat(state.publishedBetween(webSnapshotVersion, echoSnapshotVersion))
        .containsExactly(echo);
    assertThat(state.publishedBetween(0, Long.MAX_VALUE)).containsExactlyInAnyOrder(web, echo);
  }

  @Test
  void advancesPastASnapshotVersionAForwarderAlreadyRuns() {
    state.advancePast(5_000);

    assertThat(state.snapshotVersion()).isEqualTo(5_001);
    assertThat(state.publish(web, desired(service("k")))).isEqualTo(5_002);

    state.advancePast(10);
    assertThat(state.snapshotVersion()).isEqualTo(5_002);
  }

  @Test
  void holdsSnapshotsBackUntilEveryKnownOwnerWasHeardFrom() {
    state.holdUntilHeardFrom(Set.of(web, echo));

    state.publish(web, desired(service("default/web/http")));
    assertThat(state.latestFor(ANY)).isEmpty();

    state.withdraw(echo); // had nothing to withdraw, but it has been heard from
    assertThat(state.latestFor(ANY)).isPresent();
    assertThat(state.latestFor(ANY).orElseThrow().getServicesCount()).isEqualTo(1);
    assertThat(changes).as("opening the hold notifies the senders").hasValue(2);
  }

  @Test
  void releasingTheHoldReportsWhoWasNeverHeardFrom() {
    state.holdUntilHeardFrom(Set.of(web, echo));
    state.publish(web, desired(service("default/web/http")));

    assertThat(state.releaseHold()).containsExactly(echo);
    assertThat(state.latestFor(ANY)).isPresent();
  }

  @Test
  void afterARestartSnapshotsWaitForTheBgpPoolsToo() {
    state.holdUntilHeardFrom(Set.of(web));
    state.holdUntilBgpPoolsHeardFrom(Set.of("edge"));
    state.publish(web, desired(service("default/web/http")));

    assertThat(state.latestFor(ANY))
        .as("a snapshot without edge's routes would withdraw them everywhere")
        .isEmpty();

    int before = changes.get();
    state.publishBgpPool("edge", new BgpPoolPlan("edge", "", 64512, List.of(), List.of(), 0, null));
    assertThat(state.latestFor(ANY)).isPresent();
    assertThat(changes.get()).as("the listeners hear it may go").isGreaterThan(before);
  }

  @Test
  void aBgpPoolHeardFromUnchangedStillReleasesTheHold() {
    var plan = new BgpPoolPlan("edge", "", 64512, List.of(), List.of(), 0, null);
    state.publishBgpPool("edge", plan);
    state.holdUntilHeardFrom(Set.of());
    state.holdUntilBgpPoolsHeardFrom(Set.of("edge"));

    state.publishBgpPool("edge", plan);

    assertThat(state.latestFor(ANY)).isPresent();
  }

  @Test
  void aForwarderLackingACapabilityGetsNoneOfTheServicesThatNeedIt() {
    state.publish(
        web,
        new DesiredServices(
            List.of(service("default/web/http")), Set.of(ForwardingMode.NAT), false, Map.of()));
    state.publish(echo, desired(service("default/echo/http")));

    var fullNatOnly = new ForwarderView("node-a", Set.of(Family.IPV4, ForwardingMode.FULL_NAT));
    var natToo =
        new ForwarderView(
            "node-b", Set.of(Family.IPV4, ForwardingMode.FULL_NAT, ForwardingMode.NAT));

    assertThat(state.snapshotFor(fullNatOnly).getServicesList())
        .extracting(VirtualService::getKey)
        .containsExactly("default/echo/http");
    assertThat(state.snapshotFor(natToo).getServicesList())
        .extracting(VirtualService::getKey)
        .containsExactly("default/echo/http", "default/web/http");
    assertThat(state.snapshotFor(ANY).getServicesCount()).as("no capabilities: all").isEqualTo(2);
  }

  @Test
  void nodeLocalServicesCarryOnlyTheBackendsOnTheForwardersNode() {
    var service =
        service("default/web/http").toBuilder()
            .addBackends(Backend.newBuilder().setAddress("10.0.0.1").setPort(8080))
            .addBackends(Backend.newBuilder().setAddress("10.0.0.2").setPort(8080))
            .addBackends(Backend.newBuilder().setAddress("10.0.0.3").setPort(8080))
            .build();
    state.publish(
        web,
        new DesiredServices(
            List.of(service),
            Set.of(),
            true,
            Map.of("10.0.0.1", "node-a", "10.0.0.2", "node-b", "10.0.0.3", "node-a")));

    assertThat(backends(state.snapshotFor(new ForwarderView("node-a", Set.of()))))
        .containsExactly("10.0.0.1", "10.0.0.3");
    assertThat(backends(state.snapshotFor(new ForwarderView("node-b", Set.of()))))
        .containsExactly("10.0.0.2");
    assertThat(backends(state.snapshotFor(new ForwarderView("node-c", Set.of())))).isEmpty();
  }

  @Test
  void aForwarderThatCannotDrainGetsNoDrainingBackends() {
    var service =
        service("default/web/http").toBuilder()
            .addBackends(Backend.newBuilder().setAddress("10.0.0.1").setPort(8080))
            .addBackends(
                Backend.newBuilder().setAddress("10.0.0.2").setPort(8080).setDraining(true))
            .build();
    state.publish(web, desired(service));

    assertThat(
            backends(
                state.snapshotFor(
                    new ForwarderView("node-a", Set.of(Family.IPV4, Feature.DRAINING)))))
        .containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(backends(state.snapshotFor(new ForwarderView("node-a", Set.of(Family.IPV4)))))
        .as("it would take the draining one for a serving one")
        .containsExactly("10.0.0.1");
  }

  /**
   * Snapshots are kept up to date by each publish and withdrawal rather than rebuilt: after
   * hundreds of random ones, node-local services and several views among them, every view's
   * snapshot equals the one a fresh desired state builds from the same services, and the owners of
   * each VIP are those whose services have it.
   */
  @Test
  void snapshotsKeptUpToDateEqualSnapshotsBuiltAfresh() {
    var random = new java.util.Random(15);
    var views =
        List.of(
            ANY,
            new ForwarderView("node-a", Set.of()),
            new ForwarderView("node-b", Set.of(Family.IPV4, ForwardingMode.FULL_NAT)),
            new ForwarderView("node-b", Set.of(Family.IPV4, Feature.DRAINING)));
    var current = new java.util.HashMap<Owner, DesiredServices>();
    for (int step = 0; step < 600; step++) {
      var owner = new Owner("default", "lb-" + random.nextInt(40));
      if (random.nextInt(4) == 0) {
        state.withdraw(owner);
        current.remove(owner);
      } else {
        var desired = randomDesired(owner, random);
        state.publish(owner, desired);
        current.put(owner, desired);
      }
      if (step % 50 == 0 || step == 599) {
        var fresh = new DesiredState(0);
        current.forEach(fresh::publish);
        for (var view : views) {
          assertThat(state.snapshotFor(view).getServicesList())
              .as("step %d, %s", step, view)
              .isEqualTo(fresh.snapshotFor(view).getServicesList());
        }
        for (int v = 1; v <= 5; v++) {
          String vip = "198.18.0." + v;
          assertThat(state.ownersOf(Set.of(vip)))
              .as("step %d, owners of %s", step, vip)
              .isEqualTo(
                  current.entrySet().stream()
                      .filter(
                          e ->
                              e.getValue().services().stream()
                                  .anyMatch(x -> x.getVip().equals(vip)))
                      .map(java.util.Map.Entry::getKey)
                      .collect(java.util.stream.Collectors.toSet()));
        }
      }
    }
  }

  @Test
  void theFleetConfigurationIsRebuiltOnlyWhenAShareChanged() {
    var share =
        new FleetShare(
            FleetPool.newBuilder().setName("l2").setIntervalMillis(100).build(),
            List.of(FleetVip.newBuilder().setAddress("198.18.0.200").setPool("l2").build()));
    state.publish(web, desired(service("default/web/http")).withFleet(share));
    state.publish(echo, desired(service("default/echo/http")).withFleet(share));
    var before = state.snapshotFor(ANY).getFleet();

    // New services, the same shares.
    state.publish(
        echo,
        desired(service("default/echo/http").toBuilder().setPort(81).build()).withFleet(share));
    state.publish(
        web,
        desired(service("default/web/http").toBuilder().setPort(8080).build()).withFleet(share));

    assertThat(state.snapshotFor(ANY).getFleet()).isSameAs(before).isEqualTo(before);
    state.withdraw(web);
    assertThat(state.snapshotFor(ANY).getFleet()).isNotSameAs(before).isEqualTo(before);
    state.withdraw(echo);
    assertThat(state.snapshotFor(ANY).hasFleet()).isFalse();
  }

  @Test
  void aVipSharedByLoadBalancersKeepsTheFirstOwnersShareUntilItLeaves() {
    FleetPool pool = FleetPool.newBuilder().setName("l2").setIntervalMillis(100).build();
    FleetVip open = FleetVip.newBuilder().setAddress("198.18.0.200").setPool("l2").build();
    FleetVip restricted = open.toBuilder().setRestricted(true).addCandidateNodes("node-a").build();
    FleetVip other = FleetVip.newBuilder().setAddress("198.18.0.201").setPool("l2").build();
    // echo sorts before web: its share of the VIP is the fleet's, whoever published first.
    state.publish(
        web,
        desired(service("default/web/http"))
            .withFleet(new FleetShare(pool, List.of(restricted, other))));
    state.publish(
        echo, desired(service("default/echo/http")).withFleet(new FleetShare(pool, List.of(open))));
    assertThat(state.snapshotFor(ANY).getFleet().getVipsList()).containsExactly(open, other);

    state.withdraw(echo);
    assertThat(state.snapshotFor(ANY).getFleet().getVipsList())
        .as("web's share once echo's is gone")
        .containsExactly(restricted, other);
    state.publish(web, desired(service("default/web/http")));
    assertThat(state.snapshotFor(ANY).hasFleet()).as("no share left").isFalse();
  }

  /** One or two services, node-local now and then, with a draining backend now and then. */
  private static DesiredServices randomDesired(Owner owner, java.util.Random random) {
    var services = new java.util.ArrayList<VirtualService>();
    var nodes = new java.util.HashMap<String, String>();
    int ports = 1 + random.nextInt(2);
    for (int p = 0; p < ports; p++) {
      var service =
          service(owner.namespace() + "/" + owner.name() + "/p" + p).toBuilder()
              .setVip("198.18.0." + (1 + random.nextInt(5)))
              .setPort(80 + p);
      for (int b = 0; b < 1 + random.nextInt(3); b++) {
        String address = "10.0." + random.nextInt(4) + "." + (1 + random.nextInt(9));
        service.addBackends(
            Backend.newBuilder()
                .setAddress(address)
                .setPort(8080)
                .setDraining(random.nextInt(8) == 0));
        nodes.put(address, random.nextBoolean() ? "node-a" : "node-b");
      }
      services.add(service.build());
    }
    Set<com.google.protobuf.ProtocolMessageEnum> requires =
        random.nextInt(5) == 0 ? Set.of(ForwardingMode.NAT) : Set.of();
    return new DesiredServices(services, requires, random.nextInt(3) == 0, nodes);
  }

  private static List<String> backends(Snapshot snapshot) {
    return snapshot.getServices(0).getBackendsList().stream().map(Backend::getAddress).toList();
  }

  /** A forwarder that advertises no capabilities: it gets everything. */
  static final ForwarderView ANY = new ForwarderView("node", Set.of());

  static DesiredServices desired(VirtualService... services) {
    return DesiredServices.of(List.of(services));
  }

  static VirtualService service(String key) {
    return VirtualService.newBuilder().setKey(key).setVip("198.18.0.200").setPort(80).build();
  }
}
