package io.gatun.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.fwd.ServiceSpec;
import org.junit.jupiter.api.Test;

class SnapshotApplierTest {
  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final SnapshotApplier applier = new SnapshotApplier(dataPlane);

  static Snapshot snapshot(long generation, String... backends) {
    VirtualService.Builder vs =
        VirtualService.newBuilder()
            .setKey("default/web/http")
            .setVip("198.18.0.200")
            .setPort(80)
            .setProtocol(Protocol.TCP)
            .setMode(ForwardingMode.FULL_NAT);
    for (String b : backends) {
      vs.addBackends(Backend.newBuilder().setAddress(b).setPort(8080));
    }
    return Snapshot.newBuilder().setGeneration(generation).addServices(vs).build();
  }

  @Test
  void appliesASnapshotAndAcknowledgesItsGeneration() {
    Ack ack = applier.apply(snapshot(7, "198.18.0.11", "198.18.0.12"));

    assertThat(ack.getApplied()).isTrue();
    assertThat(ack.getGeneration()).isEqualTo(7);
    ServiceSpec s = dataPlane.last().getFirst();
    assertThat(s.vip().getHostAddress()).isEqualTo("198.18.0.200");
    assertThat(s.backends())
        .extracting(b -> b.address().getHostAddress())
        .containsExactly("198.18.0.11", "198.18.0.12");
    assertThat(s.backends()).allSatisfy(b -> assertThat(b.weight()).isEqualTo(1));
    assertThat(s.maglevTableSize()).isEqualTo(ServiceSpec.DEFAULT_MAGLEV_TABLE_SIZE);
  }

  @Test
  void neverAppliesAnOlderGenerationOverANewerOne() {
    applier.apply(snapshot(7, "198.18.0.11"));
    Ack stale = applier.apply(snapshot(6, "198.18.0.99"));

    assertThat(stale.getApplied()).isFalse();
    assertThat(stale.getError()).contains("stale");
    assertThat(dataPlane.commits).hasSize(1);
  }

  @Test
  void aNewStreamResyncsWhateverItsGeneration() {
    applier.apply(snapshot(7, "198.18.0.11"));
    applier.newStream(); // e.g. the operator restarted and counts from 1 again
    Ack ack = applier.apply(snapshot(1, "198.18.0.12"));

    assertThat(ack.getApplied()).isTrue();
    assertThat(dataPlane.commits).hasSize(2);
    assertThat(dataPlane.generation()).isEqualTo(2);
  }

  @Test
  void aSnapshotTheDataPlaneRefusesIsReportedAndNothingChanges() {
    applier.apply(snapshot(1, "198.18.0.11"));
    dataPlane.refuseWith = "no route to backend 0";
    Ack ack = applier.apply(snapshot(2, "198.19.0.11"));

    assertThat(ack.getApplied()).isFalse();
    assertThat(ack.getError()).isEqualTo("no route to backend 0");
    assertThat(applier.lastOperatorGeneration()).isEqualTo(1);
    assertThat(dataPlane.commits).hasSize(1);
  }

  @Test
  void anUnparsableSnapshotIsRejectedNamingTheService() {
    Ack ack = applier.apply(snapshot(1, "not-an-address"));

    assertThat(ack.getApplied()).isFalse();
    assertThat(ack.getError()).contains("default/web/http").contains("not-an-address");
    assertThat(dataPlane.commits).isEmpty();
  }
}
