package io.gatun.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class VipMoveNewsTest {

  @Test
  void aFirstOwnerIsNamedAsTheOneAnswering() {
    var first =
        new VipMoveNews("198.18.0.200", null, null, "fwd-a", "node-a", "served", Instant.EPOCH);
    assertThat(first.message()).isEqualTo("198.18.0.200 is now answered by fwd-a (node-a): served");
  }

  @Test
  void aMoveNamesBothSides() {
    var move =
        new VipMoveNews(
            "198.18.0.200", "fwd-a", "node-a", "fwd-b", "node-b", "peer fwd-a gone", Instant.EPOCH);
    assertThat(move.message())
        .isEqualTo("198.18.0.200 moved from fwd-a (node-a) to fwd-b (node-b): peer fwd-a gone");
  }
}
