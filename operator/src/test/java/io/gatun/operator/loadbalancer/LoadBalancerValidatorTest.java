package io.gatun.operator.loadbalancer;

import static io.gatun.operator.testing.Fixtures.loadBalancer;
import static io.gatun.operator.testing.Fixtures.port;
import static io.gatun.operator.testing.Fixtures.staticBackends;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.api.Backends;
import io.gatun.operator.api.Draining;
import io.gatun.operator.api.Forwarding;
import io.gatun.operator.api.ForwardingMode;
import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's own checks, CEL rules included, on the objects the API server stores. */
class LoadBalancerValidatorTest {

  private final LoadBalancerValidator validator =
      new LoadBalancerValidator(CrdRules.forKind(LoadBalancer.class));
  private final List<LoadBalancerPort> http = List.of(port("http", Protocol.TCP, 80, 8080));

  @Test
  void acceptsAPlainFullNatLoadBalancer() {
    var validation =
        validate(
            new LoadBalancerSpec("demo", null, http, staticBackends("198.18.0.11"), null, null));

    assertThat(validation.valid()).isTrue();
  }

  @Test
  void reportsEveryMistakeNotJustTheFirst() {
    var spec =
        new LoadBalancerSpec(
            null,
            List.of("198.18.0.300"),
            List.of(port("http", Protocol.TCP, 80, null), port("http", Protocol.TCP, 80, null)),
            new Backends("echo", List.of(new StaticBackend("198.18.0.11", null, null))),
            null,
            null);

    assertThat(validate(spec).invalid())
        .containsExactly(
            "spec: port names must be unique: rename the duplicate",
            "spec: each port and protocol pair may appear once in ports: remove the duplicate",
            "spec.backends: backends needs exactly one of serviceRef, selector or static",
            "spec.addresses[0]: \"198.18.0.300\" has an octet above 255 (300): write each of its"
                + " four numbers as 0 to 255");
  }

  @Test
  void aMissingSpecIsInvalid() {
    assertThat(validator.validate(loadBalancer("x", null)).invalid())
        .containsExactly("spec is missing");
  }

  @Test
  void theSamePortNumberMayServeTwoProtocols() {
    var ports =
        List.of(port("dns", Protocol.UDP, 53, null), port("dns-tcp", Protocol.TCP, 53, null));

    assertThat(
            validate(
                    new LoadBalancerSpec(
                        null, null, ports, staticBackends("198.18.0.1"), null, null))
                .valid())
        .isTrue();
  }

  @Test
  void drainingIsValid() {
    var spec =
        new LoadBalancerSpec(
            null,
            null,
            null,
            null,
            null,
            http,
            staticBackends("198.18.0.11"),
            null,
            null,
            null,
            null,
            null,
            null,
            new Draining(30));

    assertThat(validate(spec).valid()).isTrue();
  }

  @Test
  void addressesMustParseAndMatchTheFamilies() {
    var spec =
        new LoadBalancerSpec(
            null,
            List.of("2001:2::1"),
            null,
            List.of(IpFamilyName.IPv4),
            null,
            http,
            staticBackends("198.18.0.11", "1.2.3", "198.18.0.11"),
            null,
            null,
            null,
            65536,
            null,
            null,
            null);

    assertThat(validate(spec).invalid())
        .containsExactly(
            "spec.addresses[0]: 2001:2::1 is IPv6, which spec.ipFamilies does not list",
            "spec.backends.static[1].address: \"1.2.3\" is not an IPv4 or IPv6 address: write an"
                + " IPv4 address (four numbers 0 to 255, such as 198.18.0.10) or an IPv6 address"
                + " (such as 2001:db8::10)",
            "spec.backends.static[2]: 198.18.0.11 is listed twice: one entry per backend",
            "spec.maglevTableSize: 65536 is not prime: use a prime such as 65537 or 131071");
  }

  @Test
  void staticBackendsAreTheSameBackendWhenTheirAddressAndPortAreForSomeLoadBalancerPort() {
    var spec =
        new LoadBalancerSpec(
            "demo",
            null,
            http,
            new Backends(
                null,
                List.of(
                    new StaticBackend("10.0.0.1", 8080, null),
                    new StaticBackend("10.0.0.1", 8081, null),
                    new StaticBackend("10.0.0.1", null, null))),
            null,
            null);

    assertThat(validate(spec).invalid())
        .as("the third takes targetPort 8080, the first's own port")
        .containsExactly(
            "spec.backends.static[2]: 10.0.0.1 port 8080 is also static[0] for port http (a"
                + " backend without a port takes the targetPort): one entry per address and port,"
                + " or give each its own port");
  }

  @Test
  void aBackendHostNameIsRefusedWithWhatToWriteInstead() {
    var spec =
        new LoadBalancerSpec(
            "demo", null, http, staticBackends("web-1.example.com", "198.18.0.11"), null, null);

    assertThat(validate(spec).invalid())
        .containsExactly(
            "spec.backends.static[0].address: \"web-1.example.com\" is a host name, not an"
                + " address: write the IP address it stands for (names are never resolved)");
  }

  @Test
  void theMaglevTableMustBeWithinWhatForwardersBuildAndLargerThanTheBackends() {
    var tooLarge = withTable(staticBackends("198.18.0.11"), 1048573); // prime, above 1000003
    var statics = new String[251];
    for (int i = 0; i < statics.length; i++) {
      statics[i] = "198.18." + (i / 250) + "." + (i % 250 + 1);
    }
    var tooSmall = withTable(staticBackends(statics), 251);

    assertThat(validate(tooLarge).invalid())
        .containsExactly(
            "spec.maglevTableSize: 1048573 is larger than forwarders build (1000003): use a prime"
                + " no larger, such as 65537 or 999983");
    assertThat(validate(tooSmall).invalid())
        .containsExactly(
            "spec.maglevTableSize: 251 is not larger than the 251 static backends: use a prime"
                + " about 100 times the backends, such as 25111");
    assertThat(validate(withTable(staticBackends(statics), 25111)).valid()).isTrue();
  }

  @Test
  void dsrCannotTranslatePortsNeitherByTargetPortNorByAStaticBackendsPort() {
    var spec =
        new LoadBalancerSpec(
            "demo",
            null,
            http, // 80 -> 8080
            new Backends(null, List.of(new StaticBackend("198.18.0.11", 8080, null))),
            new Forwarding(ForwardingMode.DSR),
            null);

    assertThat(validate(spec).invalid())
        .containsExactly(
            "spec: forwarding mode DSR cannot translate ports (the backend answers the client from"
                + " the VIP's port): leave targetPort out or equal to port, or use mode FullNAT or"
                + " NAT",
            "spec: forwarding mode DSR cannot translate ports: a static backend's port must equal"
                + " the port of every entry in ports (or be left out), or use mode FullNAT or NAT");
  }

  @Test
  void aSingleStackVipReachesNoStaticBackendOfTheOtherFamily() {
    var lb =
        loadBalancer(
            "x",
            new LoadBalancerSpec(
                "demo",
                null,
                List.of(port("http", Protocol.TCP, 80, null)),
                staticBackends("198.18.0.11", "2001:2::11"),
                new Forwarding(ForwardingMode.DSR),
                null));

    assertThat(validator.validate(lb).valid()).as("the VIP's family is not known yet").isTrue();
    assertThat(validator.validateFor(lb, List.of(IpAddress.parse("198.18.0.200"))).invalid())
        .containsExactly(
            "spec.backends.static[1].address: 2001:2::11 is IPv6, but the VIP of this SingleStack"
                + " LoadBalancer is IPv4 (198.18.0.200) and forwarders do not translate between"
                + " families: list IPv4 backends, or ask for an IPv6 VIP with spec.ipFamilies:"
                + " [IPv6]");
  }

  private static LoadBalancerSpec withTable(Backends backends, int tableSize) {
    return new LoadBalancerSpec(
        null,
        null,
        null,
        null,
        null,
        List.of(port("http", Protocol.TCP, 80, 8080)),
        backends,
        null,
        null,
        null,
        tableSize,
        null,
        null,
        null);
  }

  private Validation validate(LoadBalancerSpec spec) {
    return validator.validate(loadBalancer("x", spec));
  }
}
