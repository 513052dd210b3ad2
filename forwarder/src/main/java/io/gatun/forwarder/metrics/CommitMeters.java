package io.gatun.forwarder.metrics;

import io.gatun.fwd.CommitStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the data plane's commits cost: a commit builds tables only for the services that changed
 * (issue 15), so tables built per commit should follow the changes, not the number of services.
 */
public final class CommitMeters {
  private final Timer duration;
  private final Counter built;
  private final Counter reused;
  private final Counter allocated;
  private final AtomicLong tableBytes = new AtomicLong();
  private final Counter deltas;
  private final Counter wholes;

  public CommitMeters(MeterRegistry registry) {
    duration =
        Timer.builder("gatun.commit.duration")
            .description("A data-plane commit: build, publish, grace period, old state freed")
            .register(registry);
    built =
        Counter.builder("gatun.commit.tables.built")
            .description("Services whose Maglev and round-robin tables a commit built")
            .register(registry);
    reused =
        Counter.builder("gatun.commit.tables.reused")
            .description("Services that kept their tables across a commit (unchanged)")
            .register(registry);
    allocated =
        Counter.builder("gatun.commit.allocated")
            .baseUnit("bytes")
            .description("Memory commits allocated: new tables and configuration arrays")
            .register(registry);
    deltas = kind(registry, "delta");
    wholes = kind(registry, "whole");
    Gauge.builder("gatun.commit.table.memory", tableBytes, AtomicLong::get)
        .baseUnit("bytes")
        .description("Memory of every table the running configuration holds")
        .register(registry);
  }

  private static Counter kind(MeterRegistry registry, String kind) {
    return Counter.builder("gatun.commits")
        .description(
            "Data-plane commits by kind: of the services that changed (delta), or of every"
                + " service (whole: the first, and what a delta cannot express)")
        .tag("kind", kind)
        .register(registry);
  }

  /** Counts one commit of what changed ({@code delta}) or of every service. */
  public void record(CommitStats stats, boolean delta) {
    (delta ? deltas : wholes).increment();
    record(stats);
  }

  /** Counts one commit; {@link CommitStats#NONE} (a data plane that does not tell) counts none. */
  public void record(CommitStats stats) {
    if (stats.seq() == 0) {
      return;
    }
    duration.record(stats.commitNanos(), TimeUnit.NANOSECONDS);
    built.increment(stats.tablesBuilt());
    reused.increment(stats.tablesReused());
    allocated.increment(stats.bytesAllocated());
    tableBytes.set(stats.tableBytes());
  }
}
