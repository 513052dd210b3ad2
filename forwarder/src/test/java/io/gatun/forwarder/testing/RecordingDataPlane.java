package io.gatun.forwarder.testing;

import io.gatun.forwarder.dataplane.DataPlaneControl;
import io.gatun.fwd.NativeError;
import io.gatun.fwd.PortStats;
import io.gatun.fwd.ServiceId;
import io.gatun.fwd.ServiceRefusal;
import io.gatun.fwd.ServiceSpec;
import io.gatun.fwd.ServiceStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DataPlaneControl that remembers what each commit runs, refuses services or whole commits when
 * told to, and reports whatever counters and traffic the test sets.
 */
public final class RecordingDataPlane implements DataPlaneControl {
  /** The services each commit runs (the refused ones left out, as the data plane does). */
  public final List<List<ServiceSpec>> commits = new ArrayList<>();

  private long commitSeq;

  /** While set, every commit fails as a whole (as out of memory would). */
  public volatile String failWith;

  /** Services refused on their own, by VIP (host address), with the reason given. */
  public final Map<String, String> refuseVip = new ConcurrentHashMap<>();

  public volatile Map<String, Long> counters = new LinkedHashMap<>(Map.of("rx_packets", 0L));
  public volatile List<ServiceStats> traffic = List.of();
  public volatile boolean linkUp = true;
  public volatile PortStats portStats = new PortStats(0, 0, 0, 0, 0, 0, 0, 0);

  /** One worker whose loop count advances on every read, unless stuck. */
  public volatile boolean workerStuck;

  private long loops;

  @Override
  public synchronized List<ServiceRefusal> commit(long seq, List<ServiceSpec> services) {
    if (seq <= this.commitSeq) {
      throw new IllegalStateException("stale data-plane commit " + seq);
    }
    if (failWith != null) {
      throw new IllegalArgumentException(failWith);
    }
    List<ServiceRefusal> refused = new ArrayList<>();
    List<ServiceSpec> running = new ArrayList<>();
    java.util.Set<ServiceId> ids = new java.util.HashSet<>();
    for (int i = 0; i < services.size(); i++) {
      ServiceSpec s = services.get(i);
      String why = refuseVip.get(s.vip().getHostAddress());
      if (why == null && !ids.add(ServiceId.of(s))) {
        why = "another service has the same VIP, port and protocol";
      }
      if (why != null) {
        refused.add(new ServiceRefusal(i, s, NativeError.INVALID_ARGUMENT, why));
      } else {
        running.add(s);
      }
    }
    this.commitSeq = seq;
    commits.add(List.copyOf(running));
    return List.copyOf(refused);
  }

  /**
   * As the data plane does: the running services less {@code removed}, each upsert in place of the
   * service of its id (a refused one takes that service along, a second one of an id is refused).
   */
  @Override
  public synchronized List<ServiceRefusal> commitDelta(
      long seq, List<ServiceSpec> upserts, Collection<ServiceId> removed) {
    if (seq <= this.commitSeq) {
      throw new IllegalStateException("stale data-plane commit " + seq);
    }
    if (failWith != null) {
      throw new IllegalArgumentException(failWith);
    }
    Map<ServiceId, ServiceSpec> running = new LinkedHashMap<>();
    (commits.isEmpty() ? List.<ServiceSpec>of() : commits.getLast())
        .forEach(s -> running.put(ServiceId.of(s), s));
    removed.forEach(running::remove);
    upserts.forEach(s -> running.remove(ServiceId.of(s)));
    List<ServiceRefusal> refused = new ArrayList<>();
    for (int i = 0; i < upserts.size(); i++) {
      ServiceSpec s = upserts.get(i);
      String why = refuseVip.get(s.vip().getHostAddress());
      if (why == null && running.containsKey(ServiceId.of(s))) {
        why = "another service has the same VIP, port and protocol";
      }
      if (why != null) {
        refused.add(new ServiceRefusal(i, s, NativeError.INVALID_ARGUMENT, why));
      } else {
        running.put(ServiceId.of(s), s);
      }
    }
    this.commitSeq = seq;
    deltaCommits++;
    commits.add(List.copyOf(running.values()));
    return List.copyOf(refused);
  }

  /** How many commits were deltas. */
  public synchronized int deltaCommits() {
    return deltaCommits;
  }

  private int deltaCommits;

  @Override
  public synchronized long commitSeq() {
    return commitSeq;
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

  public synchronized List<ServiceSpec> last() {
    return commits.getLast();
  }

  public synchronized int commitCount() {
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
