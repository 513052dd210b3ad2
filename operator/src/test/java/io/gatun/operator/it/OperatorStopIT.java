package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gatun.control.v1.Snapshot;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.testing.FakeForwarder;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An operator that stops (a rolling upgrade, a lost lease) while it reconciles. JOSDK empties its
 * informer caches before the reconciles under way and queued have run, so those reconciles see, for
 * example, no Pool at all. Nothing they compute may reach the API server or the forwarders: a
 * LoadBalancer's status is where the next replica rebuilds IPAM from, and a snapshot without a
 * service takes its VIP off the data plane.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class OperatorStopIT extends RunningOperator {

  private static final int LOAD_BALANCERS = 12;
  private static final int ROUNDS = 4;
  private static final String NAMESPACE = "stopping";

  @Test
  void reconcilesUnderWayWhenTheOperatorStopsWriteNothingTheyCouldNotKnow() throws Exception {
    cluster.namespace(NAMESPACE);
    cluster.pool(NAMESPACE, "198.18.92.0/27");
    for (int i = 0; i < LOAD_BALANCERS; i++) {
      cluster.staticLoadBalancer(NAMESPACE, "lb-" + i, NAMESPACE, "198.18.0.11");
    }
    // Each round stops the operator in the middle of a burst of edits, then starts the next one.
    for (int round = 0; round < ROUNDS; round++) {
      if (round > 0) {
        operator = Cluster.startOperator(client);
      }
      eventually(
          () -> {
            for (int i = 0; i < LOAD_BALANCERS; i++) {
              var status = cluster.get(NAMESPACE, "lb-" + i).getStatus();
              assertThat(status).isNotNull();
              assertThat(status.addresses()).hasSize(1);
            }
          });
      // Odd rounds as LoadBalancerIT once failed: the forwarder leaves just before the stop, so
      // every LoadBalancer is being reconciled for it when the operator stops.
      stopWhileEditing("fwd-stop-" + round, round % 2 == 1);

      // What the next replica rebuilds IPAM from.
      for (int i = 0; i < LOAD_BALANCERS; i++) {
        var status = cluster.get(NAMESPACE, "lb-" + i).getStatus();
        assertThat(status.addresses())
            .as("round %d: lb-%d's addresses after the stop (status: %s)", round, i, status)
            .hasSize(1);
      }
    }
  }

  private void stopWhileEditing(String forwarderName, boolean forwarderLeavesFirst)
      throws InterruptedException {
    Set<String> services =
        IntStream.range(0, LOAD_BALANCERS)
            .mapToObj(i -> NAMESPACE + "/lb-" + i + "/http")
            .collect(Collectors.toSet());
    try (var forwarder =
        FakeForwarder.connect(
            forwarderName, "node-stop", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      forwarder.awaitSnapshot(s -> keys(s).containsAll(services));
      int before = forwarder.received().size();

      // Backends edited back and forth as fast as the API server takes it: reconciles are
      // running when the operator stops.
      var editing = new AtomicBoolean(true);
      var editor =
          Thread.ofPlatform()
              .name("editor")
              .start(
                  () -> {
                    for (int round = 0; editing.get(); round++) {
                      String backend = round % 2 == 0 ? "198.18.0.12" : "198.18.0.11";
                      for (int i = 0; i < LOAD_BALANCERS && editing.get(); i++) {
                        editBackends("lb-" + i, backend);
                      }
                    }
                  });
      try {
        eventually(
            () ->
                assertThat(forwarder.received().size()).isGreaterThan(before + 2 * LOAD_BALANCERS));
        if (forwarderLeavesFirst) {
          forwarder.close();
        }
        operator.close();
      } finally {
        editing.set(false);
        editor.join();
      }

      var lost = new ArrayList<String>();
      var received = forwarder.received();
      for (var snapshot : received.subList(before, received.size())) {
        if (!keys(snapshot).containsAll(services)) {
          lost.add(snapshot.getSnapshotVersion() + " lacks " + missing(snapshot, services));
        }
      }
      assertThat(lost).as("snapshots sent while the operator stopped").isEmpty();
    }
  }

  /** A JSON patch of the one static backend: no read first, so no conflict with the operator. */
  private void editBackends(String name, String backend) {
    client
        .resources(LoadBalancer.class)
        .inNamespace(NAMESPACE)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/backends/static/0/address\",\"value\":\""
                + backend
                + "\"}]");
  }

  private static Set<String> keys(Snapshot snapshot) {
    return snapshot.getServicesList().stream().map(s -> s.getKey()).collect(Collectors.toSet());
  }

  private static Set<String> missing(Snapshot snapshot, Set<String> services) {
    var have = keys(snapshot);
    return services.stream().filter(s -> !have.contains(s)).collect(Collectors.toSet());
  }
}
