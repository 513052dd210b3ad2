package io.gatun.forwarder.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatun.control.v1.HealthCheck;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckSpecTest {

  @Test
  void takesTheOperatorsValuesAsSent() {
    HealthCheckSpec spec = Checks.spec(Checks.of(HealthCheck.Type.HTTP).setHealthyThreshold(4));

    assertThat(spec.period()).isEqualTo(Duration.ofSeconds(1));
    assertThat(spec.timeout()).isEqualTo(Duration.ofMillis(300));
    assertThat(spec.healthyThreshold()).isEqualTo(4);
    assertThat(spec.expectedStatusText()).isEqualTo("200-399");
  }

  @Test
  void refusesAZeroSettingInsteadOfDefaultingIt() {
    assertThatThrownBy(() -> Checks.spec(Checks.of(HealthCheck.Type.TCP).setPeriodMillis(0)))
        .hasMessage(
            "health check test/tcp period_millis is 0 (the operator sends the HealthProbe's,"
                + " never 0)");
    assertThatThrownBy(() -> Checks.spec(Checks.of(HealthCheck.Type.TCP).setUnhealthyThreshold(0)))
        .hasMessageContaining("unhealthy_threshold is 0");
  }

  @Test
  void refusesAnHttpCheckThatExpectsNoStatus() {
    assertThatThrownBy(
            () -> Checks.spec(Checks.of(HealthCheck.Type.HTTP).clearHttpExpectedStatuses()))
        .hasMessageContaining("expects no HTTP status");
    assertThatThrownBy(() -> Checks.spec(Checks.of(HealthCheck.Type.HTTPS).setHttpPath("")))
        .hasMessageContaining("has no HTTP path or method");
  }
}
