package io.gatun.forwarder.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Bfd;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import org.junit.jupiter.api.Test;

class BgpPlanTest {
  @Test
  void anEmptyConfigIsBgpOff() {
    assertThat(BgpPlan.of(BgpConfig.getDefaultInstance()).on()).isFalse();
  }

  @Test
  void readsTheOperatorsConfig() {
    BgpPlan plan = BgpPlan.of(BgpFixtures.config());

    assertThat(plan.problems()).isEmpty();
    assertThat(plan.localAsn()).isEqualTo(64512);
    assertThat(plan.neighbors())
        .extracting(BgpPlan.Neighbor::text)
        .containsExactly("198.18.1.1", "2001:2:1::1");
    assertThat(plan.neighbors().get(0).port()).isEqualTo(179);
    assertThat(plan.neighbors().get(0).bfd()).contains(new BgpPlan.BfdTimers(100, 100, 3));
    assertThat(plan.advertisements().get(0).standardCommunities()).containsExactly("65000:100");
    assertThat(plan.advertisements().get(0).largeCommunities()).containsExactly("65000:1:2");
  }

  @Test
  void aPasswordThatWouldInjectACommandSetsItsNeighbourAsideAlone() {
    BgpConfig config =
        BgpFixtures.config().toBuilder()
            .addNeighbors(
                BgpNeighbor.newBuilder()
                    .setAddress("198.18.1.9")
                    .setAsn(64501)
                    .setPassword("x\n neighbor 198.18.1.1 shutdown"))
            .build();

    BgpPlan plan = BgpPlan.of(config);

    assertThat(plan.neighbors()).hasSize(2);
    assertThat(plan.problems())
        .containsEntry(
            "neighbor 198.18.1.9",
            "password: FRR takes 1 to 80 printable ASCII characters without spaces");
    assertThat(FrrConfigRenderer.render(plan, "f", "198.18.1.2", java.util.Set.of()))
        .doesNotContain("shutdown")
        .doesNotContain("198.18.1.9");
  }

  @Test
  void badValuesAreNamedWithWhatToWriteInstead() {
    BgpConfig config =
        BgpConfig.newBuilder()
            .setLocalAsn(64512)
            .addNeighbors(BgpNeighbor.newBuilder().setAddress("router.example").setAsn(1))
            .addNeighbors(BgpNeighbor.newBuilder().setAddress("198.18.1.2").setAsn(0))
            .addNeighbors(
                BgpNeighbor.newBuilder().setAddress("198.18.1.3").setAsn(1).setHoldTimeSeconds(2))
            .addNeighbors(
                BgpNeighbor.newBuilder()
                    .setAddress("198.18.1.4")
                    .setAsn(1)
                    .setBfd(
                        Bfd.newBuilder()
                            .setReceiveIntervalMillis(5)
                            .setTransmitIntervalMillis(100)
                            .setDetectMultiplier(3)))
            .addNeighbors(BgpNeighbor.newBuilder().setAddress("198.18.1.5").setAsn(1))
            .addAdvertisements(BgpAdvertisement.newBuilder().setPrefix("198.18.9.1"))
            .addAdvertisements(BgpAdvertisement.newBuilder().setPrefix("198.18.9.1/24"))
            .addAdvertisements(
                BgpAdvertisement.newBuilder()
                    .setPrefix("198.18.9.2/32")
                    .addCommunities("no-export!"))
            .addAdvertisements(
                BgpAdvertisement.newBuilder()
                    .setPrefix("198.18.9.3/32")
                    .addNeighbors("198.18.1.5")
                    .addNeighbors("198.18.1.77"))
            .build();

    BgpPlan plan = BgpPlan.of(config);

    assertThat(plan.neighbors()).extracting(BgpPlan.Neighbor::text).containsExactly("198.18.1.5");
    assertThat(plan.problems().get("neighbor router.example")).contains("write e.g. 198.18.1.1");
    assertThat(plan.problems().get("neighbor 198.18.1.2")).contains("asn is 0");
    assertThat(plan.problems().get("neighbor 198.18.1.3"))
        .contains("write 0 (FRR's default) or 3 to 65535");
    assertThat(plan.problems().get("neighbor 198.18.1.4")).contains("10 to 60000 ms");
    assertThat(plan.problems().get("advertisement 198.18.9.1")).contains("prefix needs a length");
    assertThat(plan.problems().get("advertisement 198.18.9.1/24")).contains("host bits set");
    assertThat(plan.problems().get("advertisement 198.18.9.2/32"))
        .contains("community 'no-export!'");
    assertThat(plan.problems().get("advertisement 198.18.9.3/32 to 198.18.1.77"))
        .contains("not advertised to it");
    assertThat(plan.advertisements())
        .extracting(BgpPlan.Advertisement::prefix)
        .containsExactly("198.18.9.3/32");
    assertThat(plan.advertisements().getFirst().neighbors()).containsExactly("198.18.1.5");
  }
}
