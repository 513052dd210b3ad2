package io.gatun.forwarder.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.fwd.CommitStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final CommitMeters meters = new CommitMeters(registry);

  @Test
  void countsWhatEachCommitBuiltAndReused() {
    meters.record(new CommitStats(1, 100, 100, 0, 5_000_000, 2_000_000, 900_000, 1_000_000));
    meters.record(new CommitStats(2, 100, 1, 99, 60_000, 2_000_000, 20_000, 30_000));

    assertThat(registry.get("gatun.commit.tables.built").counter().count()).isEqualTo(101);
    assertThat(registry.get("gatun.commit.tables.reused").counter().count()).isEqualTo(99);
    assertThat(registry.get("gatun.commit.allocated").counter().count()).isEqualTo(5_060_000);
    assertThat(registry.get("gatun.commit.table.memory").gauge().value()).isEqualTo(2_000_000);
    var duration = registry.get("gatun.commit.duration").timer();
    assertThat(duration.count()).isEqualTo(2);
    assertThat(duration.max(TimeUnit.NANOSECONDS)).isEqualTo(1_000_000);
  }

  @Test
  void aDataPlaneThatDoesNotTellCountsNothing() {
    meters.record(CommitStats.NONE);

    assertThat(registry.get("gatun.commit.duration").timer().count()).isZero();
    assertThat(registry.get("gatun.commit.tables.built").counter().count()).isZero();
  }
}
