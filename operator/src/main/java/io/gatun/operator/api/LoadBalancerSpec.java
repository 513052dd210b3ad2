package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The desired state of a {@link LoadBalancer}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.ports.all(p, self.ports.exists_one(q, q.name == p.name))",
    message = "port names must be unique")
@ValidationRule(
    value =
        "self.ports.all(p, self.ports.exists_one(q, q.port == p.port"
            + " && q.protocol == p.protocol))",
    message = "each port and protocol pair may appear once")
public record LoadBalancerSpec(
    @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription(
            "The Pool to allocate the address from. Without it, a pool with autoAssign"
                + " (or the one containing spec.addresses) is used.")
        String poolRef,
    @Size(max = 1)
        @JsonPropertyDescription(
            "Requests these exact addresses instead of any free one; each must lie in a Pool and"
                + " be free.")
        List<@Pattern(Names.IP_ADDRESS) String> addresses,
    @Required @Size(min = 1, max = 64) @JsonPropertyDescription("The ports the VIP serves.")
        List<LoadBalancerPort> ports,
    @Required @JsonPropertyDescription("Where traffic goes.") Backends backends,
    @Default("{}") @JsonPropertyDescription("How packets reach the backends.")
        Forwarding forwarding,
    @Default("Maglev") @JsonPropertyDescription("How a new flow picks its backend.")
        Scheduling scheduling) {

  public LoadBalancerSpec {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
    ports = ports == null ? List.of() : List.copyOf(ports);
  }

  public ForwardingMode forwardingModeOrDefault() {
    return forwarding == null || forwarding.mode() == null
        ? ForwardingMode.FULL_NAT
        : forwarding.mode();
  }

  public Scheduling schedulingOrDefault() {
    return scheduling == null ? Scheduling.MAGLEV : scheduling;
  }
}
