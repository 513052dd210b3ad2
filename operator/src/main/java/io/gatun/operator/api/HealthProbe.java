package io.gatun.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** How backends are checked; LoadBalancers name it in {@code spec.healthProbeRef}. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("HealthProbe")
@Singular("healthprobe")
@Plural("healthprobes")
@ShortNames({"hp", "probe"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Type", jsonPath = ".spec.type", type = Type.STRING)
@AdditionalPrinterColumn(name = "Port", jsonPath = ".spec.port", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Period", jsonPath = ".spec.periodMillis", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Used By", jsonPath = ".status.usedBy", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Valid",
    jsonPath = ".status.conditions[?(@.type==\"Valid\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class HealthProbe extends CustomResource<HealthProbeSpec, HealthProbeStatus>
    implements Namespaced {

  /** The spec is well formed. */
  public static final String VALID = "Valid";
}
