package io.gatun.operator.healthprobe;

import io.gatun.operator.ipam.Owner;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Which LoadBalancer names which HealthProbe, as the LoadBalancer reconciler last saw it. The
 * HealthProbe reconciler reads it for its status instead of keeping a second cache of every
 * LoadBalancer, and hears when a probe gains or loses a user.
 */
public final class HealthProbeUsers {

  private final Map<Owner, ResourceID> probeOf = new ConcurrentHashMap<>();
  private final List<Consumer<ResourceID>> listeners = new CopyOnWriteArrayList<>();

  /** Records that {@code owner} uses {@code probe} (null: none, or it is gone). */
  public void set(Owner owner, String probe) {
    ResourceID now = probe == null ? null : new ResourceID(probe, owner.namespace());
    ResourceID before = now == null ? probeOf.remove(owner) : probeOf.put(owner, now);
    if (!Objects.equals(before, now)) {
      if (before != null) {
        listeners.forEach(l -> l.accept(before));
      }
      if (now != null) {
        listeners.forEach(l -> l.accept(now));
      }
    }
  }

  /** The names of the LoadBalancers using {@code probe}, sorted. */
  List<String> of(ResourceID probe) {
    return probeOf.entrySet().stream()
        .filter(e -> e.getValue().equals(probe))
        .map(e -> e.getKey().name())
        .sorted()
        .toList();
  }

  void addListener(Consumer<ResourceID> listener) {
    listeners.add(listener);
  }
}
