package io.gatun.operator.reconciler;

import io.gatun.operator.api.HealthProbe;
import java.util.ArrayList;
import java.util.List;

/** Checks a HealthProbe: its CEL rules (servers before 1.25 ignore them). */
final class HealthProbeValidator {

  private final SchemaRules rules;

  HealthProbeValidator(SchemaRules rules) {
    this.rules = rules;
  }

  Validation validate(HealthProbe probe) {
    if (probe.getSpec() == null) {
      return new Validation(List.of("spec is missing"), List.of());
    }
    if (probe.getSpec().type() == null) {
      return new Validation(List.of("spec.type is required"), List.of());
    }
    return new Validation(new ArrayList<>(rules.check(probe)), List.of());
  }
}
