package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One port of the VIP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadBalancerPort(
    @Required
        @Size(max = 15)
        @Pattern(Names.PORT_NAME)
        @JsonPropertyDescription(
            "Names the port; forwarders report observations as <namespace>/<name>/<port name>.")
        String name,
    @Default("TCP") @JsonPropertyDescription("TCP, UDP or SCTP.") Protocol protocol,
    @Required @Min(1) @Max(65535) @JsonPropertyDescription("The port on the VIP.") Integer port,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription(
            "The port on the backends; defaults to port. A static backend's own port wins.")
        Integer targetPort) {

  public Protocol protocolOrDefault() {
    return protocol == null ? Protocol.TCP : protocol;
  }

  public int targetPortOrDefault() {
    return targetPort == null ? port : targetPort;
  }
}
