package io.gatun.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events, the kind every kubectl version shows in {@code describe}.
 *
 * <p>Events are best effort and off the reconcile path: they are posted by a few background threads
 * from a bounded queue, so a slow API server delays them instead of every reconcile, and a flood
 * drops the surplus (counted in {@code gatun_events_total{result="dropped"}}) instead of growing
 * without bound. They are also rate limited, as the kubelet limits its own (50 a second, bursts of
 * 100): when ten thousand LoadBalancers arrive at once, the API server's writes go to their
 * statuses first, and their events follow. Cluster-scoped objects get their events in {@code
 * default}, as Kubernetes' own components do.
 */
public final class KubernetesEventRecorder implements EventRecorder, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(KubernetesEventRecorder.class);
  static final String COMPONENT = "gatun-operator";
  private static final int MAX_MESSAGE = 1024;
  private static final int QUEUE = 1_000;
  private static final int POSTERS = 2;
  static final double RATE = 50;
  static final int BURST = 100;

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final TokenBucket rate;
  private final Counter posted;
  private final Counter failed;
  private final Counter dropped;
  private final ThreadPoolExecutor posters =
      new ThreadPoolExecutor(
          POSTERS,
          POSTERS,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(QUEUE),
          Thread.ofPlatform().daemon().name("gatun-events-", 0).factory());

  public KubernetesEventRecorder(
      KubernetesClient client, Clock clock, String instance, MeterRegistry registry) {
    this(client, clock, instance, registry, new TokenBucket(RATE, BURST, System::nanoTime));
  }

  KubernetesEventRecorder(
      KubernetesClient client,
      Clock clock,
      String instance,
      MeterRegistry registry,
      TokenBucket rate) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
    this.rate = rate;
    this.posted = events(registry, "posted");
    this.failed = events(registry, "failed");
    this.dropped = events(registry, "dropped");
  }

  private static Counter events(MeterRegistry registry, String result) {
    return Counter.builder("gatun_events")
        .description(
            "Kubernetes events: posted, failed (the API server refused them) or dropped (the"
                + " queue was full)")
        .tag("result", result)
        .register(registry);
  }

  @Override
  public void record(HasMetadata regarding, Type type, String reason, String message) {
    var metadata = regarding.getMetadata();
    String namespace = metadata.getNamespace() != null ? metadata.getNamespace() : "default";
    log.info(
        "{} {}/{} {}: {}", regarding.getKind(), namespace, metadata.getName(), reason, message);
    Event event = event(regarding, namespace, type, reason, message);
    try {
      posters.execute(() -> post(event));
    } catch (RejectedExecutionException e) {
      dropped.increment();
      long count = (long) dropped.count();
      if (count == 1 || count % 1000 == 0) {
        log.warn("Event queue full: {} events dropped so far", count);
      }
    }
  }

  private Event event(
      HasMetadata regarding, String namespace, Type type, String reason, String message) {
    var metadata = regarding.getMetadata();
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    return new EventBuilder()
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
  }

  private void post(Event event) {
    try {
      rate.acquire();
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      posted.increment();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (KubernetesClientException e) {
      failed.increment();
      log.warn(
          "Could not record event {} for {}/{}: {}",
          event.getReason(),
          event.getMetadata().getNamespace(),
          event.getInvolvedObject().getName(),
          e.getMessage());
    }
  }

  /** Posts what is queued (for a few seconds at most), then stops. */
  @Override
  public void close() {
    posters.shutdown();
    try {
      posters.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    posters.shutdownNow();
  }

  private static String truncate(String message) {
    return message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
