package io.gatun.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A cluster-wide set of addresses LoadBalancers take their VIPs from (MetalLB's IPAddressPool). */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Pool")
@Singular("pool")
@Plural("pools")
@ShortNames("gpool")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Capacity", jsonPath = ".status.capacity", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Allocated", jsonPath = ".status.allocated", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Available", jsonPath = ".status.available", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Auto", jsonPath = ".spec.autoAssign", type = Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Pool extends CustomResource<PoolSpec, PoolStatus> {

  public static final String READY = "Ready";
}
