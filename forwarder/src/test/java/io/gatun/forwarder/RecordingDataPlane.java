package io.gatun.forwarder;

import io.gatun.fwd.PortStats;
import io.gatun.fwd.ServiceSpec;
import io.gatun.fwd.ServiceStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DataPlaneControl that remembers commits, refuses any when told to, and reports whatever
 * counters and traffic the test sets.
 */
final class RecordingDataPlane implements DataPlaneControl {
  final List<List<ServiceSpec>> commits = new ArrayList<>();
  private long generation;
  volatile String refuseWith;
  volatile Map<String, Long> counters = new LinkedHashMap<>(Map.of("rx_packets", 0L));
  volatile List<ServiceStats> traffic = List.of();
  volatile boolean linkUp = true;
  volatile PortStats portStats = new PortStats(0, 0, 0, 0, 0, 0, 0, 0);

  /** One worker whose loop count advances on every read, unless stuck. */
  volatile boolean workerStuck;

  private long loops;

  @Override
  public synchronized void commit(long generation, List<ServiceSpec> services) {
    if (generation <= this.generation) {
      throw new IllegalStateException("stale data-plane generation " + generation);
    }
    if (refuseWith != null) {
      throw new IllegalArgumentException(refuseWith);
    }
    this.generation = generation;
    commits.add(services);
  }

  @Override
  public synchronized long generation() {
    return generation;
  }

  @Override
  public Map<String, Long> counters() {
    return counters;
  }

  @Override
  public List<ServiceStats> serviceStats() {
    return traffic;
  }

  @Override
  public boolean linkUp(int port) {
    return linkUp;
  }

  synchronized List<ServiceSpec> last() {
    return commits.getLast();
  }

  synchronized int commitCount() {
    return commits.size();
  }

  @Override
  public PortStats portStats(int port) {
    return portStats;
  }

  @Override
  public synchronized long[] workerLoops() {
    if (!workerStuck) {
      loops++;
    }
    return new long[] {loops};
  }
}
