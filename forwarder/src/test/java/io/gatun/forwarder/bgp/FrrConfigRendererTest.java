package io.gatun.forwarder.bgp;

import static io.gatun.forwarder.bgp.BgpFixtures.VIP4;
import static io.gatun.forwarder.bgp.BgpFixtures.VIP6;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FrrConfigRendererTest {
  private static final BgpPlan PLAN = BgpPlan.of(BgpFixtures.config());

  private static String golden(String name) throws IOException {
    try (InputStream in = FrrConfigRendererTest.class.getResourceAsStream("/bgp/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void rendersNeighboursBfdPoliciesAndOnlyTheAdvertisedNetworks() throws IOException {
    String text = FrrConfigRenderer.render(PLAN, "fwd-1.example", "198.18.1.2", Set.of(VIP4));

    assertThat(text).isEqualTo(golden("frr-one-advertised.conf"));
  }

  @Test
  void withdrawingIsLeavingTheNetworkOut() {
    String both = FrrConfigRenderer.render(PLAN, "fwd", "198.18.1.2", Set.of(VIP4, VIP6));
    String none = FrrConfigRenderer.render(PLAN, "fwd", "198.18.1.2", Set.of());

    assertThat(both).contains("  network " + VIP4 + "\n").contains("  network " + VIP6 + "\n");
    assertThat(none).doesNotContain("network 198").doesNotContain("network 2001");
    // Everything else (sessions, policies) stays: withdrawing does not reset a session.
    assertThat(none.replace("  network " + VIP4 + "\n", ""))
        .isEqualTo(
            both.replace("  network " + VIP4 + "\n", "").replace("  network " + VIP6 + "\n", ""));
  }

  @Test
  void theOrderOfTheAdvertisedSetDoesNotChangeTheText() {
    var a = new java.util.LinkedHashSet<>(java.util.List.of(VIP6, VIP4));
    var b = new java.util.LinkedHashSet<>(java.util.List.of(VIP4, VIP6));

    assertThat(FrrConfigRenderer.render(PLAN, "fwd", "198.18.1.2", a))
        .isEqualTo(FrrConfigRenderer.render(PLAN, "fwd", "198.18.1.2", b));
  }

  @Test
  void bgpOffRendersNoRouter() {
    assertThat(FrrConfigRenderer.render(BgpPlan.OFF, "fwd", "198.18.1.2", Set.of()))
        .doesNotContain("router bgp")
        .doesNotContain("bfd");
  }
}
