package io.gatun.forwarder.testing;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.StatusRange;
import io.gatun.control.v1.VirtualService;

/**
 * Snapshots as the operator sends them, defaults resolved: one TCP service on 198.18.0.200:80,
 * Maglev, backends on 8080 of weight 1.
 */
public final class Snapshots {
  private Snapshots() {}

  public static Snapshot snapshot(long snapshotVersion, String... backends) {
    return Snapshot.newBuilder()
        .setSnapshotVersion(snapshotVersion)
        .addServices(service(backends))
        .build();
  }

  public static VirtualService.Builder service(String... backends) {
    VirtualService.Builder vs =
        VirtualService.newBuilder()
            .setKey("default/web/http")
            .setVip("198.18.0.200")
            .setPort(80)
            .setProtocol(Protocol.TCP)
            .setMode(ForwardingMode.FULL_NAT)
            .setScheduling(io.gatun.control.v1.Scheduling.MAGLEV)
            .setMaglevTableSize(251);
    for (String b : backends) {
      vs.addBackends(Backend.newBuilder().setAddress(b).setPort(8080).setWeight(1));
    }
    return vs;
  }

  /** Adds backends the operator is draining (removed, keeping their connections). */
  public static VirtualService.Builder draining(VirtualService.Builder vs, String... backends) {
    for (String b : backends) {
      vs.addBackends(
          Backend.newBuilder().setAddress(b).setPort(8080).setWeight(1).setDraining(true));
    }
    return vs;
  }

  /** What the operator sends for a HealthProbe that gives only its type: its CRD's defaults. */
  public static HealthCheck.Builder healthCheck(HealthCheck.Type type, String probe) {
    HealthCheck.Builder check =
        HealthCheck.newBuilder()
            .setProbe(probe)
            .setType(type)
            .setPeriodMillis(5000)
            .setTimeoutMillis(1000)
            .setHealthyThreshold(2)
            .setUnhealthyThreshold(3);
    if (type == HealthCheck.Type.HTTP || type == HealthCheck.Type.HTTPS) {
      check
          .setHttpPath("/")
          .setHttpMethod("GET")
          .addHttpExpectedStatuses(StatusRange.newBuilder().setFrom(200).setTo(399));
    }
    return check;
  }
}
