package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What the forwarder pods of a {@link ForwarderSet} are made of. See operator/README.md. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderSetSpec(
    @Size(max = 512)
        @JsonPropertyDescription(
            "The forwarder image. Default: the forwarder image of the operator's own version"
                + " (docker.io/gatun/forwarder:<version>).")
        String image,
    @Default("IfNotPresent")
        @Pattern("^(Always|IfNotPresent|Never)$")
        @JsonPropertyDescription("Always, IfNotPresent or Never (images imported by hand).")
        String imagePullPolicy,
    @Required
        @JsonPropertyDescription(
            "The data port: a host interface (net_af_packet) or an SR-IOV VF, and each node's"
                + " address on it.")
        DataPort dataPort,
    @Default("{}") @JsonPropertyDescription("Hugepages each forwarder gets.") Hugepages hugepages,
    @Default("{}") @JsonPropertyDescription("DPDK EAL settings.") Eal eal,
    @Default("{}")
        @JsonPropertyDescription(
            "CPU and memory; requests equal limits, so the pods are Guaranteed (exclusive CPUs"
                + " under the static CPU manager policy).")
        ForwarderResources resources,
    @Default("{}") @JsonPropertyDescription("How forwarders reach the operator's control channel.")
        ControlChannelRef controlChannel,
    @JsonPropertyDescription("Only nodes with these labels run a forwarder.")
        Map<String, String> nodeSelector,
    @JsonPropertyDescription("Taints the forwarders tolerate (e.g. of dedicated LB nodes).")
        List<Toleration> tolerations,
    @Size(max = 253)
        @JsonPropertyDescription(
            "The forwarders' PriorityClass (e.g. system-node-critical), so that they are not"
                + " evicted before the workloads they serve.")
        String priorityClassName,
    @Default("gatun-forwarder")
        @Size(min = 1, max = 253)
        @JsonPropertyDescription(
            "The forwarders' ServiceAccount (deploy/rbac.yaml makes gatun-forwarder: no API"
                + " access, no token mounted).")
        String serviceAccountName,
    @Default("9101")
        @io.fabric8.generator.annotation.Min(1024)
        @io.fabric8.generator.annotation.Max(65535)
        @JsonPropertyDescription(
            "Where each forwarder serves /metrics, /healthz and /readyz (on the node's addresses"
                + " when the data port is a host interface).")
        Integer metricsPort) {}
