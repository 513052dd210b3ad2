package io.gatun.operator.testing;

import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.List;
import java.util.Optional;

/** Reading snapshots in tests. */
public final class Snapshots {

  private Snapshots() {}

  public static Optional<VirtualService> service(Snapshot snapshot, String key) {
    return snapshot.getServicesList().stream().filter(s -> s.getKey().equals(key)).findFirst();
  }

  /** The backends of service {@code key} as "address:port", in snapshot order. */
  public static List<String> backends(Snapshot snapshot, String key) {
    return service(snapshot, key)
        .map(
            s -> s.getBackendsList().stream().map(b -> b.getAddress() + ":" + b.getPort()).toList())
        .orElse(List.of());
  }
}
