package io.gatun.operator.reconciler;

import static io.gatun.operator.reconciler.Fixtures.port;
import static io.gatun.operator.reconciler.Fixtures.staticBackends;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.api.Backends;
import io.gatun.operator.api.Forwarding;
import io.gatun.operator.api.ForwardingMode;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.Scheduling;
import io.gatun.operator.api.StaticBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancerValidatorTest {

  private final LoadBalancerValidator validator = new LoadBalancerValidator();
  private final List<LoadBalancerPort> http = List.of(port("http", Protocol.TCP, 80, 8080));

  @Test
  void acceptsAPlainFullNatLoadBalancer() {
    var validation =
        validator.validate(
            new LoadBalancerSpec(
                "demo", List.of(), http, staticBackends("198.18.0.11"), null, null));

    assertThat(validation.accepted()).isTrue();
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

    var validation = validator.validate(spec);

    assertThat(validation.invalid())
        .containsExactly(
            "port name http is used twice",
            "port 80/TCP is listed twice",
            "spec.backends needs exactly one of serviceRef or static",
            "spec.addresses: \"198.18.0.300\" has an octet above 255");
  }

  @Test
  void aMissingSpecIsInvalidAndHasNoBackends() {
    assertThat(validator.validate(null).invalid()).containsExactly("spec is missing");
    assertThat(BackendSet.of(null, List.of()).counts().total()).isZero();
  }

  @Test
  void theSamePortNumberMayServeTwoProtocols() {
    var ports =
        List.of(port("dns", Protocol.UDP, 53, null), port("dns-tcp", Protocol.TCP, 53, null));

    assertThat(
            validator
                .validate(
                    new LoadBalancerSpec(
                        null, null, ports, staticBackends("198.18.0.1"), null, null))
                .accepted())
        .isTrue();
  }

  @Test
  void modesAndSchedulersNotProgrammedYetAreUnsupportedNotInvalid() {
    var spec =
        new LoadBalancerSpec(
            null,
            null,
            http,
            staticBackends("198.18.0.11"),
            new Forwarding(ForwardingMode.DSR),
            Scheduling.ROUND_ROBIN);

    var validation = validator.validate(spec);

    assertThat(validation.invalid()).isEmpty();
    assertThat(validation.unsupported())
        .containsExactly(
            "forwarding mode DSR is not supported yet (this version programs FullNAT)",
            "scheduling RoundRobin is not supported yet (this version programs Maglev)");
  }

  @Test
  void staticBackendAddressesMustParse() {
    var spec =
        new LoadBalancerSpec(null, null, http, staticBackends("198.18.0.11", "1.2.3"), null, null);

    assertThat(validator.validate(spec).invalid())
        .containsExactly("spec.backends.static: \"1.2.3\" is not an IPv4 or IPv6 address");
  }
}
