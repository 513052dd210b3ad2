package io.gatun.forwarder.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.fwd.BackendStats;
import io.gatun.fwd.PassiveCounters;
import io.gatun.fwd.Protocol;
import io.gatun.fwd.ServiceStats;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficMetersTest {
  private static final List<String> PASSIVE =
      List.of(
          "gatun.backend.syns",
          "gatun.backend.syn.retransmits",
          "gatun.backend.syn.acks",
          "gatun.backend.syn.resets",
          "gatun.backend.icmp.unreachable",
          "gatun.backend.udp.port.unreachable");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TrafficMeters meters = new TrafficMeters(registry);
  private final InetAddress vip = address("198.18.0.200");
  private final NamedService web =
      new NamedService(vip, "TCP", 80, "default/web/http", Set.of("198.18.0.11:8080"));
  private final Tags backend =
      Tags.of(
          "service", "default/web/http",
          "vip", "198.18.0.200",
          "protocol", "TCP",
          "port", "80",
          "backend", "198.18.0.11:8080");

  @Test
  void aBackendsPassiveCountersAreCountersWithItsTrafficLabelsThatNeverGoBackwards() {
    meters.update(List.of(stats(new PassiveCounters(10, 3, 6, 4, 2, 1))), List.of(web));

    assertThat(PASSIVE.stream().map(this::value).toList())
        .containsExactly(10.0, 3.0, 6.0, 4.0, 2.0, 1.0);
    assertThat(registry.get("gatun.backend.packets").tags(backend).functionCounter().count())
        .as("the same labels as the backend's traffic")
        .isEqualTo(20);
    assertThat(registry.find("gatun.backend.syns").tag("backend", "198.18.0.11:8080").meters())
        .as("once per backend, not per VIP")
        .hasSize(1);

    // A commit that dropped the backend and a later one that brought it back: counting restarts
    // in the data plane, not in the metric.
    meters.update(List.of(stats(new PassiveCounters(1, 0, 0, 1, 0, 0))), List.of(web));
    assertThat(value("gatun.backend.syns")).isEqualTo(11);
    assertThat(value("gatun.backend.syn.resets")).isEqualTo(5);
    assertThat(value("gatun.backend.syn.acks")).isEqualTo(6);

    meters.update(List.of(), List.of());
    assertThat(registry.find("gatun.backend.syns").meters()).as("gone with the service").isEmpty();
  }

  @Test
  void aBackendLeavingTheSnapshotTakesItsSeriesAlongAndTheOthersKeepCounting() {
    NamedService two =
        new NamedService(
            vip, "TCP", 80, "default/web/http", Set.of("198.18.0.11:8080", "198.18.0.12:8080"));
    meters.update(List.of(stats(new PassiveCounters(10, 0, 0, 0, 0, 0))), List.of(two));
    assertThat(registry.find("gatun.backend.packets").meters())
        .as("a series for what the data plane reported, not for every backend named")
        .hasSize(1);

    List<NamedService> one = List.of(web);
    meters.update(List.of(stats(new PassiveCounters(5, 0, 0, 0, 0, 0))), one);
    assertThat(value("gatun.backend.syns")).as("kept across the renaming").isEqualTo(15);
    assertThat(registry.get("gatun.vip.packets").functionCounter().count())
        .as("the same series: the same reading adds nothing")
        .isEqualTo(20);

    meters.update(List.of(), one);
    assertThat(value("gatun.backend.syns")).as("absent: flat, still there").isEqualTo(15);
    assertThat(registry.get("gatun.backend.active.connections").tags(backend).gauge().value())
        .isZero();
  }

  private double value(String name) {
    return registry.get(name).tags(backend).functionCounter().count();
  }

  private ServiceStats stats(PassiveCounters passive) {
    return new ServiceStats(
        vip,
        Protocol.TCP,
        80,
        20,
        2000,
        passive.syns(),
        1,
        List.of(
            new BackendStats(
                address("198.18.0.11"), 8080, 20, 2000, passive.syns(), 1, false, passive)));
  }

  private static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
