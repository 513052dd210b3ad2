package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Bytes on the channel per change do not grow with the number of services: one endpoint change, one
 * service added and one removed cost the same at 100, 1,000 and 10,000 services (the complete
 * snapshot, for comparison, grows with them). Prints the figures BENCHMARKS.md quotes.
 */
class DeltaBytesTest {

  private record Cost(int complete, int changed, int added, int removed) {}

  @Test
  void aChangeCostsTheSameWhateverTheNumberOfServices() {
    Map<Integer, Cost> costs = new TreeMap<>();
    for (int n : List.of(100, 1000, 10000)) {
      costs.put(n, measure(n));
    }
    costs.forEach(
        (n, c) ->
            System.out.printf(
                "delta bytes at %d services: complete %d, one endpoint changed %d, one service"
                    + " added %d, one removed %d%n",
                n, c.complete(), c.changed(), c.added(), c.removed()));
    Cost small = costs.get(100);
    Cost large = costs.get(10000);
    // Keys and addresses of larger numbers take a few more characters: a handful of bytes.
    assertThat(large.changed()).isCloseTo(small.changed(), within(16));
    assertThat(large.added()).isCloseTo(small.added(), within(16));
    assertThat(large.removed()).isCloseTo(small.removed(), within(16));
    assertThat(large.complete()).isGreaterThan(50 * small.complete());
  }

  /**
   * In an L2 Pool every LoadBalancer also adds its VIP to the fleet configuration: to a forwarder
   * taking FLEET_DELTAS a LoadBalancer added or removed still costs the same at 10,000 as at 100;
   * to one that does not, the whole fleet configuration goes with it.
   */
  @Test
  void withFleetDeltasAnL2LoadBalancerCostsTheSameWhateverTheirNumber() {
    assertConfigDeltasKeepChangesSmall(Config.L2, "an L2 Pool", "fleet deltas");
  }

  /**
   * In a BGP Pool every LoadBalancer also adds an advertisement to its forwarders' BGP
   * configuration: to a forwarder taking BGP_DELTAS a LoadBalancer added or removed still costs the
   * same at 10,000 as at 100; to one that does not, the whole BGP configuration goes with it.
   */
  @Test
  void withBgpDeltasABgpLoadBalancerCostsTheSameWhateverTheirNumber() {
    assertConfigDeltasKeepChangesSmall(Config.BGP, "a BGP Pool", "BGP deltas");
  }

  /** A change's bytes at 100 and 10,000 services of {@code config}, with and without its deltas. */
  private static void assertConfigDeltasKeepChangesSmall(
      Config config, String pool, String deltas) {
    Map<Integer, Cost> costs = new TreeMap<>();
    Map<Integer, Cost> whole = new TreeMap<>();
    for (int n : List.of(100, 10000)) {
      costs.put(n, measure(n, config, true));
      whole.put(n, measure(n, config, false));
    }
    costs.forEach(
        (n, c) ->
            System.out.printf(
                "delta bytes at %d services in %s: one service added %d, one removed %d"
                    + " (without %s %d and %d)%n",
                n,
                pool,
                c.added(),
                c.removed(),
                deltas,
                whole.get(n).added(),
                whole.get(n).removed()));
    Cost small = costs.get(100);
    Cost large = costs.get(10000);
    assertThat(large.changed()).isCloseTo(small.changed(), within(16));
    assertThat(large.added()).isCloseTo(small.added(), within(24));
    assertThat(large.removed()).isCloseTo(small.removed(), within(24));
    assertThat(whole.get(10000).added()).isGreaterThan(50 * whole.get(100).added());
  }

  /** Beside the services: nothing, an L2 Pool's fleet VIPs, or a BGP Pool's advertisements. */
  private enum Config {
    NONE,
    L2,
    BGP
  }

  private static Cost measure(int n) {
    return measure(n, Config.NONE, false);
  }

  /** With {@code configDeltas} the forwarder takes FLEET_DELTAS and BGP_DELTAS. */
  private static Cost measure(int n, Config config, boolean configDeltas) {
    var desired = new TreeMap<String, VirtualService>();
    for (int i = 0; i < n; i++) {
      var s = service(i, 3);
      desired.put(s.getKey(), s);
    }
    long version = 1;
    var sent = new SentServices(true, configDeltas, configDeltas);
    int complete = sent.next(snapshot(desired, version, config)).getSerializedSize();

    var changed = service(n / 2, 4);
    desired.put(changed.getKey(), changed);
    int changedBytes = sent.next(snapshot(desired, ++version, config)).getSerializedSize();

    var added = service(n, 3);
    desired.put(added.getKey(), added);
    int addedBytes = sent.next(snapshot(desired, ++version, config)).getSerializedSize();

    desired.remove(service(n / 3, 3).getKey());
    int removedBytes = sent.next(snapshot(desired, ++version, config)).getSerializedSize();
    return new Cost(complete, changedBytes, addedBytes, removedBytes);
  }

  /**
   * With L2, each service's VIP in the fleet configuration, as an L2 Pool's are; with BGP, each
   * service's VIP advertised, as a BGP Pool's are.
   */
  private static Snapshot snapshot(
      Map<String, VirtualService> desired, long version, Config config) {
    var snapshot =
        Snapshot.newBuilder().setSnapshotVersion(version).addAllServices(desired.values());
    if (config == Config.BGP) {
      var routes = new TreeMap<String, BgpAdvertisement>();
      desired
          .values()
          .forEach(
              s ->
                  routes.put(
                      s.getVip() + "/32",
                      BgpAdvertisement.newBuilder()
                          .setPrefix(s.getVip() + "/32")
                          .addCommunities("65000:100")
                          .addNeighbors("192.0.2.1")
                          .addServiceKeys(s.getKey())
                          .setPool("edge")
                          .build()));
      snapshot.setBgp(
          BgpConfig.newBuilder()
              .setLocalAsn(64512)
              .addNeighbors(
                  BgpNeighbor.newBuilder().setAddress("192.0.2.1").setAsn(64500).setPort(179))
              .addAllAdvertisements(routes.values()));
    }
    if (config == Config.L2) {
      var vips = new TreeMap<String, FleetVip>();
      desired
          .values()
          .forEach(
              s ->
                  vips.put(
                      s.getVip(),
                      FleetVip.newBuilder().setAddress(s.getVip()).setPool("l2").build()));
      snapshot.setFleet(
          FleetConfig.newBuilder()
              .addPools(
                  FleetPool.newBuilder().setName("l2").setIntervalMillis(100).setMultiplier(3))
              .addAllVips(vips.values()));
    }
    return snapshot.build();
  }

  /** A two-port LoadBalancer's http port with {@code backends} endpoints. */
  private static VirtualService service(int i, int backends) {
    List<Backend> list = new ArrayList<>();
    for (int b = 0; b < backends; b++) {
      list.add(
          Backend.newBuilder()
              .setAddress("10." + (i >> 8 & 255) + "." + (i & 255) + "." + (b + 1))
              .setPort(8080)
              .setWeight(1)
              .build());
    }
    return VirtualService.newBuilder()
        .setKey("default/lb-" + i + "/http")
        .setVip("198.18." + (i / 250) + "." + (1 + i % 250))
        .setPort(80)
        .setProtocol(Protocol.TCP)
        .setMaglevTableSize(509)
        .addAllBackends(list)
        .build();
  }
}
