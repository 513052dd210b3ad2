package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One data-plane port of a forwarder. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForwarderPort(
    @JsonPropertyDescription("DPDK port name or PCI address.") String name,
    @JsonPropertyDescription("MAC address.") String mac,
    @JsonPropertyDescription("The port's own addresses (CIDR).") List<String> addresses,
    @JsonPropertyDescription("Link state, as last reported.") Boolean linkUp,
    @JsonPropertyDescription("Packets received.") Long rxPackets,
    @JsonPropertyDescription("Packets sent.") Long txPackets,
    @JsonPropertyDescription("Packets dropped by the data plane.") Long droppedPackets,
    @JsonPropertyDescription("Packets the NIC had no descriptor for.") Long missedPackets) {

  public ForwarderPort {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }
}
