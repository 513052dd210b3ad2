package io.gatun.operator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceWarningsTest {

  private final List<String> events = new ArrayList<>();
  private final ServiceWarnings warnings =
      new ServiceWarnings(
          (regarding, type, reason, message) -> events.add(reason + ": " + message));
  private final Service web =
      new ServiceBuilder()
          .withNewMetadata()
          .withName("web")
          .withNamespace("x")
          .endMetadata()
          .build();

  @Test
  void eachReasonIsReportedOncePerDistinctSetOfProblemsAlsoWhenTwoAlternate() {
    for (int reconcile = 0; reconcile < 3; reconcile++) {
      warnings.report(web, "InvalidAnnotation", List.of("bad mode"));
      warnings.report(web, "NameConflict", List.of("taken"));
    }
    assertThat(events).containsExactly("InvalidAnnotation: bad mode", "NameConflict: taken");

    warnings.report(web, "InvalidAnnotation", List.of("bad mode", "bad pool"));
    warnings.report(web, "NameConflict", List.of());
    warnings.report(web, "NameConflict", List.of("taken"));
    assertThat(events)
        .containsExactly(
            "InvalidAnnotation: bad mode",
            "NameConflict: taken",
            "InvalidAnnotation: bad mode; bad pool",
            "NameConflict: taken");
  }

  @Test
  void aServiceThatIsForgottenIsReportedAgain() {
    warnings.report(web, "InvalidAnnotation", List.of("bad mode"));
    warnings.forget(web);
    warnings.report(web, "InvalidAnnotation", List.of("bad mode"));
    assertThat(events).hasSize(2);
  }
}
