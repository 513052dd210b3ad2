package io.gatun.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final StatusThrottle throttle = new StatusThrottle(Duration.ofNanos(100), now::get);

  @Test
  void runsAtMostOncePerIntervalPerResource() {
    assertThat(throttle.delayFor("demo")).isZero();
    throttle.ran("demo");

    now.addAndGet(40);
    assertThat(throttle.delayFor("demo")).isEqualTo(Duration.ofNanos(60));
    assertThat(throttle.delayFor("other")).isZero();

    now.addAndGet(60);
    assertThat(throttle.delayFor("demo")).isZero();
  }
}
