package io.gatun.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Forwarding modes, spelled as users write them. */
public enum ForwardingMode {
  @JsonProperty("FullNAT")
  FULL_NAT,
  @JsonProperty("NAT")
  NAT,
  @JsonProperty("DSR")
  DSR;

  /** The spelling used in the API, for messages. */
  public String apiName() {
    return switch (this) {
      case FULL_NAT -> "FullNAT";
      case NAT -> "NAT";
      case DSR -> "DSR";
    };
  }
}
