package io.gatun.operator.loadbalancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.control.PassiveCrossing;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.status.EventRecorder;
import io.gatun.operator.status.EventRecorder.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PassiveEventsTest {

  private record Recorded(String name, Type type, String reason, String message) {}

  private final List<Recorded> recorded = new ArrayList<>();
  private final EventRecorder recorder =
      (HasMetadata regarding, Type type, String reason, String message) ->
          recorded.add(new Recorded(regarding.getMetadata().getName(), type, reason, message));
  private final LoadBalancer web = loadBalancer("default", "web");

  private final PassiveEvents events =
      new PassiveEvents(
          recorder,
          owner -> owner.equals(new Owner("default", "web")) ? Optional.of(web) : Optional.empty());

  @Test
  void anEjectionIsAWarningAndAReturnIsNormalOnTheLoadBalancerNamingBackendForwarderAndReason() {
    events.passiveCrossings(
        List.of(
            new PassiveCrossing(
                "fwd-a",
                "default/web/http",
                "198.18.0.12",
                8080,
                true,
                "PassiveFailure: 5 new connections failed in a row (5 reset, 0 unreachable, 0"
                    + " unanswered after 1000 ms)"),
            new PassiveCrossing(
                "fwd-a", "default/web/http", "198.18.0.12", 8080, false, "back on trial after 5 s"),
            new PassiveCrossing("fwd-b", "default/gone/http", "198.18.0.13", 80, true, "x"),
            new PassiveCrossing("fwd-b", "not-ours", "198.18.0.13", 80, true, "x")));

    assertThat(recorded)
        .containsExactly(
            new Recorded(
                "web",
                Type.Warning,
                "BackendEjected",
                "forwarder fwd-a took backend 198.18.0.12:8080 of default/web/http out of"
                    + " rotation: PassiveFailure: 5 new connections failed in a row (5 reset, 0"
                    + " unreachable, 0 unanswered after 1000 ms)"),
            new Recorded(
                "web",
                Type.Normal,
                "BackendReturned",
                "forwarder fwd-a put backend 198.18.0.12:8080 of default/web/http back in"
                    + " rotation: back on trial after 5 s"));
  }

  private static LoadBalancer loadBalancer(String namespace, String name) {
    var lb = new LoadBalancer();
    lb.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    return lb;
  }
}
