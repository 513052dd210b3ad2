package io.gatun.forwarder;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.fwd.Addresses;
import io.gatun.fwd.BackendSpec;
import io.gatun.fwd.ForwardingMode;
import io.gatun.fwd.Protocol;
import io.gatun.fwd.Scheduling;
import io.gatun.fwd.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns operator snapshots into data-plane commits, all or nothing, and says so in an Ack.
 *
 * <p>Operator generations are ordered only within one control stream (an operator restart may start
 * again from 1), so a stream's snapshots are checked against that stream's last one, while the data
 * plane gets its own strictly growing generation.
 */
public final class SnapshotApplier {
  private static final Logger log = LoggerFactory.getLogger(SnapshotApplier.class);

  private final DataPlaneControl dataPlane;
  private long lastOperatorGeneration;

  public SnapshotApplier(DataPlaneControl dataPlane) {
    this.dataPlane = dataPlane;
  }

  /** A new stream: the next snapshot is a full resync whatever its generation. */
  public synchronized void newStream() {
    lastOperatorGeneration = 0;
  }

  public synchronized long lastOperatorGeneration() {
    return lastOperatorGeneration;
  }

  public synchronized Ack apply(Snapshot snapshot) {
    long started = System.nanoTime();
    long generation = snapshot.getGeneration();
    if (generation <= lastOperatorGeneration) {
      log.warn(
          "ignoring snapshot generation {}: already at {}", generation, lastOperatorGeneration);
      return Ack.newBuilder()
          .setGeneration(generation)
          .setApplied(false)
          .setError("stale generation " + generation + " (running " + lastOperatorGeneration + ")")
          .build();
    }
    try {
      List<ServiceSpec> services = translate(snapshot);
      dataPlane.commit(dataPlane.generation() + 1, services);
      lastOperatorGeneration = generation;
      long nanos = System.nanoTime() - started;
      log.info(
          "applied snapshot generation {}: {} services in {} us",
          generation,
          services.size(),
          nanos / 1000);
      return Ack.newBuilder()
          .setGeneration(generation)
          .setApplied(true)
          .setApplyNanos(nanos)
          .build();
    } catch (RuntimeException e) {
      log.warn("rejected snapshot generation {}: {}", generation, e.getMessage());
      return Ack.newBuilder()
          .setGeneration(generation)
          .setApplied(false)
          .setError(e.getMessage())
          .build();
    }
  }

  static List<ServiceSpec> translate(Snapshot snapshot) {
    List<ServiceSpec> services = new ArrayList<>();
    for (VirtualService vs : snapshot.getServicesList()) {
      try {
        List<BackendSpec> backends = new ArrayList<>();
        for (Backend b : vs.getBackendsList()) {
          backends.add(
              new BackendSpec(
                  Addresses.parse(b.getAddress()), b.getPort(), Math.max(1, b.getWeight())));
        }
        services.add(
            new ServiceSpec(
                Addresses.parse(vs.getVip()),
                protocol(vs),
                vs.getPort(),
                mode(vs),
                scheduling(vs),
                vs.getMaglevTableSize() == 0
                    ? ServiceSpec.DEFAULT_MAGLEV_TABLE_SIZE
                    : vs.getMaglevTableSize(),
                backends));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("service " + vs.getKey() + ": " + e.getMessage(), e);
      }
    }
    return services;
  }

  private static Protocol protocol(VirtualService vs) {
    return switch (vs.getProtocol()) {
      case TCP -> Protocol.TCP;
      case UDP -> Protocol.UDP;
      case SCTP -> Protocol.SCTP;
      default -> throw new IllegalArgumentException("no protocol");
    };
  }

  private static Scheduling scheduling(VirtualService vs) {
    return switch (vs.getScheduling()) {
      case MAGLEV, SCHEDULING_UNSPECIFIED -> Scheduling.MAGLEV;
      default ->
          throw new IllegalArgumentException(
              "scheduling " + vs.getScheduling() + " is not supported by this forwarder yet");
    };
  }

  private static ForwardingMode mode(VirtualService vs) {
    return switch (vs.getMode()) {
      case FULL_NAT, FORWARDING_MODE_UNSPECIFIED -> ForwardingMode.FULL_NAT;
      case NAT -> ForwardingMode.NAT;
      case DSR -> ForwardingMode.DSR;
      case DSR_IPIP -> ForwardingMode.DSR_IPIP;
      default -> throw new IllegalArgumentException("unknown forwarding mode " + vs.getModeValue());
    };
  }
}
