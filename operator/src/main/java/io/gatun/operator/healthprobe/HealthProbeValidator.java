package io.gatun.operator.healthprobe;

import io.gatun.operator.api.HealthProbe;
import io.gatun.operator.schema.CrdRules;
import io.gatun.operator.schema.Validation;
import java.util.ArrayList;
import java.util.List;

/** Checks a HealthProbe: its CEL rules (servers before 1.25 ignore them). */
public final class HealthProbeValidator {

  private final CrdRules rules;

  public HealthProbeValidator(CrdRules rules) {
    this.rules = rules;
  }

  public Validation validate(HealthProbe probe) {
    if (probe.getSpec() == null) {
      return new Validation(List.of("spec is missing"), List.of());
    }
    if (probe.getSpec().type() == null) {
      return new Validation(List.of("spec.type is required"), List.of());
    }
    return new Validation(new ArrayList<>(rules.check(probe)), List.of());
  }
}
