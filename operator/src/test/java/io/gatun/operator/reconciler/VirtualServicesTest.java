package io.gatun.operator.reconciler;

import static io.gatun.operator.reconciler.Fixtures.loadBalancer;
import static io.gatun.operator.reconciler.Fixtures.service;
import static io.gatun.operator.reconciler.Fixtures.slice;
import static io.gatun.operator.reconciler.Fixtures.spec;
import static io.gatun.operator.reconciler.Fixtures.staticBackends;
import static io.gatun.operator.reconciler.Fixtures.tcp;
import static io.gatun.operator.reconciler.Fixtures.udp;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a LoadBalancer becomes snapshot content. */
class VirtualServicesTest {

  private static final List<IpAddress> VIP = List.of(IpAddress.parse("198.18.0.200"));

  @Test
  void onePortGivesOneFullNatMaglevServiceKeyedByNamespaceNameAndPort() {
    var lb =
        loadBalancer(
            "web",
            spec(
                staticBackends("198.18.0.13", "198.18.0.11", "198.18.0.12"),
                tcp("http", 80, 8080),
                udp("dns", 53, 5353)));

    var services = VirtualServices.of(lb, VIP, BackendSet.of(lb.getSpec(), List.of()));

    assertThat(services)
        .containsExactly(
            VirtualService.newBuilder()
                .setKey("default/web/dns")
                .setVip("198.18.0.200")
                .setPort(53)
                .setProtocol(Protocol.UDP)
                .setMode(ForwardingMode.FULL_NAT)
                .setScheduling(Scheduling.MAGLEV)
                .addBackends(backend("198.18.0.11", 5353))
                .addBackends(backend("198.18.0.12", 5353))
                .addBackends(backend("198.18.0.13", 5353))
                .build(),
            VirtualService.newBuilder()
                .setKey("default/web/http")
                .setVip("198.18.0.200")
                .setPort(80)
                .setProtocol(Protocol.TCP)
                .setMode(ForwardingMode.FULL_NAT)
                .setScheduling(Scheduling.MAGLEV)
                .addBackends(backend("198.18.0.11", 8080))
                .addBackends(backend("198.18.0.12", 8080))
                .addBackends(backend("198.18.0.13", 8080))
                .build());
  }

  @Test
  void aStaticBackendsOwnPortAndWeightWin() {
    var lb =
        loadBalancer(
            "web",
            spec(
                new Backends(null, List.of(new StaticBackend("198.18.0.11", 9000, 3))),
                tcp("http", 80, null)));

    var service = VirtualServices.of(lb, VIP, BackendSet.of(lb.getSpec(), List.of())).getFirst();

    assertThat(service.getBackendsList())
        .containsExactly(
            Backend.newBuilder().setAddress("198.18.0.11").setPort(9000).setWeight(3).build());
  }

  @Test
  void serviceBackendsAreTheReadyEndpointsOnThePortOfTheSameName() {
    var lb =
        loadBalancer("echo", spec(service("echo"), tcp("http", 80, null), udp("dns", 53, 5300)));
    var slices =
        List.of(
            slice(
                "echo-a", List.of("http/TCP/8080", "dns/UDP/5353"), "198.18.0.12", "198.18.0.11!"),
            slice("echo-b", List.of("http/TCP/8081"), "198.18.0.13", "198.18.0.12"));

    var backends = BackendSet.of(lb.getSpec(), slices);
    var services = VirtualServices.of(lb, VIP, backends);

    assertThat(backends.counts()).isEqualTo(new BackendCounts(2, 3));
    assertThat(services.get(1).getKey()).isEqualTo("default/echo/http");
    assertThat(services.get(1).getBackendsList())
        .as("ports follow each slice's port named http; the not-ready endpoint is left out")
        .containsExactly(backend("198.18.0.12", 8080), backend("198.18.0.13", 8081));
    assertThat(services.get(0).getBackendsList())
        .as("an explicit targetPort wins over the slice's port")
        .containsExactly(backend("198.18.0.12", 5300), backend("198.18.0.13", 5300));
  }

  @Test
  void anEndpointReadyInAnySliceCountsOnceAsReady() {
    var slices =
        List.of(slice("a", List.of(), "198.18.0.11!"), slice("b", List.of(), "198.18.0.11"));

    var backends = BackendSet.of(spec(service("echo")), slices);

    assertThat(backends.counts()).isEqualTo(new BackendCounts(1, 1));
  }

  @Test
  void saysWhyNoBackendIsHealthy() {
    assertThat(BackendSet.of(spec(service("echo")), List.of()).whyNoneHealthy())
        .isEqualTo("Service echo has no endpoints");
    assertThat(
            BackendSet.of(spec(service("echo")), List.of(slice("a", List.of(), "198.18.0.1!")))
                .whyNoneHealthy())
        .isEqualTo("none of the 1 endpoints of Service echo is ready");
  }

  @Test
  void backendsOfAnotherFamilyThanTheVipAreLeftOut() {
    var lb =
        loadBalancer(
            "web", spec(staticBackends("198.18.0.11", "2001:2::11"), tcp("http", 80, null)));

    var service = VirtualServices.of(lb, VIP, BackendSet.of(lb.getSpec(), List.of())).getFirst();

    assertThat(service.getBackendsList()).containsExactly(backend("198.18.0.11", 80));
  }

  private static Backend backend(String address, int port) {
    return Backend.newBuilder().setAddress(address).setPort(port).setWeight(1).build();
  }
}
