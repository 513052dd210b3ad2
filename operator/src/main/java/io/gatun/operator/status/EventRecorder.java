package io.gatun.operator.status;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Records Kubernetes events about a resource, as {@code kubectl describe} shows them. */
public interface EventRecorder {

  enum Type {
    Normal,
    Warning
  }

  void record(HasMetadata regarding, Type type, String reason, String message);
}
