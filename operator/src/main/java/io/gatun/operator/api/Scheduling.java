package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a new flow picks its backend, spelled as users write it. */
public enum Scheduling {
  @JsonProperty("Maglev")
  MAGLEV,
  @JsonProperty("RoundRobin")
  ROUND_ROBIN,
  @JsonProperty("WeightedRoundRobin")
  WEIGHTED_ROUND_ROBIN,
  @JsonProperty("LeastConnections")
  LEAST_CONNECTIONS,
  @JsonProperty("SourceHash")
  SOURCE_HASH;

  /** The spelling used in the API, for messages. */
  public String apiName() {
    return switch (this) {
      case MAGLEV -> "Maglev";
      case ROUND_ROBIN -> "RoundRobin";
      case WEIGHTED_ROUND_ROBIN -> "WeightedRoundRobin";
      case LEAST_CONNECTIONS -> "LeastConnections";
      case SOURCE_HASH -> "SourceHash";
    };
  }
}
