package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Backend head count of a LoadBalancer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackendCounts(
    @JsonPropertyDescription("Backends that take traffic.") int healthy,
    @JsonPropertyDescription("All backends, healthy or not.") int total,
    @JsonPropertyDescription(
            "Removed backends still holding their connections (spec.draining); absent when none.")
        Integer draining,
    @JsonPropertyDescription("healthy/total (and draining), for kubectl get.") String summary) {

  public BackendCounts(int healthy, int total) {
    this(healthy, total, 0);
  }

  public BackendCounts(int healthy, int total, int draining) {
    this(
        healthy,
        total,
        draining == 0 ? null : draining,
        healthy + "/" + total + (draining == 0 ? "" : " (" + draining + " draining)"));
  }
}
