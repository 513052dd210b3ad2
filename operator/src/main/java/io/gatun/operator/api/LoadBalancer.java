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
 * <p>Printer columns show the first value of a list only, hence {@code status.addressSummary} and
 * {@code status.ports} as text. The generator orders columns by JSON path (metadata, spec, status),
 * not as listed here.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("LoadBalancer")
@Singular("loadbalancer")
@Plural("loadbalancers")
@ShortNames({"lb", "glb"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.forwarding.mode", type = Type.STRING)
@AdditionalPrinterColumn(name = "VIP", jsonPath = ".status.addressSummary", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ports", jsonPath = ".status.ports", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Backends",
    jsonPath = ".status.backends.summary",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Pool", jsonPath = ".status.pool", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Announced By",
    jsonPath = ".status.announcedBy",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class LoadBalancer extends CustomResource<LoadBalancerSpec, LoadBalancerStatus>
    implements Namespaced {

  /** The spec is well formed and this operator can serve it. */
  public static final String VALID = "Valid";

  /** The LoadBalancer holds its address(es). */
  public static final String ALLOCATED = "Allocated";

  /** Every connected forwarder runs the current configuration. */
  public static final String PROGRAMMED = "Programmed";

  /** At least one backend takes traffic. */
  public static final String BACKENDS_HEALTHY = "BackendsHealthy";

  /**
   * Each VIP is answered on the network by a forwarder (L2: the one that owns it), and no other
   * device answers for it too. Informational: it does not hold Ready back.
   */
  public static final String ANNOUNCED = "Announced";

  /** Valid, allocated, programmed, and with a healthy backend: traffic flows. */
  public static final String READY = "Ready";

  /**
   * Annotation: the addresses (comma-separated) this LoadBalancer had before it was made anew,
   * taken again when it has none and they are free in a pool it may use, instead of the lowest free
   * one. The operator writes it on a LoadBalancer it generates for a Service whose {@code
   * status.loadBalancer.ingress} already lists addresses (the Service kept them while Gatun was
   * uninstalled, or while its LoadBalancer was deleted): so a reinstall gives Services their VIPs
   * back. A preference, never a claim: {@code spec.addresses} is the claim.
   */
  public static final String PREVIOUS_ADDRESSES = ApiGroup.GROUP + "/previous-addresses";
}
