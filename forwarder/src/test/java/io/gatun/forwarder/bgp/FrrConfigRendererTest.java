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

  @Test
  void zebraGivesTheKernelInterfacesThePortsAddressesWhileBgpIsOn() {
    var gk0 =
        new KernelInterfaces.KernelInterface(
            "gk0", java.util.List.of("198.18.1.2/24", "2001:2:1::2/64"));

    String on =
        FrrConfigRenderer.render(PLAN, "fwd", "198.18.1.2", Set.of(), java.util.List.of(gk0));
    String off = FrrConfigRenderer.render(BgpPlan.OFF, "fwd", "", Set.of(), java.util.List.of(gk0));

    assertThat(on)
        .contains("interface gk0\n ip address 198.18.1.2/24\n ipv6 address 2001:2:1::2/64\nexit\n");
    // Turning BGP off takes the addresses away again (frr-reload removes the block).
    assertThat(off).doesNotContain("interface").isEqualTo(FrrConfigRenderer.off("fwd"));
  }
}
