package io.gatun.operator.loadbalancer;

import static io.gatun.operator.testing.Fixtures.loadBalancer;
import static io.gatun.operator.testing.Fixtures.spec;
import static io.gatun.operator.testing.Fixtures.staticBackends;
import static io.gatun.operator.testing.Fixtures.tcp;
import static io.gatun.operator.testing.Fixtures.udp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.ByteString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.StatusRange;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.Encapsulation;
import io.gatun.operator.api.Forwarding;
import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.api.HealthProbeSpec;
import io.gatun.operator.api.HttpMethod;
import io.gatun.operator.api.HttpProbe;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.MaglevTableSize;
import io.gatun.operator.api.PayloadEncoding;
import io.gatun.operator.api.ProbePayload;
import io.gatun.operator.api.ProbeType;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.api.TlsProbe;
import io.gatun.operator.backends.BackendSet;
import io.gatun.operator.backends.StaticBackends;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.ForwarderView;
import io.gatun.operator.healthprobe.HealthChecks;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.Owner;
import java.util.List;
import java.util.Set;
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

    var desired = VirtualServices.of(lb, VIP, backends(lb), null);

    assertThat(desired.services())
        .containsExactly(
            VirtualService.newBuilder()
                .setKey("default/web/dns")
                .setVip("198.18.0.200")
                .setPort(53)
                .setProtocol(Protocol.UDP)
                .setMode(ForwardingMode.FULL_NAT)
                .setScheduling(Scheduling.MAGLEV)
                .setMaglevTableSize(509) // 3 backends: the smallest rung with 300 entries
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
                .setMaglevTableSize(509) // 3 backends: the smallest rung with 300 entries
                .addBackends(backend("198.18.0.11", 8080))
                .addBackends(backend("198.18.0.12", 8080))
                .addBackends(backend("198.18.0.13", 8080))
                .build());
    assertThat(desired.requires())
        .containsExactlyInAnyOrder(
            Family.IPV4, Protocol.TCP, Protocol.UDP, ForwardingMode.FULL_NAT, Scheduling.MAGLEV);
    assertThat(desired.nodeLocal()).isFalse();
  }

  @Test
  void aStaticBackendsOwnPortAndWeightWin() {
    var lb =
        loadBalancer(
            "web",
            spec(
                new Backends(null, List.of(new StaticBackend("198.18.0.11", 9000, 3))),
                tcp("http", 80, null)));

    var service = VirtualServices.of(lb, VIP, backends(lb), null).services().getFirst();

    assertThat(service.getBackendsList())
        .containsExactly(
            Backend.newBuilder().setAddress("198.18.0.11").setPort(9000).setWeight(3).build());
  }

  @Test
  void defaultsAreResolvedHereSoForwardersNeverSeeAZero() {
    var unset =
        loadBalancer(
            "web",
            spec(
                new Backends(null, List.of(new StaticBackend("198.18.0.11", null, null))),
                tcp("http", 80, 8080)));
    var given =
        loadBalancer(
            "given",
            withMaglevTableSize(
                spec(
                    new Backends(null, List.of(new StaticBackend("198.18.0.11", null, 7))),
                    tcp("http", 80, 8080)),
                251));

    var resolved = VirtualServices.of(unset, VIP, backends(unset), null).services().getFirst();
    var kept = VirtualServices.of(given, VIP, backends(given), null).services().getFirst();

    assertThat(resolved.getMaglevTableSize())
        .as("the default table size for one backend, not 0")
        .isEqualTo(MaglevTableSize.forBackends(1))
        .isEqualTo(251);
    assertThat(resolved.getBackends(0).getWeight())
        .as("the default weight, not 0")
        .isEqualTo(StaticBackend.DEFAULT_WEIGHT)
        .isEqualTo(1);
    assertThat(kept.getMaglevTableSize()).isEqualTo(251);
    assertThat(kept.getBackends(0).getWeight()).isEqualTo(7);
  }

  @Test
  void everyApiValueIsTheChannelValueOfItsName() {
    for (var mode : io.gatun.operator.api.ForwardingMode.values()) {
      assertThat(VirtualServices.mode(mode, Encapsulation.None).name()).isEqualTo(mode.name());
    }
    assertThat(VirtualServices.mode(io.gatun.operator.api.ForwardingMode.DSR, Encapsulation.IPIP))
        .isEqualTo(ForwardingMode.DSR_IPIP);
    for (var scheduling : io.gatun.operator.api.Scheduling.values()) {
      assertThat(VirtualServices.scheduling(scheduling).name()).isEqualTo(scheduling.name());
    }
    for (var protocol : io.gatun.operator.api.Protocol.values()) {
      assertThat(
              VirtualServices.protocol(
                      new io.gatun.operator.api.LoadBalancerPort("p", protocol, 80, null))
                  .name())
          .isEqualTo(protocol.name());
    }
  }

  @Test
  void dualStackGivesOneServicePerFamilyWithThatFamilysBackends() {
    var lb =
        loadBalancer(
            "web", spec(staticBackends("198.18.0.11", "2001:2::11"), tcp("http", 80, null)));
    var vips = List.of(IpAddress.parse("198.18.0.200"), IpAddress.parse("2001:2::200"));

    var desired = VirtualServices.of(lb, vips, backends(lb), null);

    assertThat(desired.services())
        .extracting(
            VirtualService::getKey, VirtualService::getVip, s -> s.getBackends(0).getAddress())
        .containsExactly(
            tuple("default/web/http/IPv4", "198.18.0.200", "198.18.0.11"),
            tuple("default/web/http/IPv6", "2001:2::200", "2001:2::11"));
    assertThat(desired.requires()).contains(Family.IPV4, Family.IPV6);
  }

  @Test
  void dsrWithIpipAndAnotherSchedulerNeedThoseCapabilities() {
    var base = spec(staticBackends("198.18.0.11"), tcp("http", 80, null));
    var lb =
        loadBalancer(
            "web",
            new LoadBalancerSpec(
                null,
                null,
                null,
                null,
                null,
                base.ports(),
                base.backends(),
                null,
                new Forwarding(io.gatun.operator.api.ForwardingMode.DSR, Encapsulation.IPIP),
                io.gatun.operator.api.Scheduling.SOURCE_HASH,
                null,
                null,
                null,
                null));

    var desired = VirtualServices.of(lb, VIP, backends(lb), null);

    assertThat(desired.services().getFirst().getMode()).isEqualTo(ForwardingMode.DSR_IPIP);
    assertThat(desired.services().getFirst().getScheduling()).isEqualTo(Scheduling.SOURCE_HASH);
    assertThat(desired.requires())
        .contains(ForwardingMode.DSR_IPIP, Scheduling.SOURCE_HASH)
        .doesNotContain(ForwardingMode.FULL_NAT);
  }

  @Test
  void clientIpAffinityIsCarriedWithItsTimeoutOrTheKubernetesDefault() {
    var base = spec(staticBackends("198.18.0.11"), tcp("http", 80, null));
    for (Integer timeout : new Integer[] {600, null}) {
      var lb =
          loadBalancer(
              "web",
              new LoadBalancerSpec(
                  null,
                  null,
                  null,
                  null,
                  null,
                  base.ports(),
                  base.backends(),
                  null,
                  null,
                  null,
                  null,
                  new io.gatun.operator.api.SessionAffinity(
                      io.gatun.operator.api.SessionAffinityType.ClientIP, timeout),
                  null,
                  null));

      var desired = VirtualServices.of(lb, VIP, backends(lb), null);

      assertThat(desired.services().getFirst().getSessionAffinityTimeoutSeconds())
          .isEqualTo(timeout == null ? 10800 : timeout);
      assertThat(desired.requires()).contains(Feature.SESSION_AFFINITY);
    }
    var none = loadBalancer("plain", base);
    assertThat(
            VirtualServices.of(none, VIP, backends(none), null)
                .services()
                .getFirst()
                .getSessionAffinityTimeoutSeconds())
        .isZero();
    assertThat(VirtualServices.of(none, VIP, backends(none), null).requires())
        .doesNotContain(Feature.SESSION_AFFINITY);
  }

  @Test
  void aHealthProbeBecomesTheHealthCheckOfEveryService() {
    var lb = loadBalancer("web", spec(staticBackends("198.18.0.11"), tcp("http", 80, null)));
    var https = new HealthProbe();
    https.setMetadata(
        new ObjectMetaBuilder().withNamespace("default").withName("web-check").build());
    https.setSpec(
        new HealthProbeSpec(
            ProbeType.HTTPS,
            8443,
            2000,
            500,
            1,
            2,
            null,
            new HttpProbe(
                "/healthz",
                HttpMethod.HEAD,
                "web.example",
                List.of(new io.gatun.operator.api.StatusRange(200, 204))),
            new TlsProbe("web.example", true)));

    var check =
        VirtualServices.of(lb, VIP, backends(lb), https).services().getFirst().getHealthCheck();

    assertThat(check)
        .isEqualTo(
            HealthCheck.newBuilder()
                .setProbe("default/web-check")
                .setType(HealthCheck.Type.HTTPS)
                .setPort(8443)
                .setPeriodMillis(2000)
                .setTimeoutMillis(500)
                .setHealthyThreshold(1)
                .setUnhealthyThreshold(2)
                .setHttpPath("/healthz")
                .setHttpMethod("HEAD")
                .setHttpHost("web.example")
                .addHttpExpectedStatuses(StatusRange.newBuilder().setFrom(200).setTo(204))
                .setTlsServerName("web.example")
                .setTlsSkipVerify(true)
                .build());
  }

  @Test
  void aUdpProbeCarriesItsPayloadAsBytesAndDefaultsTheRest() {
    var probe = new HealthProbe();
    probe.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("dns").build());
    probe.setSpec(
        new HealthProbeSpec(
            ProbeType.UDP,
            null,
            null,
            null,
            null,
            null,
            new ProbePayload("0a0b", "ff", PayloadEncoding.Hex),
            null,
            null));

    var check = HealthChecks.of(probe);

    assertThat(check.getSend()).isEqualTo(ByteString.copyFrom(new byte[] {0x0a, 0x0b}));
    assertThat(check.getExpect()).isEqualTo(ByteString.copyFrom(new byte[] {(byte) 0xff}));
    assertThat(check.getPeriodMillis()).isEqualTo(5000);
    assertThat(check.getTimeoutMillis()).isEqualTo(1000);
    assertThat(check.getHealthyThreshold()).isEqualTo(2);
    assertThat(check.getUnhealthyThreshold()).isEqualTo(3);
    assertThat(check.getPort()).isZero();
  }

  @Test
  void anHttpProbeWithoutARequestIsSentWithTheDocumentedDefaults() {
    var probe = new HealthProbe();
    probe.setMetadata(new ObjectMetaBuilder().withNamespace("default").withName("web").build());
    probe.setSpec(
        new HealthProbeSpec(ProbeType.HTTP, null, null, null, null, null, null, null, null));

    var check = HealthChecks.of(probe);

    assertThat(check.getHttpPath()).isEqualTo("/");
    assertThat(check.getHttpMethod()).isEqualTo("GET");
    assertThat(check.getHttpExpectedStatusesList())
        .as("the forwarder refuses an HTTP check expecting nothing: the default is resolved here")
        .containsExactly(StatusRange.newBuilder().setFrom(200).setTo(399).build());
  }

  @Test
  void staticBackendsOnOneAddressWithTheirOwnPortsAreTwoBackendsInTheSnapshot() {
    var lb =
        loadBalancer(
            "web",
            spec(
                new Backends(
                    null,
                    List.of(
                        new StaticBackend("10.0.0.1", 8081, null),
                        new StaticBackend("10.0.0.1", 8080, null))),
                tcp("http", 80, null)));
    var state = new DesiredState(1);

    state.publish(new Owner("default", "web"), VirtualServices.of(lb, VIP, backends(lb), null));

    var snapshot = state.snapshotFor(new ForwarderView("node-a", Set.of()));
    assertThat(snapshot.getServices(0).getBackendsList())
        .containsExactly(backend("10.0.0.1", 8080), backend("10.0.0.1", 8081));
  }

  private static LoadBalancerSpec withMaglevTableSize(LoadBalancerSpec s, int size) {
    return new LoadBalancerSpec(
        s.poolRef(),
        s.addresses(),
        s.ipFamilyPolicy(),
        s.ipFamilies(),
        s.sharingKey(),
        s.ports(),
        s.backends(),
        s.externalTrafficPolicy(),
        s.forwarding(),
        s.scheduling(),
        size,
        s.sessionAffinity(),
        s.healthProbeRef(),
        s.draining());
  }

  private static BackendSet backends(LoadBalancer lb) {
    return StaticBackends.of(lb.getSpec().backends().staticBackends());
  }

  private static Backend backend(String address, int port) {
    return Backend.newBuilder().setAddress(address).setPort(port).setWeight(1).build();
  }
}
