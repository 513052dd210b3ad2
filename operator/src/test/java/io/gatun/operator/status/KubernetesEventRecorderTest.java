package io.gatun.operator.status;

import static io.gatun.operator.testing.Patience.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.gatun.operator.status.EventRecorder.Type;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesEventRecorderTest {

  KubernetesClient client;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final io.fabric8.kubernetes.api.model.ConfigMap regarding =
      new ConfigMapBuilder()
          .withNewMetadata()
          .withNamespace("ns")
          .withName("cm")
          .endMetadata()
          .build();

  @Test
  void postsTheEventAboutTheObjectAndCountsIt() {
    try (var recorder = new KubernetesEventRecorder(client, Clock.systemUTC(), "test", registry)) {
      recorder.record(regarding, Type.Warning, "PoolExhausted", "add addresses to the Pool");
      await()
          .atMost(PATIENCE)
          .until(() -> client.v1().events().inNamespace("ns").list().getItems().size() == 1);
    }
    var event = client.v1().events().inNamespace("ns").list().getItems().getFirst();
    assertThat(event.getReason()).isEqualTo("PoolExhausted");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getMessage()).isEqualTo("add addresses to the Pool");
    assertThat(event.getInvolvedObject().getName()).isEqualTo("cm");
    assertThat(counted("posted")).isEqualTo(1);
    assertThat(counted("dropped")).isZero();
  }

  @Test
  void aFloodBeyondTheQueueIsDroppedAndCountedNotQueuedWithoutBound() {
    // One permit a minute: the first event is posted, the two posters then hold one each (three
    // taken from the queue at most), the queue fills, the rest is dropped.
    var slow = new TokenBucket(1.0 / 60, 1, System::nanoTime);
    int flood = 1_100;
    try (var recorder =
        new KubernetesEventRecorder(client, Clock.systemUTC(), "test", registry, slow)) {
      for (int i = 0; i < flood; i++) {
        recorder.record(regarding, Type.Normal, "Allocated", "event " + i);
      }
      assertThat(counted("dropped")).isBetween(flood - 1_000.0 - 3, flood - 1_000.0);
    }
    assertThat(counted("posted")).isEqualTo(1);
  }

  private double counted(String result) {
    return registry.get("gatun_events").tag("result", result).counter().count();
  }
}
