package io.gatun.forwarder.bgp;

import static io.gatun.forwarder.bgp.BgpFixtures.VIP4;
import static io.gatun.forwarder.bgp.BgpFixtures.VIP6;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdvertisingTest {
  private static final BgpPlan PLAN = BgpPlan.of(BgpFixtures.config());
  private static final Set<String> BOTH = Set.of("default/web/http", "default/web6/http");

  @Test
  void advertisesAVipWhileOneOfItsServicesHasAHealthyBackend() {
    assertThat(Advertising.advertised(PLAN, new Advertising.Readiness(true, true, BOTH)))
        .containsExactly(VIP4, VIP6);
    assertThat(
            Advertising.advertised(
                PLAN, new Advertising.Readiness(true, true, Set.of("default/web6/http"))))
        .containsExactly(VIP6);
  }

  @Test
  void withdrawsEverythingWhenAPortIsDownOrAWorkerStuck() {
    assertThat(Advertising.advertised(PLAN, new Advertising.Readiness(false, true, BOTH)))
        .isEmpty();
    assertThat(Advertising.advertised(PLAN, new Advertising.Readiness(true, false, BOTH)))
        .isEmpty();
    assertThat(Advertising.unfit(new Advertising.Readiness(false, true, BOTH)))
        .isEqualTo("a data port's link is down");
  }

  @Test
  void withBgpOffNothingIsAdvertised() {
    assertThat(Advertising.advertised(BgpPlan.OFF, new Advertising.Readiness(true, true, BOTH)))
        .isEmpty();
  }

  @Test
  void changingTheAdvertisedSetIsOneVtyshSessionPerFamily() {
    assertThat(BgpSpeaker.networkCommands(PLAN, Set.of(VIP4), Set.of(VIP6)))
        .isEqualTo(
            List.of(
                "router bgp 64512",
                "address-family ipv4 unicast",
                "no network " + VIP4,
                "exit-address-family",
                "address-family ipv6 unicast",
                "network " + VIP6,
                "exit-address-family"));
  }
}
