package io.gatun.operator.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gatun.operator.GatunOperator;
import io.gatun.operator.LeaderElection;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.api.StaticBackend;
import io.gatun.operator.testing.Patience;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.awaitility.core.ThrowingRunnable;

/** What the ITs do to and read from the API server, in the words of the tests. */
final class Cluster {

  static final Duration PATIENCE = Patience.PATIENCE;

  private final KubernetesClient client;

  Cluster(KubernetesClient client) {
    this.client = client;
  }

  void namespace(String name) {
    namespace(name, Map.of());
  }

  void namespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  /** Creates the objects of a YAML text (documents separated by ---), as kubectl create would. */
  void create(String yaml) {
    for (String document : yaml.split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        client
            .resource(
                client
                    .getKubernetesSerialization()
                    .unmarshal(document, GenericKubernetesResource.class))
            .create();
      }
    }
  }

  /**
   * A pod as a kubelet would report it: created, then its phase, IP and Ready condition set through
   * the status subresource (there is no kubelet). Its namespace needs a ServiceAccount "default"
   * ({@link #defaultServiceAccount}).
   */
  Pod pod(
      String namespace,
      String name,
      Map<String, String> labels,
      String node,
      String ip,
      boolean ready) {
    var pod =
        client
            .pods()
            .inNamespace(namespace)
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withLabels(labels)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(node)
                    .withAutomountServiceAccountToken(false)
                    .addNewContainer()
                    .withName("web")
                    .withImage("example/web")
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(8080)
                    .endPort()
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    pod.setStatus(
        new PodStatusBuilder()
            .withPhase("Running")
            .withPodIP(ip)
            .addNewPodIP(ip)
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .build());
    return client.pods().inNamespace(namespace).resource(pod).updateStatus();
  }

  void setPodReady(String namespace, String name, boolean ready) {
    client
        .pods()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            pod -> {
              pod.getStatus().getConditions().getFirst().setStatus(ready ? "True" : "False");
              return pod;
            });
  }

  /** What the ServiceAccount admission of a real cluster expects (no controller makes it here). */
  void defaultServiceAccount(String namespace) {
    client
        .serviceAccounts()
        .inNamespace(namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName("default").endMetadata().build())
        .create();
  }

  /** The operator as the ITs run it: control channel on a free loopback port. */
  static GatunOperator startOperator(KubernetesClient client, OperatorOptions options) {
    return GatunOperator.start(
        client, options.withGrpcAddress(new InetSocketAddress("127.0.0.1", 0)));
  }

  /**
   * Leader election as the ITs run it: shorter than Kubernetes' 15 s lease so a takeover is quick,
   * yet a leader must stall 8 s (not 3 s) to lose its lease, which a busy machine can do.
   */
  static LeaderElection leaderElection(String namespace, String identity) {
    return LeaderElection.of(namespace, identity)
        .withTimings(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(1));
  }

  static GatunOperator startOperator(KubernetesClient client) {
    return startOperator(client, OperatorOptions.defaults());
  }

  void editPool(String name, Consumer<Pool> change) {
    retryingConflicts(
        () ->
            client
                .resources(Pool.class)
                .withName(name)
                .edit(
                    pool -> {
                      change.accept(pool);
                      return pool;
                    }));
  }

  /**
   * Runs a read-modify-write again when the object changed in between (409 Conflict), as a user
   * told "the object has been modified" would: the operator writes status and finalizers to the
   * objects the tests edit, at moments a busy machine moves around.
   */
  static void retryingConflicts(Runnable edit) {
    await()
        .atMost(PATIENCE)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              try {
                edit.run();
                return true;
              } catch (KubernetesClientException e) {
                if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                  return false;
                }
                throw e;
              }
            });
  }

  Pool pool(String name, String... addresses) {
    var pool = new Pool();
    pool.setMetadata(new ObjectMetaBuilder().withName(name).build());
    pool.setSpec(new PoolSpec(List.of(addresses), null));
    return client.resource(pool).create();
  }

  LoadBalancer staticLoadBalancer(String namespace, String name, String pool, String... backends) {
    return loadBalancer(namespace, name, staticSpec(pool, backends));
  }

  /** Port 80 to 8080 of the backends listed. */
  static LoadBalancerSpec staticSpec(String pool, String... backends) {
    return new LoadBalancerSpec(
        pool,
        null,
        List.of(new LoadBalancerPort("http", Protocol.TCP, 80, 8080)),
        new Backends(
            null, Arrays.stream(backends).map(a -> new StaticBackend(a, null, null)).toList()),
        null,
        null);
  }

  LoadBalancer loadBalancer(String namespace, String name, LoadBalancerSpec spec) {
    var lb = new LoadBalancer();
    lb.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    lb.setSpec(spec);
    return client.resource(lb).create();
  }

  LoadBalancer get(String namespace, String name) {
    return client.resources(LoadBalancer.class).inNamespace(namespace).withName(name).get();
  }

  void edit(String namespace, String name, Consumer<LoadBalancer> change) {
    retryingConflicts(
        () ->
            client
                .resources(LoadBalancer.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(
                    lb -> {
                      change.accept(lb);
                      return lb;
                    }));
  }

  void delete(String namespace, String name) {
    client.resources(LoadBalancer.class).inNamespace(namespace).withName(name).delete();
  }

  Pool pool(String name) {
    return client.resources(Pool.class).withName(name).get();
  }

  static Optional<Condition> condition(LoadBalancer lb, String type) {
    if (lb == null || lb.getStatus() == null) {
      return Optional.empty();
    }
    return lb.getStatus().conditions().stream().filter(c -> c.type().equals(type)).findFirst();
  }

  /** "True/Reason" of a condition in a list, or "absent". */
  static String condition2(List<Condition> conditions, String type) {
    return conditions.stream()
        .filter(c -> c.type().equals(type))
        .map(c -> c.status() + "/" + c.reason())
        .findFirst()
        .orElse("absent");
  }

  /** "True/Reason" for quick comparisons, or "absent". */
  static String state(LoadBalancer lb, String type) {
    return condition(lb, type).map(c -> c.status() + "/" + c.reason()).orElse("absent");
  }

  List<Event> events(String namespace, String involvedName) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> involvedName.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  static void eventually(ThrowingRunnable assertion) {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(assertion);
  }

  KubernetesClient client() {
    return client;
  }
}
