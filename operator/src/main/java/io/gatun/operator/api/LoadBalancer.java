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

/**
 * One virtual service: VIP(s) and ports in front of a set of backends.
 *
 * <p>Printer columns show the first value of a list only, hence {@code status.ports} as text. The
 * generator orders columns by JSON path (metadata, spec, status), not as listed here.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("LoadBalancer")
@Singular("loadbalancer")
@Plural("loadbalancers")
@ShortNames("glb")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "VIP", jsonPath = ".status.addresses[*]", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ports", jsonPath = ".status.ports", type = Type.STRING)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.forwarding.mode", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Backends",
    jsonPath = ".status.backends.healthy",
    type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Total",
    jsonPath = ".status.backends.total",
    type = Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class LoadBalancer extends CustomResource<LoadBalancerSpec, LoadBalancerStatus>
    implements Namespaced {

  /** The spec is well formed and supported by this operator. */
  public static final String ACCEPTED = "Accepted";

  /** The LoadBalancer holds its address(es). */
  public static final String ALLOCATED = "Allocated";

  /** Every connected forwarder runs the current configuration. */
  public static final String PROGRAMMED = "Programmed";

  /** Accepted, allocated, programmed, and at least one backend ready: traffic flows. */
  public static final String READY = "Ready";
}
