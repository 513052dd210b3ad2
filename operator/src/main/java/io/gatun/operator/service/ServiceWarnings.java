package io.gatun.operator.service;

import io.fabric8.kubernetes.api.model.Service;
import io.gatun.operator.status.EventRecorder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warning events about Services, once per reason and distinct set of problems: reconciles repeat,
 * events should not.
 */
final class ServiceWarnings {

  private record Key(ResourceID service, String reason) {}

  private final EventRecorder recorder;
  private final Map<Key, List<String>> reported = new ConcurrentHashMap<>();

  ServiceWarnings(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /** Reports {@code problems} under {@code reason} unless that was the last report; none clears. */
  void report(Service service, String reason, List<String> problems) {
    var key = new Key(ResourceID.fromResource(service), reason);
    if (problems.isEmpty()) {
      reported.remove(key);
    } else if (!problems.equals(reported.put(key, problems))) {
      recorder.record(service, EventRecorder.Type.Warning, reason, String.join("; ", problems));
    }
  }

  /** The Service is not Gatun's (any more): nothing about it is remembered. */
  void forget(Service service) {
    var id = ResourceID.fromResource(service);
    reported.keySet().removeIf(key -> key.service().equals(id));
  }
}
