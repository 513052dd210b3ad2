package io.gatun.e2e.rig;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** What tools/traffic.py reports: answers per backend and failures, per protocol. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Traffic(
    @JsonProperty("tcp") Map<String, Integer> tcp,
    @JsonProperty("udp") Map<String, Integer> udp,
    @JsonProperty("tcp_failed") int tcpFailed,
    @JsonProperty("udp_failed") int udpFailed,
    @JsonProperty("timeline") List<List<Object>> timeline,
    @JsonProperty("started_at") double startedAt) {

  /** One request of a timed run: when it left (wall clock), its protocol, who answered. */
  public record Request(long atMillis, String protocol, String outcome) {
    public boolean failed() {
      return outcome.startsWith("failed");
    }
  }

  public int failed() {
    return tcpFailed + udpFailed;
  }

  /** The timeline (runs with --duration) on the wall clock. */
  public List<Request> requests() {
    return timeline.stream()
        .map(
            e ->
                new Request(
                    Math.round((startedAt + ((Number) e.get(0)).doubleValue()) * 1000),
                    (String) e.get(1),
                    (String) e.get(2)))
        .toList();
  }
}
