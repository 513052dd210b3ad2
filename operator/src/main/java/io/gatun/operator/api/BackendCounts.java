package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Backend head count of a LoadBalancer. */
public record BackendCounts(
    @JsonPropertyDescription("Backends that take traffic.") int healthy,
    @JsonPropertyDescription("All backends, healthy or not.") int total,
    @JsonPropertyDescription("healthy/total, for kubectl get.") String summary) {

  public BackendCounts(int healthy, int total) {
    this(healthy, total, healthy + "/" + total);
  }
}
