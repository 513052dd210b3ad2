package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Where a LoadBalancer sends traffic: exactly one source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "(has(self.serviceRef) ? 1 : 0) + (has(self.selector) ? 1 : 0) + (has(self.static) ? 1 : 0)"
            + " == 1",
    message = "backends needs exactly one of serviceRef, selector or static")
public record Backends(
    @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription(
            "A Service in the LoadBalancer's namespace; the endpoints of its EndpointSlices are"
                + " the backends (ready ones, or serving terminating ones when none is ready).")
        String serviceRef,
    @JsonPropertyDescription(
            "Pods in the LoadBalancer's namespace, by label; the ready ones are the backends.")
        LabelSelector selector,
    @JsonProperty("static")
        @Size(max = 4096)
        @JsonPropertyDescription("Fixed backends, e.g. servers outside the cluster.")
        List<StaticBackend> staticBackends) {

  public Backends {
    // null and empty mean different things here (has(self.static) in the CEL rule): keep null.
    staticBackends = staticBackends == null ? null : List.copyOf(staticBackends);
  }

  public Backends(String serviceRef, List<StaticBackend> staticBackends) {
    this(serviceRef, null, staticBackends);
  }
}
