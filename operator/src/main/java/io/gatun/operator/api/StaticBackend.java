package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A backend given by address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StaticBackend(
    @Required
        @Size(max = 253)
        @Pattern(Names.BACKEND_ADDRESS)
        @JsonPropertyDescription(
            "The backend's IPv4 or IPv6 address (host names are not resolved: write the address).")
        String address,
    @Min(1)
        @Max(65535)
        @JsonPropertyDescription(
            "The backend's port for every LoadBalancer port; defaults to each port's targetPort.")
        Integer port,
    @Default("1") @Min(1) @Max(65535) @JsonPropertyDescription("Relative share of new flows.")
        Integer weight) {

  /**
   * The weight of a backend that gives none, and of every endpoint and pod: an equal share. The
   * operator resolves it; forwarders take the weight they are sent.
   */
  public static final int DEFAULT_WEIGHT = 1;

  public int weightOrDefault() {
    return weight == null ? DEFAULT_WEIGHT : weight;
  }
}
