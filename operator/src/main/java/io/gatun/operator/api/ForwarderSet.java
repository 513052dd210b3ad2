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
 * How the forwarders of a group of nodes run: the operator renders it into a DaemonSet it owns, as
 * MetalLB's operator renders its speaker. Named after what it makes (a set of forwarder pods, as a
 * ReplicaSet or DaemonSet is a set of pods), apart from {@link Forwarder}, which is one running
 * forwarder as the control channel sees it. Namespaced: it lives beside the operator, where the
 * forwarders' ServiceAccount and TLS Secret are.
 */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("ForwarderSet")
@Singular("forwarderset")
@Plural("forwardersets")
@ShortNames({"fwdset", "fs"})
@Categories(ApiGroup.CATEGORY)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desired", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Scheduled", jsonPath = ".status.scheduled", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.ready", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Up-to-date", jsonPath = ".status.updated", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Available",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Degraded",
    jsonPath = ".status.conditions[?(@.type==\"Degraded\")].reason",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(
    name = "Image",
    jsonPath = ".status.image",
    type = Type.STRING,
    priority = 1)
public class ForwarderSet extends CustomResource<ForwarderSetSpec, ForwarderSetStatus>
    implements Namespaced {

  /** Every selected node runs a ready forwarder of the current spec. */
  public static final String READY = "Ready";

  /** A rollout or a start is under way. */
  public static final String PROGRESSING = "Progressing";

  /** Some forwarder cannot run: the spec, a node or a port needs fixing. */
  public static final String DEGRADED = "Degraded";
}
