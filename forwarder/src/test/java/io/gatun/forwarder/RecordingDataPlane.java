package io.gatun.forwarder;

import io.gatun.fwd.ServiceSpec;
import java.util.ArrayList;
import java.util.List;

/** A DataPlaneControl that remembers commits, and refuses any when told to. */
final class RecordingDataPlane implements DataPlaneControl {
  final List<List<ServiceSpec>> commits = new ArrayList<>();
  private long generation;
  String refuseWith;

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

  synchronized List<ServiceSpec> last() {
    return commits.getLast();
  }
}
