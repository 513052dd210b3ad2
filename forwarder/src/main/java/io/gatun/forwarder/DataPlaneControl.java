package io.gatun.forwarder;

import io.gatun.fwd.ServiceSpec;
import java.util.List;

/**
 * What the agent needs from the data plane; a seam so the control logic is testable without DPDK.
 */
public interface DataPlaneControl {
  /** Replaces the running state; throws when it cannot, leaving the running state in force. */
  void commit(long generation, List<ServiceSpec> services);

  long generation();
}
