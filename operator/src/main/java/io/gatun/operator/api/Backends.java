package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Where a LoadBalancer sends traffic: exactly one source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.serviceRef) != has(self.static)",
    message = "exactly one of serviceRef or static must be set")
public record Backends(
    @Pattern(Names.DNS_SUBDOMAIN)
        @JsonPropertyDescription(
            "A Service in the LoadBalancer's namespace; its EndpointSlices' ready endpoints are"
                + " the backends.")
        String serviceRef,
    @JsonProperty("static")
        @Size(max = 4096)
        @JsonPropertyDescription("Fixed backends, e.g. servers outside the cluster.")
        List<StaticBackend> staticBackends) {

  public Backends {
    // null and empty mean different things here (has(self.static) in the CEL rule): keep null.
    staticBackends = staticBackends == null ? null : List.copyOf(staticBackends);
  }
}
