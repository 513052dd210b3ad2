package io.gatun.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AddressSetTest {

  @Test
  void mergesAndSplitsRunsAndAnswersLikeAPlainSet() {
    var set = new AddressSet();
    var reference = new TreeSet<Integer>();
    var random = new Random(7);
    for (int step = 0; step < 20_000; step++) {
      int value = random.nextInt(200);
      if (random.nextBoolean()) {
        set.add(big(value));
        reference.add(value);
      } else {
        set.remove(big(value));
        reference.remove(value);
      }
      int probe = random.nextInt(220);
      assertThat(set.contains(big(probe))).isEqualTo(reference.contains(probe));
      int absent = probe;
      while (reference.contains(absent)) {
        absent++;
      }
      assertThat(set.firstAbsentFrom(big(probe))).isEqualTo(big(absent));
      int from = random.nextInt(200);
      int to = from + random.nextInt(50);
      assertThat(set.countIn(big(from), big(to)))
          .isEqualTo(big(reference.subSet(from, true, to, true).size()));
    }
  }

  private static BigInteger big(int value) {
    return BigInteger.valueOf(value);
  }
}
