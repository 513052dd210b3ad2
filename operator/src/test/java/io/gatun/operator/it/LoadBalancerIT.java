package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static io.gatun.operator.it.Cluster.state;
import static io.gatun.operator.testing.Snapshots.backends;
import static io.gatun.operator.testing.Snapshots.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.Capabilities;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.BackendCounts;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.Draining;
import io.gatun.operator.api.DrainingBackend;
import io.gatun.operator.api.Forwarder;
import io.gatun.operator.api.ForwarderProgramming;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.RefusedService;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.loadbalancer.LoadBalancerReconciler;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against a real kube-apiserver (1.20, as the demo runs) and a fake forwarder that
 * speaks the real protocol. Each test uses its own namespace and Pool.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class LoadBalancerIT {

  static KubernetesClient client;
  static Cluster cluster;
  static GatunOperator operator;

  @BeforeAll
  static void startOperator() throws Exception {
    Crds.install(client);
    cluster = new Cluster(client);
    operator = start();
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  private static GatunOperator start() {
    return GatunOperator.start(
        client, OperatorOptions.defaults().withGrpcAddress(new InetSocketAddress("127.0.0.1", 0)));
  }

  @Test
  void allocatesAVipAndReportsItWithConditionsAndAnEvent() {
    cluster.namespace("alloc");
    cluster.pool("alloc", "198.18.1.0/30");

    cluster.staticLoadBalancer("alloc", "web", "alloc", "198.18.0.11", "198.18.0.12");

    eventually(
        () -> {
          var lb = cluster.get("alloc", "web");
          assertThat(lb.getStatus().addresses()).containsExactly("198.18.1.0");
          assertThat(lb.getStatus().pool()).isEqualTo("alloc");
          assertThat(lb.getStatus().observedGeneration())
              .isEqualTo(lb.getMetadata().getGeneration());
          assertThat(lb.getStatus().backends()).isEqualTo(new BackendCounts(2, 2));
          assertThat(state(lb, "Valid")).isEqualTo("True/Valid");
          assertThat(state(lb, "Allocated")).isEqualTo("True/Allocated");
          assertThat(state(lb, "Programmed")).isEqualTo("False/NoForwarders");
          assertThat(state(lb, "BackendsHealthy")).isEqualTo("True/Healthy");
          assertThat(state(lb, "Ready")).isEqualTo("False/NoForwarders");
          assertThat(lb.getStatus().conditions())
              .allSatisfy(
                  c ->
                      assertThat(c.observedGeneration())
                          .isEqualTo(lb.getMetadata().getGeneration()));
          assertThat(lb.getMetadata().getFinalizers()).as("no finalizer").isEmpty();
        });
    eventually(
        () ->
            assertThat(cluster.events("alloc", "web"))
                .extracting(Event::getReason, Event::getMessage)
                .contains(tuple("Allocated", "198.18.1.0 from Pool alloc")));
    eventually(
        () -> {
          var pool = cluster.pool("alloc").getStatus();
          assertThat(List.of(pool.capacity(), pool.allocated(), pool.available()))
              .containsExactly(4L, 1L, 3L);
          assertThat(pool.conditions().getFirst().status().name()).isEqualTo("True");
        });
  }

  @Test
  void programmedOnceEveryForwarderAcknowledgesAndNotWhenOneRejects() {
    cluster.namespace("prog");
    cluster.pool("prog", "198.18.2.0/30");

    try (var forwarder = FakeForwarder.connect("fwd-prog", operator.grpcPort())) {
      cluster.staticLoadBalancer("prog", "web", "prog", "198.18.0.12", "198.18.0.11");

      Snapshot snapshot = forwarder.awaitSnapshot(s -> service(s, "prog/web/http").isPresent());
      VirtualService http = service(snapshot, "prog/web/http").orElseThrow();
      assertThat(http.getVip()).isEqualTo("198.18.2.0");
      assertThat(http.getPort()).isEqualTo(80);
      assertThat(http.getBackendsList())
          .extracting(Backend::getAddress, Backend::getPort)
          .containsExactly(tuple("198.18.0.11", 8080), tuple("198.18.0.12", 8080));
      eventually(
          () ->
              assertThat(state(cluster.get("prog", "web"), "Programmed"))
                  .isEqualTo("False/Pending"));

      forwarder.ack(snapshot.getSnapshotVersion());

      eventually(
          () -> {
            var lb = cluster.get("prog", "web");
            assertThat(state(lb, "Programmed")).isEqualTo("True/Programmed");
            assertThat(Cluster.condition(lb, "Programmed").orElseThrow().message())
                .isEqualTo(
                    "snapshot version " + lb.getStatus().snapshotVersion() + " runs on fwd-prog");
            assertThat(lb.getStatus().snapshotVersion())
                .isLessThanOrEqualTo(snapshot.getSnapshotVersion());
            assertThat(lb.getStatus().forwarders())
                .containsExactly(new ForwarderProgramming("fwd-prog", true, null, null));
            assertThat(state(lb, "Ready")).isEqualTo("True/Ready");
          });
      eventually(
          () ->
              assertThat(cluster.events("prog", "web"))
                  .extracting(Event::getReason)
                  .contains("Programmed"));

      // A new configuration the forwarder refuses: Programmed turns False and says why.
      cluster.edit("prog", "web", lb -> lb.setSpec(withBackends(lb.getSpec(), "198.18.0.13")));
      Snapshot changed =
          forwarder.awaitSnapshot(
              s -> service(s, "prog/web/http").map(v -> v.getBackendsCount() == 1).orElse(false));
      forwarder.reject(changed.getSnapshotVersion(), "no route to 198.18.0.13");

      eventually(
          () -> {
            var lb = cluster.get("prog", "web");
            assertThat(state(lb, "Programmed")).isEqualTo("False/ApplyFailed");
            assertThat(Cluster.condition(lb, "Programmed").orElseThrow().message())
                .contains("fwd-prog rejected snapshot version")
                .contains("no route to 198.18.0.13");
            assertThat(state(lb, "Ready")).isEqualTo("False/ApplyFailed");
          });
    }
    // The stream closed: nobody runs the configuration any more.
    eventually(
        () ->
            assertThat(state(cluster.get("prog", "web"), "Programmed"))
                .isEqualTo("False/NoForwarders"));
  }

  @Test
  void aFullPoolMakesTheSecondWaitUntilTheFirstIsDeleted() {
    cluster.namespace("full");
    cluster.pool("full", "198.18.3.7");

    cluster.staticLoadBalancer("full", "first", "full", "198.18.0.11");
    eventually(
        () ->
            assertThat(cluster.get("full", "first").getStatus().addresses())
                .containsExactly("198.18.3.7"));
    cluster.staticLoadBalancer("full", "second", "full", "198.18.0.11");

    eventually(
        () -> {
          var second = cluster.get("full", "second");
          assertThat(state(second, "Allocated")).isEqualTo("False/PoolExhausted");
          assertThat(second.getStatus().addresses()).isEmpty();
          assertThat(cluster.events("full", "second"))
              .anySatisfy(
                  e -> {
                    assertThat(e.getType()).isEqualTo("Warning");
                    assertThat(e.getReason()).isEqualTo("PoolExhausted");
                  });
        });
    assertThat(cluster.get("full", "first").getStatus().addresses()).containsExactly("198.18.3.7");

    cluster.delete("full", "first");

    eventually(
        () -> {
          assertThat(cluster.get("full", "first")).isNull();
          var second = cluster.get("full", "second");
          assertThat(second.getStatus().addresses()).containsExactly("198.18.3.7");
          assertThat(state(second, "Allocated")).isEqualTo("True/Allocated");
        });
  }

  @Test
  void aLoadBalancerDeletedWhileNoOperatorRanLeavesItsAddressFreeAtTheNextStart() {
    cluster.namespace("gone");
    cluster.pool("gone", "198.18.9.1");
    cluster.staticLoadBalancer("gone", "old", "gone", "198.18.0.11");
    eventually(
        () ->
            assertThat(cluster.get("gone", "old").getStatus().addresses())
                .containsExactly("198.18.9.1"));

    operator.close();
    cluster.delete("gone", "old");
    eventually(() -> assertThat(cluster.get("gone", "old")).as("nothing holds it").isNull());
    operator = start();
    cluster.staticLoadBalancer("gone", "new", "gone", "198.18.0.11");

    eventually(
        () ->
            assertThat(cluster.get("gone", "new").getStatus().addresses())
                .containsExactly("198.18.9.1"));
  }

  @Test
  void anOldOperatorsFinalizerIsTakenOffAndADeletionHeldByAnotherStillFreesTheAddress() {
    String hold = "test.gatun.io/hold";
    cluster.namespace("legacy");
    cluster.pool("legacy", "198.18.9.5");
    var old = new LoadBalancer();
    old.setMetadata(
        new ObjectMetaBuilder()
            .withNamespace("legacy")
            .withName("old")
            .withFinalizers(LoadBalancerReconciler.LEGACY_FINALIZER, hold)
            .build());
    old.setSpec(Cluster.staticSpec("legacy", "198.18.0.11"));
    client.resource(old).create();
    eventually(
        () -> {
          var lb = cluster.get("legacy", "old");
          assertThat(lb.getStatus().addresses()).containsExactly("198.18.9.5");
          assertThat(lb.getMetadata().getFinalizers()).containsExactly(hold);
        });
    cluster.staticLoadBalancer("legacy", "new", "legacy", "198.18.0.11");
    eventually(
        () ->
            assertThat(state(cluster.get("legacy", "new"), "Allocated"))
                .isEqualTo("False/PoolExhausted"));

    // Another controller's finalizer keeps it in Terminating: it serves no more all the same.
    cluster.delete("legacy", "old");
    eventually(
        () -> {
          assertThat(cluster.get("legacy", "old").isMarkedForDeletion()).isTrue();
          assertThat(cluster.get("legacy", "new").getStatus().addresses())
              .containsExactly("198.18.9.5");
        });

    cluster.edit("legacy", "old", lb -> lb.getMetadata().setFinalizers(List.of()));
    eventually(() -> assertThat(cluster.get("legacy", "old")).isNull());
  }

  @Test
  void serviceBackendsFollowTheEndpointSlices() {
    cluster.namespace("svc");
    cluster.pool("svc", "198.18.4.0/30");
    client
        .services()
        .inNamespace("svc")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("echo")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withProtocol("TCP")
                .withPort(8080)
                .endPort()
                .endSpec()
                .build())
        .create();
    var slices = client.discovery().v1beta1().endpointSlices().inNamespace("svc");
    slices.resource(slice(endpoint("198.18.0.21", true), endpoint("198.18.0.22", true))).create();

    try (var forwarder = FakeForwarder.connect("fwd-svc", operator.grpcPort())) {
      cluster.loadBalancer(
          "svc",
          "echo",
          new LoadBalancerSpec(
              "svc",
              null,
              List.of(new LoadBalancerPort("http", Protocol.TCP, 80, null)),
              new Backends("echo", null),
              null,
              null));

      forwarder.awaitSnapshot(
          s ->
              backends(s, "svc/echo/http").equals(List.of("198.18.0.21:8080", "198.18.0.22:8080")));

      slices
          .resource(
              slice(
                  endpoint("198.18.0.21", false),
                  endpoint("198.18.0.22", true),
                  endpoint("198.18.0.23", true)))
          .update();

      forwarder.awaitSnapshot(
          s ->
              backends(s, "svc/echo/http").equals(List.of("198.18.0.22:8080", "198.18.0.23:8080")));
      eventually(
          () ->
              assertThat(cluster.get("svc", "echo").getStatus().backends())
                  .isEqualTo(new BackendCounts(2, 3)));
    }
  }

  @Test
  void aRemovedBackendDrainsForTheTimeoutThenLeavesTheSnapshot() {
    cluster.namespace("drain");
    cluster.pool("drain", "198.18.4.8/30");
    var capable = FakeForwarder.DRAINING_CAPABLE;
    try (var forwarder =
        FakeForwarder.connect("fwd-drain", "node-drain", operator.grpcPort(), capable, true)) {
      cluster.loadBalancer("drain", "web", drainingSpec("198.18.0.31", "198.18.0.32"));
      forwarder.awaitSnapshot(
          s -> backends(s, "drain/web/http").equals(List.of("198.18.0.31:80", "198.18.0.32:80")));

      long removedAt = System.nanoTime();
      cluster.edit("drain", "web", lb -> lb.setSpec(drainingSpec("198.18.0.31")));

      forwarder.awaitSnapshot(
          s ->
              service(s, "drain/web/http")
                  .map(
                      v ->
                          v.getBackendsList().stream()
                              .map(b -> b.getAddress() + (b.getDraining() ? " draining" : ""))
                              .toList())
                  .orElse(List.of())
                  .equals(List.of("198.18.0.31", "198.18.0.32 draining")));
      eventually(
          () -> {
            var lb = cluster.get("drain", "web");
            assertThat(lb.getStatus().backends()).isEqualTo(new BackendCounts(1, 1, 1));
            assertThat(lb.getStatus().backends().summary()).isEqualTo("1/1 (1 draining)");
            assertThat(
                    lb.getStatus().conditions().stream()
                        .filter(c -> c.type().equals("BackendsHealthy"))
                        .findFirst()
                        .orElseThrow()
                        .message())
                .contains("1 removed backend keeps its connections");
          });

      forwarder.awaitSnapshot(s -> backends(s, "drain/web/http").equals(List.of("198.18.0.31:80")));
      assertThat(Duration.ofNanos(System.nanoTime() - removedAt))
          .as("not before the timeout")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(DRAIN_SECONDS));
      eventually(
          () ->
              assertThat(cluster.get("drain", "web").getStatus().backends())
                  .isEqualTo(new BackendCounts(1, 1)));
    }
  }

  @Test
  void aDrainUnderWayOutlivesAnOperatorRestart() {
    cluster.namespace("drain-restart");
    cluster.pool("drain-restart", "198.18.4.12/30");
    long removedAt;
    try (var forwarder =
        FakeForwarder.connect("fwd-dr1", "node-dr", operator.grpcPort(), drainingCapable(), true)) {
      cluster.loadBalancer(
          "drain-restart", "web", drainingSpec("drain-restart", 10, "198.18.0.31", "198.18.0.32"));
      forwarder.awaitSnapshot(s -> backends(s, "drain-restart/web/http").size() == 2);
      removedAt = System.nanoTime();
      cluster.edit(
          "drain-restart",
          "web",
          lb -> lb.setSpec(drainingSpec("drain-restart", 10, "198.18.0.31")));
      eventually(
          () ->
              assertThat(cluster.get("drain-restart", "web").getStatus().drainingBackends())
                  .extracting(DrainingBackend::service, DrainingBackend::address)
                  .containsExactly(tuple("drain-restart/web/http", "198.18.0.32")));
    }

    operator.close();
    operator = start();

    try (var forwarder =
        FakeForwarder.connect("fwd-dr2", "node-dr", operator.grpcPort(), drainingCapable(), true)) {
      forwarder.awaitSnapshot(
          s -> drainingIn(s, "drain-restart/web/http").equals(List.of("198.18.0.32")));
      forwarder.awaitSnapshot(s -> backends(s, "drain-restart/web/http").size() == 1);
      assertThat(Duration.ofNanos(System.nanoTime() - removedAt))
          .as("the drain ran to its end across the restart, not before")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    }
  }

  private static List<String> drainingIn(Snapshot snapshot, String key) {
    return service(snapshot, key)
        .map(
            v ->
                v.getBackendsList().stream()
                    .filter(Backend::getDraining)
                    .map(Backend::getAddress)
                    .toList())
        .orElse(List.of());
  }

  private static Capabilities drainingCapable() {
    return FakeForwarder.DRAINING_CAPABLE;
  }

  private static final int DRAIN_SECONDS = 3;

  private static LoadBalancerSpec drainingSpec(String... backends) {
    return drainingSpec("drain", DRAIN_SECONDS, backends);
  }

  private static LoadBalancerSpec drainingSpec(String pool, int seconds, String... backends) {
    return new LoadBalancerSpec(
        pool,
        null,
        null,
        null,
        null,
        List.of(new LoadBalancerPort("http", Protocol.TCP, 80, null)),
        new Backends(
            null, Arrays.stream(backends).map(a -> new StaticBackend(a, null, null)).toList()),
        null,
        null,
        null,
        null,
        null,
        null,
        new Draining(seconds));
  }

  @Test
  void anInvalidSpecIsNotAcceptedAndSaysWhyInAnEvent() {
    cluster.namespace("bad");
    cluster.pool("bad", "198.18.5.0/30");

    // Both backend sources: the CRD's CEL rule would refuse this on 1.25+; 1.20 lets it through.
    cluster.loadBalancer(
        "bad",
        "both",
        new LoadBalancerSpec(
            "bad",
            null,
            List.of(new LoadBalancerPort("http", Protocol.TCP, 80, null)),
            new Backends("echo", List.of(new StaticBackend("198.18.0.11", null, null))),
            null,
            null));

    eventually(
        () -> {
          var lb = cluster.get("bad", "both");
          assertThat(state(lb, "Valid")).isEqualTo("False/Invalid");
          assertThat(state(lb, "Allocated")).isEqualTo("False/NotValid");
          assertThat(lb.getStatus().addresses()).isEmpty();
          assertThat(cluster.events("bad", "both"))
              .anySatisfy(
                  e -> {
                    assertThat(e.getReason()).isEqualTo("ValidationFailed");
                    assertThat(e.getMessage())
                        .contains("exactly one of serviceRef, selector or static");
                  });
        });
  }

  @Test
  void whatAForwarderWouldRefuseIsRefusedFirstNamingTheFieldAndTheFix() {
    cluster.namespace("dsr");
    cluster.pool("dsr", "198.18.7.0/30");

    // DSR with port translation: a CEL rule (1.20 does not run it, the operator does).
    cluster.create(
        """
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata: {name: translated, namespace: dsr}
        spec:
          poolRef: dsr
          forwarding: {mode: DSR}
          ports: [{name: http, port: 80, targetPort: 8080}]
          backends: {static: [{address: 198.18.0.11}]}
        ---
        apiVersion: lb.gatun.io/v1alpha1
        kind: LoadBalancer
        metadata: {name: crossed, namespace: dsr}
        spec:
          poolRef: dsr
          forwarding: {mode: DSR}
          ports: [{name: http, port: 80}]
          backends: {static: [{address: "2001:2::11"}]}
        """);

    eventually(
        () -> {
          var translated = cluster.get("dsr", "translated");
          assertThat(state(translated, "Valid")).isEqualTo("False/Invalid");
          assertThat(Cluster.condition(translated, "Valid").orElseThrow().message())
              .isEqualTo(
                  "spec: forwarding mode DSR cannot translate ports (the backend answers the client"
                      + " from the VIP's port): leave targetPort out or equal to port, or use mode"
                      + " FullNAT or NAT");
          assertThat(state(translated, "Ready")).isEqualTo("False/Invalid");

          // Known once its IPv4 VIP is: the address is kept, nothing is programmed.
          var crossed = cluster.get("dsr", "crossed");
          assertThat(state(crossed, "Valid")).isEqualTo("False/Invalid");
          assertThat(Cluster.condition(crossed, "Valid").orElseThrow().message())
              .startsWith(
                  "spec.backends.static[0].address: 2001:2::11 is IPv6, but the VIP of this"
                      + " SingleStack LoadBalancer is IPv4");
          assertThat(state(crossed, "Allocated")).isEqualTo("True/Allocated");
          assertThat(state(crossed, "Programmed")).isEqualTo("False/NotValid");
          assertThat(state(crossed, "Ready")).isEqualTo("False/Invalid");
        });
  }

  @Test
  void aServiceAForwarderRefusesFailsItsLoadBalancerAloneAndTheForwarderListsIt() {
    cluster.namespace("refuse");
    cluster.pool("refuse", "198.18.8.0/30");
    String why = "no route to backend 198.18.0.99 (or neighbour table full): add a route to it";
    try (var forwarder =
        FakeForwarder.connect(
            "fwd-refuse", "node-refuse", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      forwarder.refuse("refuse/bad/http", why);
      cluster.staticLoadBalancer("refuse", "bad", "refuse", "198.18.0.99");
      cluster.staticLoadBalancer("refuse", "good", "refuse", "198.18.0.11");

      eventually(
          () -> {
            var bad = cluster.get("refuse", "bad");
            assertThat(state(bad, "Programmed")).isEqualTo("False/Refused");
            assertThat(Cluster.condition(bad, "Programmed").orElseThrow().message())
                .startsWith("fwd-refuse refused refuse/bad/http: " + why);
            assertThat(state(bad, "Ready")).isEqualTo("False/Refused");
            assertThat(cluster.events("refuse", "bad"))
                .anySatisfy(
                    e -> {
                      assertThat(e.getType()).isEqualTo("Warning");
                      assertThat(e.getReason()).isEqualTo("Refused");
                    });
            var good = cluster.get("refuse", "good");
            assertThat(state(good, "Programmed")).isEqualTo("True/Programmed");
            assertThat(state(good, "Ready")).isEqualTo("True/Ready");
            var fwd = client.resources(Forwarder.class).withName("fwd-refuse").get().getStatus();
            assertThat(fwd.refusedCount()).isEqualTo(1);
            assertThat(fwd.refusedServices())
                .containsExactly(new RefusedService("refuse/bad/http", why));
          });

      // The route appears: the next snapshot runs it whole, and the first LoadBalancer, whose
      // configuration did not change, hears so.
      forwarder.stopRefusing("refuse/bad/http");
      cluster.staticLoadBalancer("refuse", "third", "refuse", "198.18.0.12");
      eventually(
          () -> {
            assertThat(state(cluster.get("refuse", "bad"), "Ready")).isEqualTo("True/Ready");
            assertThat(state(cluster.get("refuse", "third"), "Ready")).isEqualTo("True/Ready");
            var fwd = client.resources(Forwarder.class).withName("fwd-refuse").get().getStatus();
            assertThat(fwd.refusedCount()).isZero();
          });
    }
  }

  @Test
  void aRestartedOperatorRebuildsIpamFromStatus() {
    cluster.namespace("restart");
    cluster.pool("restart", "198.18.6.0/30");
    cluster.staticLoadBalancer("restart", "old", "restart", "198.18.0.11");
    eventually(
        () ->
            assertThat(cluster.get("restart", "old").getStatus().addresses())
                .containsExactly("198.18.6.0"));

    operator.close();
    operator = start();
    cluster.staticLoadBalancer("restart", "new", "restart", "198.18.0.11");

    eventually(
        () ->
            assertThat(cluster.get("restart", "new").getStatus().addresses())
                .containsExactly("198.18.6.1"));
    assertThat(cluster.get("restart", "old").getStatus().addresses()).containsExactly("198.18.6.0");
  }

  private static LoadBalancerSpec withBackends(LoadBalancerSpec spec, String... addresses) {
    return new LoadBalancerSpec(
        spec.poolRef(),
        spec.addresses(),
        spec.ports(),
        new Backends(
            null, Arrays.stream(addresses).map(a -> new StaticBackend(a, null, null)).toList()),
        spec.forwarding(),
        spec.scheduling());
  }

  private static EndpointSlice slice(
      io.fabric8.kubernetes.api.model.discovery.v1beta1.Endpoint... endpoints) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withName("echo-1")
        .addToLabels("kubernetes.io/service-name", "echo")
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(8080)
        .endPort()
        .withEndpoints(endpoints)
        .build();
  }

  private static io.fabric8.kubernetes.api.model.discovery.v1beta1.Endpoint endpoint(
      String address, boolean ready) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(ready)
        .endConditions()
        .build();
  }
}
