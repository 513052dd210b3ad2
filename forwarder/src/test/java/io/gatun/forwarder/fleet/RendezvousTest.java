package io.gatun.forwarder.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RendezvousTest {
  private static final List<String> VIPS =
      IntStream.range(0, 200).mapToObj(i -> "198.18." + (i / 100) + "." + (i % 100)).toList();

  @Test
  void weightsAreSha256OfIdAndAddressTheSameInEveryJvm() {
    // Python: int.from_bytes(sha256(b"fwd-1\0198.18.0.200").digest()[:8], "big", signed=True)
    assertThat(Rendezvous.weight("fwd-1", "198.18.0.200")).isEqualTo(1647917863894843631L);
    assertThat(Rendezvous.weight("fwd-2", "198.18.0.200")).isEqualTo(6001098097315643836L);
    assertThat(Rendezvous.owner("198.18.0.200", List.of("fwd-1", "fwd-2"))).contains("fwd-2");
  }

  @Test
  void theOwnerDoesNotDependOnTheCandidatesOrder() {
    for (String vip : VIPS) {
      assertThat(Rendezvous.owner(vip, List.of("a", "b", "c")))
          .isEqualTo(Rendezvous.owner(vip, List.of("c", "a", "b")));
    }
    assertThat(Rendezvous.owner("198.18.0.1", List.of())).isEmpty();
  }

  @Test
  void addressesSpreadOverTheForwarders() {
    Map<String, Integer> count = new HashMap<>();
    for (String vip : VIPS) {
      count.merge(
          Rendezvous.owner(vip, List.of("a", "b", "c", "d")).orElseThrow(), 1, Integer::sum);
    }
    assertThat(count).hasSize(4);
    assertThat(count.values()).allMatch(n -> n > 25, "each of 4 owns a fair share of 200");
  }

  @Test
  void onlyTheAddressesOfAForwarderThatLeavesMove() {
    for (String vip : VIPS) {
      String before = Rendezvous.owner(vip, List.of("a", "b", "c")).orElseThrow();
      String after = Rendezvous.owner(vip, List.of("a", "c")).orElseThrow();
      if (!before.equals("b")) {
        assertThat(after).as(vip).isEqualTo(before);
      }
    }
  }

  @Test
  void aForwarderThatJoinsTakesOnlyAddressesItWins() {
    int moved = 0;
    for (String vip : VIPS) {
      String before = Rendezvous.owner(vip, List.of("a", "b", "c")).orElseThrow();
      String after = Rendezvous.owner(vip, List.of("a", "b", "c", "d")).orElseThrow();
      if (!after.equals(before)) {
        assertThat(after).as(vip).isEqualTo("d");
        moved++;
      }
    }
    assertThat(moved).isBetween(25, 75); // about a quarter
  }
}
