package io.gatun.operator.status;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events, the kind every kubectl version shows in {@code describe}.
 *
 * <p>Events are best effort: failing to record one is logged, never fails a reconcile.
 * Cluster-scoped objects get their events in {@code default}, as Kubernetes' own components do.
 */
public final class KubernetesEventRecorder implements EventRecorder {

  private static final Logger log = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  static final String COMPONENT = "gatun-operator";
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;

  public KubernetesEventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
  }

  @Override
  public void record(HasMetadata regarding, Type type, String reason, String message) {
    var metadata = regarding.getMetadata();
    String namespace = metadata.getNamespace() != null ? metadata.getNamespace() : "default";
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(metadata.getName() + "." + UUID.randomUUID().toString().substring(0, 13))
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(regarding.getApiVersion())
                    .withKind(regarding.getKind())
                    .withNamespace(metadata.getNamespace())
                    .withName(metadata.getName())
                    .withUid(metadata.getUid())
                    .withResourceVersion(metadata.getResourceVersion())
                    .build())
            .withType(type.name())
            .withReason(reason)
            .withMessage(truncate(message))
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent("lb.gatun.io/" + COMPONENT)
            .withReportingInstance(instance)
            .build();
    log.info(
        "{} {}/{} {}: {}", regarding.getKind(), namespace, metadata.getName(), reason, message);
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (KubernetesClientException e) {
      log.warn(
          "Could not record event {} for {}/{}: {}",
          reason,
          namespace,
          metadata.getName(),
          e.getMessage());
    }
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
