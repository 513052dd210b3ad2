package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** The request an HTTP or HTTPS probe makes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpProbe(
    @Default("/")
        @Size(max = 2048)
        @Pattern("^/[^\\s]*$")
        @JsonPropertyDescription("Path and query, starting with /.")
        String path,
    @Default("GET") @JsonPropertyDescription("GET, HEAD, POST, PUT or OPTIONS.") HttpMethod method,
    @Size(max = 253)
        @Pattern("^[^\\s/]+$")
        @JsonPropertyDescription("Host header; the backend's address when unset.")
        String host,
    @Size(max = 16) @JsonPropertyDescription("Statuses that pass; 200-399 when unset.")
        List<StatusRange> expectedStatuses) {

  public HttpProbe {
    expectedStatuses = expectedStatuses == null ? null : List.copyOf(expectedStatuses);
  }
}
