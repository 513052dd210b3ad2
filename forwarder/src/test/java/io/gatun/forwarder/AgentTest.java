package io.gatun.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Snapshot;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.DeclaredCounters;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.ScriptedProbe;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.forwarder.testing.TestForwarder;
import io.gatun.fwd.BackendStats;
import io.gatun.fwd.Protocol;
import io.gatun.fwd.ServiceStats;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent as a whole: control channel, prober, data plane, status endpoints. */
class AgentTest {
  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final ScriptedProbe probe = new ScriptedProbe();
  private final FakeOperator operator = new FakeOperator();
  private final TestForwarder forwarder =
      TestForwarder.inProcess(operator, dataPlane, type -> probe);

  @AfterEach
  void stop() throws InterruptedException {
    forwarder.close();
    operator.close();
  }

  static Snapshot probedSnapshot(long snapshotVersion) {
    return Snapshot.newBuilder()
        .setSnapshotVersion(snapshotVersion)
        .addServices(
            Snapshots.service("198.18.0.11", "198.18.0.12", "198.18.0.13")
                .setHealthCheck(
                    HealthCheck.newBuilder()
                        .setProbe("default/tcp")
                        .setType(HealthCheck.Type.TCP)
                        .setPeriodMillis(20)
                        .setTimeoutMillis(10)
                        .setUnhealthyThreshold(3)
                        .setHealthyThreshold(2)))
        .build();
  }

  /** Sends the probed snapshot and waits for its acknowledgement. */
  void applySnapshot() throws InterruptedException {
    operator.nextStream().onNext(FakeOperator.snapshot(probedSnapshot(3)));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
  }

  @Test
  void readyOnlyOnceASnapshotRunsAndWhileTheLinkIsUp() throws InterruptedException {
    assertThat(forwarder.get("/readyz").statusCode()).isEqualTo(503);
    assertThat(forwarder.get("/readyz").body()).contains("no snapshot");
    Await.until(
        () -> forwarder.get("/healthz").statusCode() == 200,
        Duration.ofSeconds(5),
        () -> "never alive");

    applySnapshot();
    assertThat(forwarder.get("/readyz").statusCode()).isEqualTo(200);

    dataPlane.linkUp = false;
    assertThat(forwarder.get("/readyz").statusCode()).isEqualTo(503);
    assertThat(forwarder.get("/readyz").body()).contains("link down on net_null0");
    assertThat(forwarder.get("/healthz").statusCode()).as("alive all the same").isEqualTo(200);
  }

  @Test
  void theVipsItAnswersForGoOutBeforeTheAckOfTheSnapshotThatChangedThem()
      throws InterruptedException {
    operator
        .nextStream()
        .onNext(
            FakeOperator.snapshot(
                Snapshot.newBuilder()
                    .setSnapshotVersion(3)
                    .addServices(Snapshots.service("198.18.0.11"))
                    .build()));
    var heard = new java.util.ArrayList<String>();
    ForwarderMessage m;
    do {
      m = operator.next(x -> x.hasAck() || x.hasObservation());
      heard.add(
          m.hasAck()
              ? "ack " + m.getAck().getSnapshotVersion()
              : "owns " + m.getObservation().getVipsOwnedList());
    } while (!m.hasAck());
    assertThat(heard)
        .as(
            "the operator hears the new VIP owned before the snapshot's Ack, not at the next"
                + " periodic observation (5 s)")
        .endsWith("owns [198.18.0.200]", "ack 3");
  }

  @Test
  void aBackendFailingItsProbeLeavesTheDataPlaneAndTheOperatorHearsOfIt()
      throws InterruptedException {
    applySnapshot();

    probe.down("198.18.0.12");
    var observation =
        operator
            .next(m -> m.hasObservation() && m.getObservation().getBackendHealthCount() == 1)
            .getObservation();
    assertThat(observation.getVipsOwnedList())
        .as(
            "the operator takes an observation as the whole state: a transition still names the"
                + " VIPs answered for")
        .containsExactly("198.18.0.200");
    assertThat(observation.getPortsCount()).isEqualTo(1);
    BackendHealth transition = observation.getBackendHealth(0);

    assertThat(transition.getAddress()).isEqualTo("198.18.0.12");
    assertThat(transition.getHealthy()).isFalse();
    assertThat(transition.getReason()).isEqualTo("scripted down");
    assertThat(transition.getProbe()).isEqualTo("default/tcp");
    assertThat(transition.getServiceKey()).isEqualTo("default/web/http");
    assertThat(dataPlane.last().getFirst().backends())
        .extracting(b -> b.address().getHostAddress())
        .containsExactly("198.18.0.11", "198.18.0.13");
    assertThat(forwarder.scrape())
        .contains(
            "gatun_backend_healthy{backend=\"198.18.0.12:8080\",probe=\"default/tcp\","
                + "service=\"default/web/http\",type=\"TCP\"} 0.0");

    operator.streams.clear();
    operator.received.clear();
    operator.nextStreamAfterClosingCurrent();
    var complete =
        operator
            .next(m -> m.hasObservation() && m.getObservation().getCompleteHealth())
            .getObservation();
    assertThat(complete.getBackendHealthList())
        .as("after a reconnect the operator hears every backend's health")
        .extracting(b -> b.getAddress() + (b.getHealthy() ? " up" : " down"))
        .containsExactly("198.18.0.11 up", "198.18.0.12 down", "198.18.0.13 up");
  }

  @Test
  void trafficCountersArePerVipAndPerBackendAndNeverGoBackwards() throws Exception {
    applySnapshot();
    InetAddress vip = InetAddress.getByName("198.18.0.200");
    dataPlane.counters =
        DeclaredCounters.of(Map.of("rx_packets", 30L, "tx_packets", 30L, "drop_no_service", 2L));
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                vip,
                Protocol.TCP,
                80,
                30,
                3000,
                3,
                1,
                List.of(
                    new BackendStats(InetAddress.getByName("198.18.0.11"), 8080, 20, 2000, 2, 1),
                    new BackendStats(InetAddress.getByName("198.18.0.12"), 8080, 10, 1000, 1, 0))));
    String labels =
        "{backend=\"198.18.0.12:8080\",port=\"80\",protocol=\"TCP\",service=\"default/web/http\","
            + "vip=\"198.18.0.200\"}";
    assertThat(forwarder.scrape())
        .contains("gatun_backend_packets_total" + labels + " 10.0")
        .contains("gatun_backend_bytes_total" + labels + " 1000.0")
        .contains(
            "gatun_vip_packets_total{port=\"80\",protocol=\"TCP\",service=\"default/web/http\","
                + "vip=\"198.18.0.200\"} 30.0")
        .contains("gatun_dropped_packets_total{reason=\"no_service\"} 2.0")
        .contains("gatun_dataplane_rx_packets_total 30.0");

    // .12 leaves the data plane (unhealthy) and comes back counting from zero
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                vip,
                Protocol.TCP,
                80,
                30,
                3000,
                3,
                1,
                List.of(
                    new BackendStats(InetAddress.getByName("198.18.0.11"), 8080, 20, 2000, 2, 1))));
    forwarder.scrape();
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                vip,
                Protocol.TCP,
                80,
                34,
                3400,
                4,
                1,
                List.of(
                    new BackendStats(InetAddress.getByName("198.18.0.11"), 8080, 20, 2000, 2, 1),
                    new BackendStats(InetAddress.getByName("198.18.0.12"), 8080, 4, 400, 1, 0))));
    assertThat(forwarder.scrape()).contains("gatun_backend_packets_total" + labels + " 14.0");
  }

  @Test
  void offersDrainingAndShowsWhichBackendsTheDataPlaneDrains() throws Exception {
    assertThat(
            operator
                .next(ForwarderMessage::hasHello)
                .getHello()
                .getCapabilities()
                .getFeaturesList())
        .as("operators send draining backends only to forwarders that offer it")
        .contains(io.gatun.control.v1.Feature.DRAINING);
    operator
        .nextStream()
        .onNext(
            FakeOperator.snapshot(
                Snapshot.newBuilder()
                    .setSnapshotVersion(3)
                    .addServices(
                        Snapshots.draining(Snapshots.service("198.18.0.11"), "198.18.0.12"))
                    .build()));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
    InetAddress vip = InetAddress.getByName("198.18.0.200");
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                vip,
                Protocol.TCP,
                80,
                30,
                3000,
                3,
                3,
                List.of(
                    new BackendStats(InetAddress.getByName("198.18.0.11"), 8080, 10, 1000, 1, 1),
                    new BackendStats(
                        InetAddress.getByName("198.18.0.12"), 8080, 20, 2000, 2, 2, true))));
    String labels =
        ",port=\"80\",protocol=\"TCP\",service=\"default/web/http\",vip=\"198.18.0.200\"}";
    assertThat(forwarder.scrape())
        .contains("gatun_backend_draining{backend=\"198.18.0.12:8080\"" + labels + " 1.0")
        .contains("gatun_backend_draining{backend=\"198.18.0.11:8080\"" + labels + " 0.0")
        .contains(
            "gatun_backend_active_connections{backend=\"198.18.0.12:8080\"" + labels + " 2.0");
  }
}
