package io.gatun.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class MaglevTableSizeTest {

  @Test
  void everyRungIsAPrimeAndTheLadderClimbs() {
    int previous = 0;
    for (int size : MaglevTableSize.LADDER) {
      assertThat(BigInteger.valueOf(size).isProbablePrime(30)).as("%d is prime", size).isTrue();
      assertThat(size)
          .isGreaterThan(previous)
          .isLessThanOrEqualTo(LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE);
      previous = size;
    }
    assertThat(MaglevTableSize.LADDER.getFirst()).isEqualTo(251);
    assertThat(MaglevTableSize.LADDER.getLast()).isEqualTo(65537);
  }

  @Test
  void theSmallestRungWithAHundredEntriesPerBackend() {
    assertThat(MaglevTableSize.forBackends(0)).as("no backend yet").isEqualTo(251);
    assertThat(MaglevTableSize.forBackends(1)).isEqualTo(251);
    assertThat(MaglevTableSize.forBackends(2)).isEqualTo(251);
    assertThat(MaglevTableSize.forBackends(3)).isEqualTo(509);
    assertThat(MaglevTableSize.forBackends(10)).isEqualTo(1021);
    assertThat(MaglevTableSize.forBackends(11)).isEqualTo(2039);
    assertThat(MaglevTableSize.forBackends(655)).isEqualTo(65537);
    for (int n = 1; n <= 655; n++) {
      int size = MaglevTableSize.forBackends(n);
      assertThat(size).as("%d backends", n).isGreaterThanOrEqualTo(100 * n);
      int index = MaglevTableSize.LADDER.indexOf(size);
      assertThat(index == 0 || MaglevTableSize.LADDER.get(index - 1) < 100 * n)
          .as("%d backends: no smaller rung would do", n)
          .isTrue();
    }
  }

  @Test
  void beyondTheLadderTheTopRungWhichHoldsTheDisruptionFigure() {
    // forwarder-native's test_maglev measures the disruption at 1,000 backends in this size.
    assertThat(MaglevTableSize.forBackends(1000)).isEqualTo(65537);
    assertThat(MaglevTableSize.forBackends(LoadBalancerSpec.MAX_BACKENDS_PER_SERVICE))
        .isGreaterThan(LoadBalancerSpec.MAX_BACKENDS_PER_SERVICE);
  }

  @Test
  void aGivenSizeWins() {
    var given =
        new LoadBalancerSpec(
            null,
            null,
            null,
            null,
            null,
            java.util.List.of(),
            null,
            null,
            null,
            null,
            131071,
            null,
            null,
            null);
    assertThat(given.maglevTableSizeFor(3)).isEqualTo(131071);
  }
}
