package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.testing.FakeForwarder;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * How many status writes a new LoadBalancer costs the API server, counted on a watch of a real
 * kube-apiserver: one, when its forwarder answers as the agent does (the VIPs it answers for, then
 * the Ack). At ten thousand LoadBalancers every write beyond the one is seconds of the API server's
 * time (bench/controlplane.sh prints the writes by what they wrote).
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class StatusWritesIT extends RunningOperator {

  private static final int LOAD_BALANCERS = 20;

  @Test
  void aNewLoadBalancerIsWrittenOnceProgrammedAndAnnounced() {
    writtenOnce("writes", "198.18.90.0/27", FakeForwarder::announcing);
  }

  /**
   * A fleet member elects a VIP's owner on its own thread, so the owner's report may follow its
   * Ack: the status waits for it (within the settling time) rather than say NotAnnounced first.
   */
  @Test
  void aNewLoadBalancerWaitsForItsOwnersReportThatFollowsTheAck() {
    writtenOnce(
        "fleet-writes",
        "198.18.91.0/27",
        forwarder -> forwarder.announcingAfterAck(Duration.ofMillis(300)));
  }

  private void writtenOnce(
      String namespace, String addresses, UnaryOperator<FakeForwarder> announcing) {
    cluster.namespace(namespace);
    cluster.pool(namespace, addresses);
    // Each status the watch sees that differs from the one before: a write.
    Map<String, Integer> writes = new ConcurrentHashMap<>();
    try (var watch =
            client
                .resources(LoadBalancer.class)
                .inNamespace(namespace)
                .inform(
                    new ResourceEventHandler<>() {
                      @Override
                      public void onAdd(LoadBalancer lb) {
                        if (lb.getStatus() != null) {
                          writes.merge(lb.getMetadata().getName(), 1, Integer::sum);
                        }
                      }

                      @Override
                      public void onUpdate(LoadBalancer before, LoadBalancer after) {
                        if (after.getStatus() != null
                            && !Objects.equals(before.getStatus(), after.getStatus())) {
                          writes.merge(after.getMetadata().getName(), 1, Integer::sum);
                        }
                      }

                      @Override
                      public void onDelete(LoadBalancer lb, boolean unknown) {}
                    });
        var forwarder =
            announcing.apply(
                FakeForwarder.connect(
                    "fwd-" + namespace,
                    "node-" + namespace,
                    operator.grpcPort(),
                    FakeForwarder.CAPABILITIES,
                    true))) {
      forwarder.awaitSnapshot(s -> true); // connected: not "no forwarders" first
      for (int i = 0; i < LOAD_BALANCERS; i++) {
        cluster.staticLoadBalancer(namespace, "lb-" + i, namespace, "198.18.0.11");
      }

      // As the watch has them, so every write before these is counted.
      eventually(
          () -> {
            for (int i = 0; i < LOAD_BALANCERS; i++) {
              var lb = watch.getStore().getByKey(namespace + "/lb-" + i);
              assertThat(state(lb, "Programmed")).isEqualTo("True/Programmed");
              assertThat(state(lb, "Announced")).isEqualTo("True/Announced");
              assertThat(lb.getStatus().announcedBy()).containsExactly("fwd-" + namespace);
            }
          });
      var once = new TreeMap<String, Integer>();
      for (int i = 0; i < LOAD_BALANCERS; i++) {
        once.put("lb-" + i, 1);
      }
      assertThat(new TreeMap<>(writes))
          .as("status writes per LoadBalancer: none Pending first, none for Announced after")
          .isEqualTo(once);
    }
  }
}
