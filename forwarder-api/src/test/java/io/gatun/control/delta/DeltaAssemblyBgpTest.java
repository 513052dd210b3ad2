package io.gatun.control.delta;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpChanges;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A delta carries the BGP configuration only when it changed: absent means unchanged; whole, or (to
 * a forwarder offering BGP_DELTAS) as what changed, which the assembly applies in prefix order.
 */
class DeltaAssemblyBgpTest {
  private static final BgpConfig BGP = BgpConfig.newBuilder().setLocalAsn(64512).build();
  private static final BgpNeighbor PEER =
      BgpNeighbor.newBuilder().setAddress("192.0.2.1").setAsn(64500).setPort(179).build();

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

  @Test
  void changesAddChangeAndRemoveAdvertisementsKeepingPrefixOrder() {
    DeltaAssembly a = new DeltaAssembly();
    BgpConfig first =
        BgpConfig.newBuilder()
            .setLocalAsn(64512)
            .addNeighbors(PEER)
            .addAdvertisements(route("203.0.113.10/32", "ns/a/http"))
            .addAdvertisements(route("203.0.113.30/32", "ns/c/http"))
            .build();
    a.complete(Snapshot.newBuilder().setSnapshotVersion(1).setBgp(first).build());

    BgpConfig changed =
        a.delta(
                delta(2, 1)
                    .setBgpChanges(
                        BgpChanges.newBuilder()
                            .addAdvertisements(route("203.0.113.20/32", "ns/b/http"))
                            .addAdvertisements(route("203.0.113.30/32", "ns/c/http", "ns/d/http"))
                            .addRemovedPrefixes("203.0.113.10/32"))
                    .build())
            .orElseThrow()
            .getBgp();

    assertThat(changed)
        .as("the instance unchanged, the advertisements in prefix order")
        .isEqualTo(
            BgpConfig.newBuilder()
                .setLocalAsn(64512)
                .addNeighbors(PEER)
                .addAdvertisements(route("203.0.113.20/32", "ns/b/http"))
                .addAdvertisements(route("203.0.113.30/32", "ns/c/http", "ns/d/http"))
                .build());

    BgpConfig unchanged = a.delta(delta(3, 2).build()).orElseThrow().getBgp();
    assertThat(unchanged).as("the same object while nothing changes").isSameAs(changed);

    BgpConfig otherAs =
        a.delta(
                delta(4, 3)
                    .setBgpChanges(
                        BgpChanges.newBuilder()
                            .setInstance(BgpInstance.newBuilder().setLocalAsn(64513)))
                    .build())
            .orElseThrow()
            .getBgp();
    assertThat(otherAs.getLocalAsn()).isEqualTo(64513);
    assertThat(otherAs.getNeighborsList()).as("no neighbours in the new instance").isEmpty();
    assertThat(otherAs.getAdvertisementsCount()).isEqualTo(2);
  }

  @Test
  void changesThatLeaveNothingTurnBgpOffAndOnAgain() {
    DeltaAssembly a = new DeltaAssembly();
    a.complete(
        Snapshot.newBuilder()
            .setSnapshotVersion(1)
            .setBgp(BGP.toBuilder().addAdvertisements(route("203.0.113.10/32", "ns/a/http")))
            .build());

    Snapshot off =
        a.delta(
                delta(2, 1)
                    .setBgpChanges(
                        BgpChanges.newBuilder()
                            .setInstance(BgpInstance.getDefaultInstance())
                            .addRemovedPrefixes("203.0.113.10/32"))
                    .build())
            .orElseThrow();
    assertThat(off.hasBgp()).as("no instance, no advertisement: no BGP").isFalse();

    Snapshot on =
        a.delta(
                delta(3, 2)
                    .setBgpChanges(
                        BgpChanges.newBuilder()
                            .setInstance(
                                BgpInstance.newBuilder().setLocalAsn(64512).addNeighbors(PEER)))
                    .build())
            .orElseThrow();
    assertThat(on.getBgp())
        .isEqualTo(BgpConfig.newBuilder().setLocalAsn(64512).addNeighbors(PEER).build());
  }

  @Test
  void changesOnAGapGiveNothingUntilACompleteSnapshot() {
    DeltaAssembly a = new DeltaAssembly();
    a.complete(Snapshot.newBuilder().setSnapshotVersion(1).setBgp(BGP).build());
    var changes =
        BgpChanges.newBuilder().addAdvertisements(route("203.0.113.10/32", "ns/a/http")).build();

    assertThat(a.delta(delta(3, 2).setBgpChanges(changes).build())).as("base 2 missed").isEmpty();
    assertThat(a.delta(delta(4, 3).setBgpChanges(changes).build()))
        .as("nothing builds on a gap")
        .isEmpty();

    a.complete(Snapshot.newBuilder().setSnapshotVersion(5).setBgp(BGP).build());
    assertThat(a.delta(delta(6, 5).setBgpChanges(changes).build()).orElseThrow().getBgp())
        .isEqualTo(
            BGP.toBuilder().addAdvertisements(route("203.0.113.10/32", "ns/a/http")).build());
  }

  private static SnapshotDelta.Builder delta(long version, long base) {
    return SnapshotDelta.newBuilder().setSnapshotVersion(version).setBaseSnapshotVersion(base);
  }

  private static BgpAdvertisement route(String prefix, String... keys) {
    return BgpAdvertisement.newBuilder()
        .setPrefix(prefix)
        .addNeighbors(PEER.getAddress())
        .addAllServiceKeys(List.of(keys))
        .setPool("edge")
        .build();
  }
}
