package io.gatun.forwarder.bgp;

import io.gatun.control.v1.Bfd;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;

/** One BgpConfig as the operator renders it: an IPv4 and an IPv6 router, one VIP of each. */
final class BgpFixtures {
  private BgpFixtures() {}

  static final String VIP4 = "198.18.9.1/32";
  static final String VIP6 = "2001:2:9::1/128";

  static BgpConfig config() {
    return BgpConfig.newBuilder()
        .setLocalAsn(64512)
        .addNeighbors(
            BgpNeighbor.newBuilder()
                .setAddress("198.18.1.1")
                .setAsn(64500)
                .setPassword("s3cret")
                .setHoldTimeSeconds(9)
                .setBfd(
                    Bfd.newBuilder()
                        .setReceiveIntervalMillis(100)
                        .setTransmitIntervalMillis(100)
                        .setDetectMultiplier(3))
                .addPools("default/bgp"))
        .addNeighbors(
            BgpNeighbor.newBuilder()
                .setAddress("2001:2:1::1")
                .setAsn(64512)
                .setPort(1179)
                .setEbgpMultihop(0)
                .addPools("default/bgp"))
        .addAdvertisements(
            BgpAdvertisement.newBuilder()
                .setPrefix(VIP4)
                .addCommunities("65000:100")
                .addCommunities("65000:1:2")
                .setLocalPref(200)
                .addNeighbors("198.18.1.1")
                .addServiceKeys("default/web/http")
                .setPool("default/bgp"))
        .addAdvertisements(
            BgpAdvertisement.newBuilder()
                .setPrefix(VIP6)
                .addNeighbors("2001:2:1::1")
                .addServiceKeys("default/web6/http")
                .setPool("default/bgp"))
        .build();
  }
}
