package io.gatun.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aFullBucketGivesItsBurstAtOnceThenOnePermitPerInterval() {
    var bucket = new TokenBucket(50, 100, now::get);
    for (int i = 0; i < 100; i++) {
      assertThat(bucket.tryAcquire()).as("permit %d of the burst", i).isZero();
    }
    assertThat(bucket.tryAcquire()).isEqualTo(Duration.ofMillis(20));
    now.addAndGet(Duration.ofMillis(19).toNanos());
    assertThat(bucket.tryAcquire())
        .isBetween(Duration.ofMillis(1), Duration.ofMillis(1).plusNanos(10));
    now.addAndGet(Duration.ofMillis(1).toNanos());
    assertThat(bucket.tryAcquire()).isZero();
    assertThat(bucket.tryAcquire()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void anIdleBucketRefillsNoFurtherThanItsBurst() {
    var bucket = new TokenBucket(10, 3, now::get);
    for (int i = 0; i < 3; i++) {
      bucket.tryAcquire();
    }
    now.addAndGet(Duration.ofHours(1).toNanos());
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryAcquire()).isZero();
    }
    assertThat(bucket.tryAcquire()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void acquireWaitsForThePermit() throws InterruptedException {
    var bucket = new TokenBucket(20, 1, System::nanoTime);
    bucket.acquire();
    long start = System.nanoTime();
    bucket.acquire();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(40));
  }

  @Test
  void refusesARateOrBurstThatAllowsNothing() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, now::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, 0, now::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
