package io.gatun.e2e;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** What tools/traffic.py reports: answers per backend and failures, per protocol. */
@JsonIgnoreProperties(ignoreUnknown = true)
record Traffic(
    @JsonProperty("tcp") Map<String, Integer> tcp,
    @JsonProperty("udp") Map<String, Integer> udp,
    @JsonProperty("tcp_failed") int tcpFailed,
    @JsonProperty("udp_failed") int udpFailed,
    @JsonProperty("timeline") List<List<Object>> timeline) {

  int failed() {
    return tcpFailed + udpFailed;
  }
}
