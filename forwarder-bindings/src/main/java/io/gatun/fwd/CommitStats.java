package io.gatun.fwd;

/**
 * What one commit did ({@code struct gfwd_commit_stats}): a service whose Maglev table size and
 * serving backends did not change keeps its tables ({@code tablesReused}); every other one gets
 * tables built for it ({@code tablesBuilt}).
 *
 * @param seq the commit described (0: none yet)
 * @param services services it runs
 * @param tablesBuilt services whose tables it built
 * @param tablesReused services that kept the previous commit's tables
 * @param bytesAllocated bytes of the tables it built and of the configuration's own arrays
 * @param tableBytes bytes of every table the running configuration holds
 * @param buildNanos validating and building, before publishing
 * @param commitNanos the whole commit: build, publish, grace period, old state freed
 */
public record CommitStats(
    long seq,
    int services,
    int tablesBuilt,
    int tablesReused,
    long bytesAllocated,
    long tableBytes,
    long buildNanos,
    long commitNanos) {

  /** Before the first commit. */
  public static final CommitStats NONE = new CommitStats(0, 0, 0, 0, 0, 0, 0, 0);
}
