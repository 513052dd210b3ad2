package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Which port each forwarder drives and its address there. The addresses are a per-node map in the
 * spec, not a node annotation: one place to read and review them, checked by the operator before
 * any pod starts, and the forwarder needs no permission to read Nodes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.interfaceName) != has(self.virtualFunction)",
    message =
        "set exactly one of interfaceName (a host interface, net_af_packet) and virtualFunction"
            + " (an SR-IOV VF from the device plugin)")
public record DataPort(
    @JsonProperty("interfaceName")
        @Pattern("^[a-zA-Z0-9_.:-]{1,15}$")
        @JsonPropertyDescription(
            "A host interface given to DPDK's net_af_packet driver (tests, demos, NICs without"
                + " SR-IOV); the pods then use the host's network namespace.")
        String interfaceName,
    @JsonPropertyDescription(
            "An SR-IOV virtual function from the device plugin; the pods keep their own network"
                + " namespace.")
        VirtualFunction virtualFunction,
    @Required
        @JsonPropertyDescription(
            "Each node's address on the data port, by node name: ADDRESS/PREFIX[@GATEWAY], one"
                + " per family (e.g. [198.18.0.2/24, 2001:2::2/64]). A node without an entry"
                + " runs a pod that reports PortFailed.")
        Map<String, List<String>> addresses) {}
