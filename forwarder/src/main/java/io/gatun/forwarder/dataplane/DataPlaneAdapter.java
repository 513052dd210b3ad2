package io.gatun.forwarder.dataplane;

import io.gatun.fwd.CommitStats;
import io.gatun.fwd.DataPlane;
import io.gatun.fwd.PortStats;
import io.gatun.fwd.ServiceId;
import io.gatun.fwd.ServiceRefusal;
import io.gatun.fwd.ServiceSpec;
import io.gatun.fwd.ServiceStats;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The real data plane behind the agent's seam. */
public final class DataPlaneAdapter implements DataPlaneControl {
  private final DataPlane dataPlane;

  public DataPlaneAdapter(DataPlane dataPlane) {
    this.dataPlane = dataPlane;
  }

  @Override
  public List<ServiceRefusal> commit(long seq, List<ServiceSpec> services) {
    return dataPlane.commit(seq, services);
  }

  @Override
  public List<ServiceRefusal> commitDelta(
      long seq, List<ServiceSpec> upserts, Collection<ServiceId> removed) {
    return dataPlane.commitDelta(seq, upserts, removed);
  }

  @Override
  public long commitSeq() {
    return dataPlane.commitSeq();
  }

  @Override
  public CommitStats commitStats() {
    return dataPlane.commitStats();
  }

  @Override
  public Map<String, Long> counters() {
    return dataPlane.counters();
  }

  @Override
  public List<ServiceStats> serviceStats() {
    return dataPlane.serviceStats();
  }

  @Override
  public boolean linkUp(int port) {
    return dataPlane.linkUp(port);
  }

  @Override
  public PortStats portStats(int port) {
    return dataPlane.portStats(port);
  }

  @Override
  public long[] workerLoops() {
    return dataPlane.workerLoops();
  }
}
