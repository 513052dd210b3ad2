package io.gatun.operator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.gatun.operator.api.ExternalTrafficPolicy;
import io.gatun.operator.api.ForwardingMode;
import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.IpFamilyPolicy;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.Protocol;
import org.junit.jupiter.api.Test;

class ServiceTranslationTest {

  @Test
  void portsPoliciesAndAnnotationsBecomeTheLoadBalancerSpec() {
    var service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .addToAnnotations("lb.gatun.io/pool", "demo")
            .addToAnnotations("lb.gatun.io/forwarding-mode", "DSR")
            .addToAnnotations("lb.gatun.io/addresses", "198.18.0.5, 2001:2::5")
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withExternalTrafficPolicy("Local")
            .withIpFamilyPolicy("RequireDualStack")
            .withIpFamilies("IPv6", "IPv4")
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withTargetPort(new IntOrString("web"))
            .endPort()
            .addNewPort()
            .withProtocol("UDP")
            .withPort(53)
            .withTargetPort(new IntOrString(5353))
            .endPort()
            .endSpec()
            .build();

    var result = ServiceTranslation.of(service);

    assertThat(result.problems()).isEmpty();
    var spec = result.spec();
    assertThat(spec.poolRef()).isEqualTo("demo");
    assertThat(spec.forwardingModeOrDefault()).isEqualTo(ForwardingMode.DSR);
    assertThat(spec.addresses()).containsExactly("198.18.0.5", "2001:2::5");
    assertThat(spec.externalTrafficPolicy()).isEqualTo(ExternalTrafficPolicy.Local);
    assertThat(spec.ipFamilyPolicy()).isEqualTo(IpFamilyPolicy.REQUIRE_DUAL_STACK);
    assertThat(spec.ipFamilies()).containsExactly(IpFamilyName.IPv6, IpFamilyName.IPv4);
    assertThat(spec.ports())
        .as("a named targetPort resolves through the slices; an unnamed port gets a name")
        .containsExactly(
            new LoadBalancerPort("http", Protocol.TCP, 80, null),
            new LoadBalancerPort("udp-53", Protocol.UDP, 53, 5353));
    assertThat(spec.backends().serviceRef()).isEqualTo("web");
  }

  @Test
  void aBadAnnotationIsReportedAndLeftOutAndLoadBalancerIpIsHonoured() {
    var service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .addToAnnotations("lb.gatun.io/forwarding-mode", "Teleport")
            .endMetadata()
            .withNewSpec()
            .withType("LoadBalancer")
            .withLoadBalancerIP("198.18.0.9")
            .addNewPort()
            .withPort(80)
            .endPort()
            .endSpec()
            .build();

    var result = ServiceTranslation.of(service);

    assertThat(result.problems())
        .containsExactly(
            "annotation lb.gatun.io/forwarding-mode: \"Teleport\" is not FullNAT, NAT or DSR;"
                + " using FullNAT");
    assertThat(result.spec().forwarding()).isNull();
    assertThat(result.spec().addresses()).containsExactly("198.18.0.9");
  }
}
