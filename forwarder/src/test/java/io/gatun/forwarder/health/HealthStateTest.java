package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class HealthStateTest {
  private final HealthState state =
      new HealthState(
          new BackendKey("default/web/http", InetAddress.getLoopbackAddress(), 8080),
          Checks.spec(
              Checks.of(HealthCheck.Type.TCP).setUnhealthyThreshold(3).setHealthyThreshold(2)),
          1000);

  private static ProbeResult ok() {
    return ProbeResult.success("connected", System.nanoTime());
  }

  private static ProbeResult fail() {
    return ProbeResult.failure("connection refused", System.nanoTime());
  }

  @Test
  void startsHealthyAndLeavesOnlyAfterUnhealthyThresholdFailuresInARow() {
    assertThat(state.healthy()).isTrue();
    assertThat(state.record(fail(), 2000)).isEmpty();
    assertThat(state.record(fail(), 2100)).isEmpty();
    assertThat(state.record(ok(), 2200)).as("a success resets the count").isEmpty();
    assertThat(state.record(fail(), 2300)).isEmpty();
    assertThat(state.record(fail(), 2400)).isEmpty();

    HealthStatus down = state.record(fail(), 2500).orElseThrow();

    assertThat(down.healthy()).isFalse();
    assertThat(down.reason()).isEqualTo("connection refused");
    assertThat(down.changedAtMillis()).isEqualTo(2500);
    assertThat(state.record(fail(), 2600)).as("no second transition").isEmpty();
  }

  @Test
  void returnsAfterHealthyThresholdSuccessesInARow() {
    for (int i = 0; i < 3; i++) {
      state.record(fail(), 2000 + i);
    }
    assertThat(state.record(ok(), 3000)).isEmpty();
    assertThat(state.record(fail(), 3100)).isEmpty();
    assertThat(state.record(ok(), 3200)).isEmpty();

    HealthStatus up = state.record(ok(), 3300).orElseThrow();

    assertThat(up.healthy()).isTrue();
    assertThat(up.changedAtMillis()).isEqualTo(3300);
    assertThat(up.lastLatencyMicros()).isPositive();
  }
}
