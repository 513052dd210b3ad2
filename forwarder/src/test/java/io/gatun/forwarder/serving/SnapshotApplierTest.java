package io.gatun.forwarder.serving;

import static io.gatun.forwarder.testing.Snapshots.draining;
import static io.gatun.forwarder.testing.Snapshots.service;
import static io.gatun.forwarder.testing.Snapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.forwarder.health.Probes;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.fwd.ServiceSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotApplierTest {
  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ServingState serving =
      new ServingState(dataPlane, Probes.withDefaultTrust(), h -> {}, Clock.systemUTC(), registry);
  private final SnapshotApplier applier = new SnapshotApplier(serving, registry);

  @AfterEach
  void stop() {
    serving.close();
  }

  @Test
  void drainingBackendsReachTheDataPlaneMarkedSo() {
    Snapshot s =
        Snapshot.newBuilder()
            .setSnapshotVersion(5)
            .addServices(draining(service("198.18.0.11"), "198.18.0.12"))
            .build();

    assertThat(applier.apply(s).getApplied()).isTrue();
    assertThat(dataPlane.last().getFirst().backends())
        .extracting(b -> b.address().getHostAddress() + (b.draining() ? " draining" : ""))
        .containsExactly("198.18.0.11", "198.18.0.12 draining");
  }

  @Test
  void appliesASnapshotAndAcknowledgesItsSnapshotVersion() {
    Ack ack = applier.apply(snapshot(7, "198.18.0.11", "198.18.0.12"));

    assertThat(ack.getApplied()).isTrue();
    assertThat(ack.getSnapshotVersion()).isEqualTo(7);
    assertThat(ack.getApplyNanos()).isPositive();
    ServiceSpec s = dataPlane.last().getFirst();
    assertThat(s.vip().getHostAddress()).isEqualTo("198.18.0.200");
    assertThat(s.backends())
        .extracting(b -> b.address().getHostAddress())
        .containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(s.backends()).allSatisfy(b -> assertThat(b.weight()).isEqualTo(1));
    assertThat(s.maglevTableSize()).isEqualTo(251);
    assertThat(registry.get("gatun.snapshot.version").gauge().value()).isEqualTo(7);
  }

  @Test
  void schedulingAndSessionAffinityReachTheDataPlane() {
    Snapshot s =
        Snapshot.newBuilder()
            .setSnapshotVersion(4)
            .addServices(
                service("198.18.0.11")
                    .setScheduling(io.gatun.control.v1.Scheduling.LEAST_CONNECTIONS)
                    .setSessionAffinityTimeoutSeconds(300))
            .build();

    assertThat(applier.apply(s).getApplied()).isTrue();
    ServiceSpec spec = dataPlane.last().getFirst();
    assertThat(spec.scheduling()).isEqualTo(io.gatun.fwd.Scheduling.LEAST_CONNECTIONS);
    assertThat(spec.affinityTimeoutSeconds()).isEqualTo(300);
  }

  @Test
  void neverAppliesAnOlderSnapshotVersionOverANewerOne() {
    applier.apply(snapshot(7, "198.18.0.11"));
    Ack stale = applier.apply(snapshot(6, "198.18.0.99"));

    assertThat(stale.getApplied()).isFalse();
    assertThat(stale.getError()).contains("stale");
    assertThat(dataPlane.commits).hasSize(1);
    assertThat(registry.get("gatun.snapshots").tag("result", "stale").counter().count())
        .isEqualTo(1);
  }

  @Test
  void theRunningSnapshotVersionSentAgainIsAcknowledgedWithoutACommit() {
    applier.apply(snapshot(7, "198.18.0.11"));
    Ack again = applier.apply(snapshot(7, "198.18.0.11")); // e.g. the resync after a reconnect

    assertThat(again.getApplied()).isTrue();
    assertThat(dataPlane.commits).hasSize(1);
  }

  @Test
  void aSnapshotTheDataPlaneRefusesAsAWholeIsReportedAndNothingChanges() {
    applier.apply(snapshot(1, "198.18.0.11"));
    dataPlane.failWith = "out of memory";
    Ack ack = applier.apply(snapshot(2, "198.19.0.11"));

    assertThat(ack.getApplied()).isFalse();
    assertThat(ack.getError()).isEqualTo("out of memory");
    assertThat(applier.lastSnapshotVersion()).isEqualTo(1);
    assertThat(dataPlane.commits).hasSize(1);
    assertThat(serving.desired().getFirst().spec().backends())
        .extracting(b -> b.address().getHostAddress())
        .containsExactly("198.18.0.11");
  }

  /** A second service, on its own VIP. */
  static VirtualService.Builder other(String key, String vip, String backend) {
    return service(backend).setKey(key).setVip(vip);
  }

  @Test
  void aServiceTheDataPlaneRefusesIsReportedAloneAndEveryOtherRuns() {
    dataPlane.refuseVip.put(
        "198.18.0.201",
        "198.18.0.201:80/TCP: DSR cannot translate ports: backend 198.18.0.12:8080 must listen on"
            + " 80");
    Snapshot s =
        Snapshot.newBuilder()
            .setSnapshotVersion(8)
            .addServices(other("default/dsr/http", "198.18.0.201", "198.18.0.12"))
            .addServices(service("198.18.0.11"))
            .addServices(other("default/api/http", "198.18.0.202", "198.18.0.13"))
            .build();

    Ack ack = applier.apply(s);

    assertThat(ack.getApplied()).isTrue();
    assertThat(ack.getError()).isEmpty();
    assertThat(ack.getRefusedList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getServiceKey()).isEqualTo("default/dsr/http");
              assertThat(r.getError())
                  .startsWith("198.18.0.201:80/TCP: DSR cannot translate ports");
            });
    assertThat(dataPlane.last())
        .extracting(spec -> spec.vip().getHostAddress())
        .containsExactly("198.18.0.200", "198.18.0.202");
    assertThat(applier.lastSnapshotVersion()).isEqualTo(8);
    assertThat(registry.get("gatun.services.refused").gauge().value()).isEqualTo(1);

    // The next snapshot without it: nothing refused, and the others still run.
    Ack next =
        applier.apply(
            Snapshot.newBuilder()
                .setSnapshotVersion(9)
                .addServices(service("198.18.0.11"))
                .addServices(other("default/api/http", "198.18.0.202", "198.18.0.13"))
                .build());
    assertThat(next.getApplied()).isTrue();
    assertThat(next.getRefusedList()).isEmpty();
    assertThat(registry.get("gatun.services.refused").gauge().value()).isZero();
  }

  @Test
  void theOperatorsValuesReachTheDataPlaneAsSentNeverDefaulted() {
    var zeros = service("198.18.0.11").setMaglevTableSize(0);
    zeros.setBackends(0, zeros.getBackends(0).toBuilder().setWeight(0));

    assertThat(
            applier.apply(Snapshot.newBuilder().setSnapshotVersion(1).addServices(zeros).build()))
        .satisfies(ack -> assertThat(ack.getApplied()).isTrue());

    ServiceSpec s = dataPlane.last().getFirst();
    assertThat(s.maglevTableSize()).as("the data plane refuses 0, with the service's key").isZero();
    assertThat(s.backends().getFirst().weight()).isZero();
  }

  @Test
  void aServiceWithoutAModeIsRefusedNamingTheNumber() {
    Ack ack =
        applier.apply(
            Snapshot.newBuilder()
                .setSnapshotVersion(1)
                .addServices(service("198.18.0.11").clearMode())
                .addServices(other("default/api/http", "198.18.0.202", "198.18.0.13"))
                .build());

    assertThat(ack.getRefusedList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getServiceKey()).isEqualTo("default/web/http");
              assertThat(r.getError()).contains("ForwardingMode number 0");
            });
  }

  @Test
  void anUnreadableServiceIsRefusedAloneNamingWhatIsWrong() {
    Ack ack =
        applier.apply(
            Snapshot.newBuilder()
                .setSnapshotVersion(1)
                .addServices(service("not-an-address"))
                .addServices(other("default/api/http", "198.18.0.202", "198.18.0.13"))
                .build());

    assertThat(ack.getApplied()).isTrue();
    assertThat(ack.getRefusedList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getServiceKey()).isEqualTo("default/web/http");
              assertThat(r.getError())
                  .as("the operator's validator says the same of a CR")
                  .isEqualTo(
                      "\"not-an-address\" is a host name, not an address: write the IP address it"
                          + " stands for (names are never resolved)");
            });
    assertThat(dataPlane.last())
        .singleElement()
        .satisfies(spec -> assertThat(spec.vip().getHostAddress()).isEqualTo("198.18.0.202"));
  }

  @Test
  void aHealthCheckWithoutATypeRefusesItsServiceOnly() {
    Snapshot s =
        Snapshot.newBuilder()
            .setSnapshotVersion(3)
            .addServices(service("198.18.0.11").setHealthCheck(HealthCheck.newBuilder()))
            .addServices(other("default/api/http", "198.18.0.202", "198.18.0.13"))
            .build();

    Ack ack = applier.apply(s);

    assertThat(ack.getApplied()).isTrue();
    assertThat(ack.getRefusedList())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getServiceKey()).isEqualTo("default/web/http");
              assertThat(r.getError()).contains("no type");
            });
    assertThat(dataPlane.last()).hasSize(1);
    assertThat(applier.lastSnapshotVersion()).isEqualTo(3);
  }
}
