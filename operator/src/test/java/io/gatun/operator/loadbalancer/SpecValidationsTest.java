package io.gatun.operator.loadbalancer;

import static io.gatun.operator.testing.Fixtures.loadBalancer;
import static io.gatun.operator.testing.Fixtures.port;
import static io.gatun.operator.testing.Fixtures.staticBackends;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A LoadBalancer is validated again only when its spec changed. */
class SpecValidationsTest {

  private final LoadBalancerValidator validator =
      new LoadBalancerValidator(CrdRules.forKind(LoadBalancer.class));
  private final AtomicInteger validated = new AtomicInteger();
  private final SpecValidations validations =
      new SpecValidations(
          lb -> {
            validated.incrementAndGet();
            return validator.validate(lb);
          });
  private final Owner owner = new Owner("default", "web");

  private static LoadBalancerSpec spec(String backend) {
    return new LoadBalancerSpec(
        "demo",
        null,
        List.of(port("http", Protocol.TCP, 80, 8080)),
        staticBackends(backend),
        null,
        null);
  }

  @Test
  void anEqualSpecReusesTheLastValidationAndAChangedOneIsValidatedAgain() {
    Validation first = validations.of(owner, loadBalancer("web", spec("198.18.0.11")));
    // A new object with an equal spec, as the informer hands over after a status write.
    Validation again = validations.of(owner, loadBalancer("web", spec("198.18.0.11")));
    assertThat(again).isSameAs(first);
    assertThat(validated).hasValue(1);

    Validation changed = validations.of(owner, loadBalancer("web", spec("198.18.0.300")));
    assertThat(validated).hasValue(2);
    assertThat(changed.valid()).isFalse();
    assertThat(first.valid()).isTrue();
  }

  @Test
  void anotherLoadBalancerOrAForgottenOneIsValidatedAfresh() {
    validations.of(owner, loadBalancer("web", spec("198.18.0.11")));
    validations.of(new Owner("default", "echo"), loadBalancer("echo", spec("198.18.0.11")));
    validations.forget(owner);
    validations.of(owner, loadBalancer("web", spec("198.18.0.11")));

    assertThat(validated).hasValue(3);
  }

  @Test
  void aMissingSpecIsNeverTakenForAnEqualOne() {
    assertThat(validations.of(owner, loadBalancer("web", null)).invalid())
        .containsExactly("spec is missing");
    validations.of(owner, loadBalancer("web", null));
    assertThat(validated).hasValue(2);
  }

  /** What the reuse rests on: no rule of the LoadBalancer CRD looks outside its spec. */
  @Test
  void everyCelRuleOfTheLoadBalancerCrdIsUnderItsSpec() {
    var rules = CrdRules.forKind(LoadBalancer.class).describe();
    assertThat(rules).isNotEmpty().allMatch(rule -> rule.startsWith("spec"));
  }
}
