package io.gatun.forwarder.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerWatchTest {
  private final WorkerWatch watch = new WorkerWatch();

  @Test
  void workersThatKeepLoopingAreAlive() {
    assertThat(watch.stuck(new long[] {10, 20})).isNull();
    assertThat(watch.stuck(new long[] {11, 25})).isNull();
  }

  @Test
  void aWorkerWhoseCountStoppedIsNamed() {
    watch.stuck(new long[] {10, 20});
    assertThat(watch.stuck(new long[] {11, 20}))
        .isEqualTo("data-plane worker(s) [1] stopped looping");
  }
}
