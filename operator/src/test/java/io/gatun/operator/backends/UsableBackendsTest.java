package io.gatun.operator.backends;

import static io.gatun.operator.testing.Fixtures.slice;
import static io.gatun.operator.testing.Fixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Backend;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.Forwarding;
import io.gatun.operator.api.ForwardingMode;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Scheduling;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Observed backends a forwarder would refuse are left out, and the status says which and why. */
class UsableBackendsTest {

  private static final List<IpAddress> IPV4_VIP = List.of(IpAddress.parse("198.18.0.200"));
  private static final LoadBalancerPort HTTP = tcp("http", 80, null);

  @Test
  void backendsOfAFamilyWithoutAVipAreLeftOutAndNamed() {
    var slices =
        List.of(
            slice("v4", List.of("http/TCP/80"), "198.18.0.11"),
            ipv6(slice("v6", List.of("http/TCP/80"), "2001:2::11", "2001:2::12")));

    var usable = UsableBackends.of(EndpointSliceBackends.of("web", slices), spec(null), IPV4_VIP);

    assertThat(usable.counts()).isEqualTo(new BackendCounts(1, 1));
    assertThat(usable.notes())
        .containsExactly(
            "2 backends of another family than the VIP (IPv4 only) are left out, since forwarders"
                + " do not translate between families: 2001:2::11, 2001:2::12");
  }

  @Test
  void whenEveryBackendIsOfAnotherFamilyNoneIsHealthyAndTheStatusSaysWhatToDo() {
    var slices = List.of(ipv6(slice("v6", List.of("http/TCP/80"), "2001:2::11")));

    var usable =
        UsableBackends.of(
            EndpointSliceBackends.of("web", slices), spec(ForwardingMode.DSR), IPV4_VIP);

    assertThat(usable.counts().healthy()).isZero();
    assertThat(usable.forPort(HTTP, IpFamily.IPV4)).isEmpty();
    assertThat(usable.whyNoneHealthy())
        .isEqualTo(
            "1 backend of another family than the VIP (IPv4 only) is left out, since forwarders do"
                + " not translate between families: 2001:2::11: give the LoadBalancer a VIP of"
                + " their family (spec.ipFamilies, spec.ipFamilyPolicy) or backends of the VIP's");
    assertThat(usable.notes()).isEmpty();
  }

  @Test
  void dsrLeavesOutEndpointsListeningOnAnotherPortThanTheVips() {
    var slices =
        List.of(
            slice("a", List.of("http/TCP/8080"), "198.18.0.11", "198.18.0.12"),
            slice("b", List.of("http/TCP/80"), "198.18.0.13"));

    var usable =
        UsableBackends.of(
            EndpointSliceBackends.of("web", slices), spec(ForwardingMode.DSR), IPV4_VIP);

    assertThat(addresses(usable.forPort(HTTP, IpFamily.IPV4))).containsExactly("198.18.0.13:80");
    assertThat(usable.counts()).isEqualTo(new BackendCounts(1, 3));
    assertThat(usable.notes())
        .containsExactly(
            "2 backends listen on another port than the VIP's and DSR cannot translate ports, so"
                + " they get no traffic for that port: 198.18.0.11:8080 for http 80,"
                + " 198.18.0.12:8080 for http 80: make the backends listen on the VIP's ports (the"
                + " Service's targetPort equal to its port) or use forwarding mode FullNAT or NAT");
    assertThat(
            UsableBackends.of(
                    EndpointSliceBackends.of("web", slices), spec(ForwardingMode.NAT), IPV4_VIP)
                .counts())
        .as("NAT translates ports")
        .isEqualTo(new BackendCounts(3, 3));
  }

  @Test
  void moreBackendsThanTheMaglevTableHoldsAreCutToWhatItHoldsAndSaidSo() {
    var addresses = new ArrayList<String>();
    for (int i = 1; i <= 252; i++) {
      addresses.add("198.18." + (i / 200) + "." + (i % 200));
    }
    var slices = List.of(slice("a", List.of("http/TCP/80"), addresses.toArray(String[]::new)));
    var spec =
        new LoadBalancerSpec(
            null,
            null,
            null,
            null,
            null,
            List.of(HTTP),
            new Backends("web", null),
            null,
            null,
            Scheduling.MAGLEV,
            251,
            null,
            null,
            null);

    var usable = UsableBackends.of(EndpointSliceBackends.of("web", slices), spec, IPV4_VIP);

    assertThat(usable.forPort(HTTP, IpFamily.IPV4)).hasSize(250);
    assertThat(usable.notes())
        .containsExactly(
            "2 of 252 backends are left out: a Maglev table of 251 entries holds 250: set"
                + " spec.maglevTableSize to a prime about 100 times the backends, such as 25219");
  }

  private static LoadBalancerSpec spec(ForwardingMode mode) {
    return new LoadBalancerSpec(
        null,
        null,
        List.of(HTTP),
        new Backends("web", null),
        mode == null ? null : new Forwarding(mode),
        null);
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice ipv6(
      io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) {
    slice.setAddressType("IPv6");
    return slice;
  }

  private static List<String> addresses(List<Backend> backends) {
    return backends.stream().map(b -> b.getAddress() + ":" + b.getPort()).toList();
  }
}
