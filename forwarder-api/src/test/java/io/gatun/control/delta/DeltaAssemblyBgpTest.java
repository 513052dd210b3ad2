package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import org.junit.jupiter.api.Test;

/** A delta carries the BGP configuration only when it changed: absent means unchanged. */
class DeltaAssemblyBgpTest {
  private static final BgpConfig BGP = BgpConfig.newBuilder().setLocalAsn(64512).build();

  @Test
  void bgpStaysUntilADeltaChangesItAndAnEmptyOneTurnsItOff() {
    DeltaAssembly a = new DeltaAssembly();
    a.complete(Snapshot.newBuilder().setSnapshotVersion(1).setBgp(BGP).build());

    Snapshot unchanged =
        a.delta(SnapshotDelta.newBuilder().setSnapshotVersion(2).setBaseSnapshotVersion(1).build())
            .orElseThrow();
    assertThat(unchanged.getBgp()).isEqualTo(BGP);

    BgpConfig other = BGP.toBuilder().setLocalAsn(64513).build();
    Snapshot changed =
        a.delta(
                SnapshotDelta.newBuilder()
                    .setSnapshotVersion(3)
                    .setBaseSnapshotVersion(2)
                    .setBgp(other)
                    .build())
            .orElseThrow();
    assertThat(changed.getBgp()).isEqualTo(other);

    Snapshot off =
        a.delta(
                SnapshotDelta.newBuilder()
                    .setSnapshotVersion(4)
                    .setBaseSnapshotVersion(3)
                    .setBgp(BgpConfig.getDefaultInstance())
                    .build())
            .orElseThrow();
    assertThat(off.hasBgp()).isFalse();
  }

  @Test
  void aCompleteSnapshotWithoutBgpForgetsIt() {
    DeltaAssembly a = new DeltaAssembly();
    a.complete(Snapshot.newBuilder().setSnapshotVersion(1).setBgp(BGP).build());
    a.complete(Snapshot.newBuilder().setSnapshotVersion(2).build());

    Snapshot next =
        a.delta(SnapshotDelta.newBuilder().setSnapshotVersion(3).setBaseSnapshotVersion(2).build())
            .orElseThrow();
    assertThat(next.hasBgp()).isFalse();
  }
}
