package io.gatun.forwarder.dataplane;

import io.gatun.fwd.CommitStats;
import io.gatun.fwd.PortStats;
import io.gatun.fwd.ServiceId;
import io.gatun.fwd.ServiceRefusal;
import io.gatun.fwd.ServiceSpec;
import io.gatun.fwd.ServiceStats;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What the agent needs from the data plane; a seam so the agent is testable without DPDK. */
public interface DataPlaneControl {
  /**
   * Replaces the running state with every service the data plane can run; returns the others, each
   * with its reason. Throws, leaving the running state in force, only when the whole call fails (a
   * stale commit seq, out of memory).
   */
  List<ServiceRefusal> commit(long seq, List<ServiceSpec> services);

  /**
   * Changes the running state by what changed: {@code removed} leave, each upsert replaces the
   * service of its {@link ServiceId} or is added, every other service runs on untouched. Returns
   * the refused upserts (each also takes the service it would have replaced along); throws, leaving
   * the running state in force, as {@link #commit} does.
   */
  List<ServiceRefusal> commitDelta(
      long seq, List<ServiceSpec> upserts, Collection<ServiceId> removed);

  long commitSeq();

  /** What the last commit built and reused; {@link CommitStats#NONE} when not told. */
  default CommitStats commitStats() {
    return CommitStats.NONE;
  }

  /**
   * Every counter by name, summed over workers ({@code rx_packets}, {@code drop_no_service}, …).
   */
  Map<String, Long> counters();

  /** Traffic per service and backend of the running state. */
  List<ServiceStats> serviceStats();

  boolean linkUp(int port);

  /** The port's driver counters (rx, tx, missed, errors). */
  PortStats portStats(int port);

  /** Each worker's loop count: one that stops growing is stuck. */
  long[] workerLoops();
}
