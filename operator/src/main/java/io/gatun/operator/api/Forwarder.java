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
 * A forwarder as the operator sees it, for users: read-only, created and kept by the operator when
 * a forwarder connects, and kept (Connected=False) when it goes away.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("Forwarder")
@Singular("forwarder")
@Plural("forwarders")
@ShortNames("fwd")
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.node", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Connected",
    jsonPath = ".status.conditions[?(@.type==\"Connected\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Snapshot",
    jsonPath = ".status.appliedSnapshotVersion",
    type = Type.INTEGER)
@AdditionalPrinterColumn(name = "VIPs", jsonPath = ".status.vipCount", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Peers", jsonPath = ".status.peerCount", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "BGP",
    jsonPath = ".status.bgpSessionsEstablished",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Refused", jsonPath = ".status.refusedCount", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "RX pps",
    jsonPath = ".status.rxPacketsPerSecond",
    type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Last Seen",
    jsonPath = ".status.lastSeen",
    type = Type.DATE,
    priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public class Forwarder extends CustomResource<Void, ForwarderStatus> {

  /** Whether the forwarder holds a control-channel stream to the active operator. */
  public static final String CONNECTED = "Connected";

  /** Present with BGP: whether every BGP session of the forwarder is established. */
  public static final String BGP_SESSIONS_ESTABLISHED = "BgpSessionsEstablished";
}
