package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.Observation;
import io.gatun.operator.ipam.Owner;
import org.junit.jupiter.api.Test;

class BackendHealthBookTest {

  private final BackendHealthBook book = new BackendHealthBook();
  private final Owner web = new Owner("default", "web");
  private final Owner dns = new Owner("default", "dns");

  @Test
  void crossingsAreMergedAndACompleteReportReplacesWhatTheForwarderSaidBefore() {
    assertThat(
            book.record(
                "fwd-a", observation(false, verdict("default/web/http", "10.0.0.1", false))))
        .containsExactly(web);
    assertThat(
            book.record("fwd-a", observation(false, verdict("default/dns/dns", "10.0.0.2", true))))
        .containsExactly(dns);
    assertThat(
            book.record("fwd-a", observation(false, verdict("default/dns/dns", "10.0.0.2", true))))
        .as("the same verdict again is no news")
        .isEmpty();

    // After a reconnect: only web is probed now; dns's verdict is forgotten.
    assertThat(
            book.record("fwd-a", observation(true, verdict("default/web/http", "10.0.0.1", true))))
        .containsExactlyInAnyOrder(web, dns);
    assertThat(book.of(dns)).isEmpty();
    assertThat(book.of(web)).singleElement().satisfies(r -> assertThat(r.healthy()).isTrue());
  }

  @Test
  void verdictsAreKeptPerForwarderAndForgottenWhenItLeaves() {
    book.record("fwd-a", observation(false, verdict("default/web/http", "10.0.0.1", true)));
    book.record("fwd-b", observation(false, verdict("default/web/http", "10.0.0.1", false)));

    assertThat(book.of(web))
        .extracting(ProbeResult::forwarder)
        .containsExactlyInAnyOrder("fwd-a", "fwd-b");
    assertThat(book.forget("fwd-b")).containsExactly(web);
    assertThat(book.of(web)).extracting(ProbeResult::forwarder).containsExactly("fwd-a");
    assertThat(book.of(new Owner("default", "we"))).as("keys match whole names").isEmpty();
  }

  private static Observation observation(boolean complete, BackendHealth... verdicts) {
    var observation = Observation.newBuilder().setCompleteHealth(complete);
    for (BackendHealth verdict : verdicts) {
      observation.addBackendHealth(verdict);
    }
    return observation.build();
  }

  static BackendHealth verdict(String service, String address, boolean healthy) {
    return BackendHealth.newBuilder()
        .setServiceKey(service)
        .setAddress(address)
        .setPort(8080)
        .setHealthy(healthy)
        .setReason(healthy ? "HTTP 200" : "connect refused")
        .setProbe("default/check")
        .setChangedAtUnixMillis(1_767_225_600_000L)
        .build();
  }
}
