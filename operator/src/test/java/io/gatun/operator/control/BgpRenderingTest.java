package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.gatun.control.delta.SentServices;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.SnapshotDelta;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.ipam.Owner;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each forwarder's snapshot says FRR must speak, from the BGP pools and the VIPs. */
class BgpRenderingTest {

  private static final ForwarderView NODE_A = new ForwarderView("node-a", Set.of());
  private static final ForwarderView NODE_B = new ForwarderView("node-b", Set.of());

  private final DesiredState state = new DesiredState(100);

  @Test
  void aBgpPoolsVipsAreAdvertisedToItsPeersWithItsAttributesAndServiceKeys() {
    state.publishBgpPool(
        "edge",
        pool("edge", "2026-01-01T00:00:00Z", 64512, null, "198.18.0.1", "2001:2::1")
            .withCommunities(List.of("65000:100", "65000:1:2"))
            .withLocalPref(150));
    state.publish(
        new Owner("default", "web"),
        fromPool(
            "edge",
            service("default/web/http/IPv4", "198.18.1.10"),
            service("default/web/dns/IPv4", "198.18.1.10"),
            service("default/web/http/IPv6", "2001:2::10")));
    state.publish(
        new Owner("default", "l2"), fromPool("lan", service("default/l2/http", "198.18.2.10")));

    BgpConfig bgp = state.snapshotFor(NODE_A).getBgp();

    assertThat(bgp.getLocalAsn()).isEqualTo(64512);
    assertThat(bgp.getNeighborsList())
        .extracting(BgpNeighbor::getAddress)
        .containsExactly("198.18.0.1", "2001:2::1");
    assertThat(bgp.getNeighbors(0).getPoolsList()).containsExactly("edge");
    assertThat(bgp.getAdvertisementsList())
        .as("one route per VIP, not per service; none for the L2 pool's VIP")
        .containsExactly(
            BgpAdvertisement.newBuilder()
                .setPrefix("198.18.1.10/32")
                .addCommunities("65000:100")
                .addCommunities("65000:1:2")
                .setLocalPref(150)
                .addNeighbors("198.18.0.1")
                .addNeighbors("2001:2::1")
                .addServiceKeys("default/web/dns/IPv4")
                .addServiceKeys("default/web/http/IPv4")
                .setPool("edge")
                .build(),
            BgpAdvertisement.newBuilder()
                .setPrefix("2001:2::10/128")
                .addCommunities("65000:100")
                .addCommunities("65000:1:2")
                .setLocalPref(150)
                .addNeighbors("198.18.0.1")
                .addNeighbors("2001:2::1")
                .addServiceKeys("default/web/http/IPv6")
                .setPool("edge")
                .build());
  }

  @Test
  void withoutABgpPoolTheSnapshotHasNoBgpAtAll() {
    state.publish(new Owner("default", "web"), fromPool("lan", service("default/web/http")));

    assertThat(state.snapshotFor(NODE_A).hasBgp()).isFalse();
  }

  @Test
  void onlyForwardersOnNodesTheSelectorMatchesSpeakForThePool() {
    state.publishBgpPool(
        "edge",
        pool("edge", "2026-01-01T00:00:00Z", 64512, selector("edge", "true"), "198.18.0.1"));
    state.publish(new Owner("default", "web"), fromPool("edge", service("default/web/http")));
    state.nodeLabels("node-a", Map.of("edge", "true"));
    state.nodeLabels("node-b", Map.of("edge", "false"));

    assertThat(state.snapshotFor(NODE_A).getBgp().getAdvertisementsCount()).isEqualTo(1);
    assertThat(state.snapshotFor(NODE_B).hasBgp()).isFalse();

    long before = state.snapshotVersion();
    state.nodeLabels("node-b", Map.of("edge", "true"));
    assertThat(state.snapshotVersion()).as("node-b is selected now").isGreaterThan(before);
    assertThat(state.snapshotFor(NODE_B).getBgp().getAdvertisementsCount()).isEqualTo(1);

    before = state.snapshotVersion();
    state.nodeLabels("node-b", Map.of("edge", "true", "zone", "b"));
    assertThat(state.snapshotVersion())
        .as("a label no selector reads makes no new snapshot")
        .isEqualTo(before);
  }

  @Test
  void theOlderPoolsLocalAsnWinsAForwarderAndTheOtherPoolIsLeftOutThere() {
    var older = pool("edge", "2026-01-01T00:00:00Z", 64512, null, "198.18.0.1");
    var newer = pool("core", "2026-02-01T00:00:00Z", 64513, null, "198.18.0.2");
    var sameAs = pool("dmz", "2026-03-01T00:00:00Z", 64512, null, "198.18.0.1", "198.18.0.3");
    state.publishBgpPool("core", newer);
    state.publishBgpPool("edge", older);
    state.publishBgpPool("dmz", sameAs);
    state.publish(
        new Owner("default", "a"), fromPool("edge", service("default/a/http", "198.18.1.1")));
    state.publish(
        new Owner("default", "b"), fromPool("core", service("default/b/http", "198.18.1.2")));
    state.publish(
        new Owner("default", "c"), fromPool("dmz", service("default/c/http", "198.18.1.3")));

    BgpConfig bgp = state.snapshotFor(NODE_A).getBgp();

    assertThat(bgp.getLocalAsn()).isEqualTo(64512);
    assertThat(bgp.getNeighborsList())
        .as("a peer two pools list is one neighbour naming both")
        .containsExactly(
            neighbor("198.18.0.1").toBuilder()
                .clearPools()
                .addPools("edge")
                .addPools("dmz")
                .build(),
            neighbor("198.18.0.3").toBuilder().clearPools().addPools("dmz").build());
    assertThat(bgp.getAdvertisementsList())
        .extracting(BgpAdvertisement::getPrefix)
        .containsExactly("198.18.1.1/32", "198.18.1.3/32");
    assertThat(BgpRendering.conflicts(List.of(older, newer, sameAs), Map.of()))
        .containsOnlyKeys("core")
        .containsEntry("core", older);
  }

  @Test
  void aLocalTrafficVipIsAdvertisedOnlyWhereAServingBackendRuns() {
    state.publishBgpPool("edge", pool("edge", "2026-01-01T00:00:00Z", 64512, null, "198.18.0.1"));
    var service =
        service("default/web/http", "198.18.1.10").toBuilder()
            .addBackends(Backend.newBuilder().setAddress("10.0.0.1").setPort(8080))
            .addBackends(
                Backend.newBuilder().setAddress("10.0.0.2").setPort(8080).setDraining(true))
            .build();
    state.publish(
        new Owner("default", "web"),
        new DesiredServices(
            List.of(service),
            Set.of(),
            true,
            Map.of("10.0.0.1", "node-a", "10.0.0.2", "node-b"),
            null,
            "edge"));

    assertThat(state.snapshotFor(NODE_A).getBgp().getAdvertisementsCount()).isEqualTo(1);
    assertThat(state.snapshotFor(NODE_B).getBgp().getAdvertisementsList())
        .as("a draining backend attracts no new traffic")
        .isEmpty();
    assertThat(state.snapshotFor(NODE_B).getBgp().getNeighborsCount())
        .as("the sessions stay up, ready for a backend to arrive")
        .isEqualTo(1);
  }

  @Test
  void aForwarderThatCannotRunTheServicesDoesNotAttractTheirTraffic() {
    state.publishBgpPool("edge", pool("edge", "2026-01-01T00:00:00Z", 64512, null, "198.18.0.1"));
    state.publish(
        new Owner("default", "web"),
        new DesiredServices(
            List.of(service("default/web/http", "198.18.1.10")),
            Set.of(ForwardingMode.NAT),
            false,
            Map.of(),
            null,
            "edge"));

    var fullNatOnly = new ForwarderView("node-a", Set.of(Family.IPV4, ForwardingMode.FULL_NAT));

    assertThat(state.snapshotFor(fullNatOnly).getBgp().getAdvertisementsList()).isEmpty();
  }

  @Test
  void twoLoadBalancersSharingAVipMakeOneRouteWithBothKeys() {
    state.publishBgpPool("edge", pool("edge", "2026-01-01T00:00:00Z", 64512, null, "198.18.0.1"));
    state.publish(
        new Owner("default", "a"), fromPool("edge", service("default/a/http", "198.18.1.1")));
    state.publish(
        new Owner("default", "b"), fromPool("edge", service("default/b/dns", "198.18.1.1")));

    assertThat(state.snapshotFor(NODE_A).getBgp().getAdvertisementsList())
        .singleElement()
        .extracting(BgpAdvertisement::getServiceKeysList)
        .isEqualTo(List.of("default/a/http", "default/b/dns"));
  }

  @Test
  void aBgpChangeReachesADeltaForwarderAsTheWholeNewConfigurationAndOnlyThen() {
    var sent = new SentServices(true);
    state.publish(new Owner("default", "web"), fromPool("edge", service("default/web/http")));
    assertThat(sent.next(state.snapshotFor(NODE_A)).hasSnapshot()).isTrue();

    state.publishBgpPool("edge", pool("edge", "2026-01-01T00:00:00Z", 64512, null, "198.18.0.1"));
    SnapshotDelta on = sent.next(state.snapshotFor(NODE_A)).getDelta();
    assertThat(on.getServicesCount()).isZero();
    assertThat(on.getBgp()).isEqualTo(state.snapshotFor(NODE_A).getBgp());

    state.publish(
        new Owner("default", "echo"), fromPool("lan", service("default/echo/http", "198.18.2.1")));
    SnapshotDelta unrelated = sent.next(state.snapshotFor(NODE_A)).getDelta();
    assertThat(unrelated.hasBgp()).as("BGP unchanged: not sent").isFalse();

    state.publishBgpPool("edge", null);
    SnapshotDelta off = sent.next(state.snapshotFor(NODE_A)).getDelta();
    assertThat(off.hasBgp()).isTrue();
    assertThat(off.getBgp())
        .as("an empty configuration: BGP off")
        .isEqualTo(BgpConfig.getDefaultInstance());
  }

  private static BgpPoolPlan pool(
      String name, String age, long asn, LabelSelector selector, String... peers) {
    return new BgpPoolPlan(
        name,
        age,
        asn,
        java.util.Arrays.stream(peers)
            .map(p -> neighbor(p).toBuilder().clearPools().addPools(name).build())
            .toList(),
        List.of(),
        0,
        selector);
  }

  private static BgpNeighbor neighbor(String address) {
    return BgpNeighbor.newBuilder().setAddress(address).setAsn(64500).setPort(179).build();
  }

  private static LabelSelector selector(String key, String value) {
    return new LabelSelectorBuilder().withMatchLabels(Map.of(key, value)).build();
  }

  private static DesiredServices fromPool(String pool, VirtualService... services) {
    return DesiredServices.of(List.of(services)).fromPool(pool);
  }

  private static VirtualService service(String key) {
    return service(key, "198.18.1.200");
  }

  private static VirtualService service(String key, String vip) {
    return VirtualService.newBuilder().setKey(key).setVip(vip).setPort(80).build();
  }
}
