package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.Observation;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendHealthBookTest {

  private final BackendHealthBook book = new BackendHealthBook();
  private final Owner web = new Owner("default", "web");
  private final Owner dns = new Owner("default", "dns");
  private final List<PassiveCrossing> crossings = new ArrayList<>();

  @Test
  void crossingsAreMergedAndACompleteReportReplacesWhatTheForwarderSaidBefore() {
    assertThat(
            book.record(
                "fwd-a",
                observation(false, verdict("default/web/http", "10.0.0.1", false)),
                crossings))
        .containsExactly(web);
    assertThat(
            book.record(
                "fwd-a",
                observation(false, verdict("default/dns/dns", "10.0.0.2", true)),
                crossings))
        .containsExactly(dns);
    assertThat(
            book.record(
                "fwd-a",
                observation(false, verdict("default/dns/dns", "10.0.0.2", true)),
                crossings))
        .as("the same verdict again is no news")
        .isEmpty();

    // After a reconnect: only web is probed now; dns's verdict is forgotten.
    assertThat(
            book.record(
                "fwd-a",
                observation(true, verdict("default/web/http", "10.0.0.1", true)),
                crossings))
        .containsExactlyInAnyOrder(web, dns);
    assertThat(book.of(dns)).isEmpty();
    assertThat(book.of(web)).singleElement().satisfies(r -> assertThat(r.healthy()).isTrue());
    assertThat(crossings).as("probe verdicts are not passive crossings").isEmpty();
  }

  @Test
  void passiveEjectionsAndReturnsAreTold() {
    var ejected = passive("default/web/http", "10.0.0.1");
    book.record(
        "fwd-a", observation(true, verdict("default/web/http", "10.0.0.1", true)), crossings);
    assertThat(crossings).as("a first complete report is a baseline").isEmpty();

    book.record("fwd-a", observation(false, ejected), crossings);
    assertThat(crossings)
        .containsExactly(
            new PassiveCrossing(
                "fwd-a", "default/web/http", "10.0.0.1", 8080, true, ejected.getReason()));
    assertThat(crossings.getFirst().owner()).contains(web);

    crossings.clear();
    book.record("fwd-a", observation(false, ejected), crossings);
    assertThat(crossings).as("the same ejection again is no news").isEmpty();

    book.record(
        "fwd-a", observation(false, verdict("default/web/http", "10.0.0.1", true)), crossings);
    assertThat(crossings)
        .containsExactly(
            new PassiveCrossing("fwd-a", "default/web/http", "10.0.0.1", 8080, false, "HTTP 200"));

    crossings.clear();
    book.record(
        "fwd-a", observation(false, verdict("default/web/http", "10.0.0.1", false)), crossings);
    book.record(
        "fwd-a", observation(false, verdict("default/web/http", "10.0.0.1", true)), crossings);
    assertThat(crossings).as("a probe's failure and recovery are not passive").isEmpty();

    // A forwarder that reconnects reports the backends it ejected meanwhile as a baseline; one
    // whose earlier verdicts are still held (a newer connection of the same name) tells the news.
    book.record("fwd-b", observation(true, ejected), crossings);
    assertThat(crossings).isEmpty();
    book.record("fwd-a", observation(true, ejected), crossings);
    assertThat(crossings).extracting(PassiveCrossing::forwarder).containsExactly("fwd-a");
  }

  @Test
  void verdictsAreKeptPerForwarderAndForgottenWhenItLeaves() {
    book.record(
        "fwd-a", observation(false, verdict("default/web/http", "10.0.0.1", true)), crossings);
    book.record(
        "fwd-b", observation(false, verdict("default/web/http", "10.0.0.1", false)), crossings);

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

  private static BackendHealth passive(String service, String address) {
    return verdict(service, address, false).toBuilder()
        .setPassiveFailure(true)
        .setReason("PassiveFailure: 5 new connections failed in a row (5 reset)")
        .build();
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
