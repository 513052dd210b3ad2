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

/**
 * A cluster-wide set of addresses LoadBalancers take their VIPs from, and how they are announced
 * (MetalLB's IPAddressPool plus its advertisements).
 *
 * <p>The generator orders printer columns by JSON path (metadata, spec, status).
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Pool")
@Singular("pool")
@Plural("pools")
@ShortNames("gpool")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Auto", jsonPath = ".spec.autoAssign", type = Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.announcement.mode",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(name = "Capacity", jsonPath = ".status.capacity", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Allocated", jsonPath = ".status.allocated", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Available", jsonPath = ".status.available", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "IPv4 Free",
    jsonPath = ".status.ipv4.available",
    type = Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "IPv6 Free",
    jsonPath = ".status.ipv6.available",
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
public class Pool extends CustomResource<PoolSpec, PoolStatus> {

  /** The spec is well formed, supported and overlaps no older pool. */
  public static final String VALID = "Valid";

  /** Valid, has a free address, and every address in use still lies in its ranges. */
  public static final String READY = "Ready";

  /**
   * BGP mode only: every peer is configured (its password Secret found) and no older BGP Pool with
   * another localASN selects the same forwarders.
   */
  public static final String BGP_CONFIGURED = "BgpConfigured";

  /** BGP mode only: every session of the forwarders with this pool's peers is established. */
  public static final String BGP_SESSIONS_ESTABLISHED = "BgpSessionsEstablished";
}
