package io.gatun.operator.backends;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.operator.api.BackendHealthStatus;
import io.gatun.operator.control.ProbeResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackendHealthReportTest {

  @Test
  void aBackendIsUnhealthyWhenAnyForwarderSaysSoAndOnlyTheCurrentProbeCounts() {
    var results =
        List.of(
            result("fwd-a", "10.0.0.1", true, "HTTP 200", "default/check"),
            result("fwd-b", "10.0.0.1", false, "HTTP 503 not in 200-399", "default/check"),
            result("fwd-a", "10.0.0.2", true, "HTTP 200", "default/check"),
            result("fwd-a", "10.0.0.3", false, "timeout", "default/old-check"));

    var report = BackendHealthReport.of(results, "default/check");

    assertThat(report.listed())
        .containsExactly(
            new BackendHealthStatus(
                "10.0.0.1",
                8080,
                false,
                "fwd-b: HTTP 503 not in 200-399",
                "2026-01-01T00:00:00Z",
                250L,
                BackendHealthStatus.PROBE_FAILURE),
            new BackendHealthStatus(
                "10.0.0.2", 8080, true, "HTTP 200", "2026-01-01T00:00:00Z", 250L));
    assertThat(report.unhealthyPorts()).isEqualTo(Map.of("10.0.0.1", Set.of(8080)));
    assertThat(report.failures()).isEqualTo("10.0.0.1:8080 (fwd-b: HTTP 503 not in 200-399)");
    assertThat(BackendHealthReport.of(results, null).listed()).isEmpty();
  }

  @Test
  void aBackendOutOnPassiveVerdictsAloneSaysPassiveFailure() {
    String passive =
        "PassiveFailure: 3 new connections failed in a row (3 reset, 0 unreachable,"
            + " 0 unanswered after 2000 ms)";
    var results =
        List.of(
            passive("fwd-a", "10.0.0.1", passive),
            passive("fwd-b", "10.0.0.1", passive),
            passive("fwd-a", "10.0.0.2", passive),
            result("fwd-b", "10.0.0.2", false, "connect refused", "default/check"));

    var listed = BackendHealthReport.of(results, "default/check").listed();

    assertThat(listed)
        .extracting(BackendHealthStatus::address, BackendHealthStatus::outOfRotation)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.0.1", BackendHealthStatus.PASSIVE_FAILURE),
            org.assertj.core.groups.Tuple.tuple("10.0.0.2", BackendHealthStatus.PROBE_FAILURE));
    assertThat(listed.getFirst().reason()).isEqualTo("fwd-a: " + passive + "; fwd-b: " + passive);
  }

  private static ProbeResult passive(String forwarder, String address, String reason) {
    return new ProbeResult(
        forwarder,
        "default/web/http",
        address,
        8080,
        false,
        reason,
        "default/check",
        1_767_225_600_000L,
        0,
        true);
  }

  private static ProbeResult result(
      String forwarder, String address, boolean healthy, String reason, String probe) {
    return new ProbeResult(
        forwarder,
        "default/web/http",
        address,
        8080,
        healthy,
        reason,
        probe,
        1_767_225_600_000L,
        healthy ? 250 : 0);
  }
}
