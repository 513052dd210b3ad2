package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.api.Condition;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetSpec;
import io.gatun.operator.forwarderset.ForwarderSetOptions;
import io.gatun.operator.testing.Crds;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ForwarderSet against a real API server: its DaemonSet and ConfigMap created and owned, brought
 * in step with a spec change, kept when an edit is invalid, and the ForwarderSet's status from a
 * DaemonSet status and a pod the test writes (there is no controller-manager, scheduler or kubelet
 * here; the node E2E has them): a node without hugepages, a forwarder whose data port failed.
 */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class ForwarderSetIT {

  static KubernetesClient client;

  private static final String NS = "lb-system";

  @BeforeAll
  static void installCrds() throws Exception {
    Crds.install(client);
  }

  @Test
  @SuppressWarnings("unchecked")
  void rendersOwnsRollsAndReports() throws Exception {
    var cluster = new Cluster(client);
    cluster.namespace(NS);
    cluster.defaultServiceAccount(NS);
    try (var operator =
        Cluster.startOperator(
            client,
            OperatorOptions.defaults()
                .withForwarderSets(new ForwarderSetOptions(NS, "example/forwarder:1.2.3")))) {
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: ForwarderSet
          metadata: {name: edge, namespace: lb-system}
          spec:
            dataPort:
              interfaceName: eth1
              addresses:
                node-1: [198.18.0.2/24]
                node-2: [198.18.0.3/24@198.18.0.1, 2001:2::3/64]
            hugepages: {pageSize: 2Mi, amount: 512Mi}
            nodeSelector: {lb.gatun.io/forwarder: "true"}
          """);

      // Created, owned, as rendered.
      eventually(
          () -> {
            DaemonSet ds = daemonSet();
            assertThat(ds).isNotNull();
            var owner = ds.getMetadata().getOwnerReferences().getFirst();
            assertThat(owner.getUid()).isEqualTo(forwarderSet().getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
            assertThat(container(ds).getImage()).isEqualTo("example/forwarder:1.2.3");
            assertThat(container(ds).getResources().getLimits())
                .containsEntry("hugepages-2Mi", new Quantity("512Mi"));
            ConfigMap addresses =
                client.configMaps().inNamespace(NS).withName("edge-data-addresses").get();
            assertThat(addresses.getData())
                .containsEntry("node-1", "198.18.0.2/24\n")
                .containsEntry("node-2", "198.18.0.3/24@198.18.0.1\n2001:2::3/64\n");
            assertThat(addresses.getMetadata().getOwnerReferences().getFirst().getUid())
                .isEqualTo(owner.getUid());
            // The fleet key: made by the operator, mounted, its cluster id passed on.
            var fleetKey = client.secrets().inNamespace(NS).withName("gatun-fleet-key").get();
            assertThat(fleetKey.getData()).containsKeys("key", "cluster-id");
            assertThat(java.util.Base64.getDecoder().decode(fleetKey.getData().get("key")))
                .hasSize(64);
            assertThat(container(ds).getArgs())
                .containsSequence("--fleet-key-file", "/etc/gatun/fleet/key")
                .containsSequence("--cluster-id", "$(FLEET_CLUSTER_ID)");
            assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("lb.gatun.io/fleet-key");
          });
      long firstGeneration = daemonSet().getMetadata().getGeneration();

      // A spec change reaches the pod template: the DaemonSet controller would roll it.
      editSpec(spec -> ((Map<String, Object>) spec.get("hugepages")).put("amount", "1Gi"));
      eventually(
          () -> {
            DaemonSet ds = daemonSet();
            assertThat(container(ds).getResources().getLimits())
                .containsEntry("hugepages-2Mi", new Quantity("1Gi"));
            assertThat(ds.getMetadata().getGeneration()).isGreaterThan(firstGeneration);
          });
      long generation = daemonSet().getMetadata().getGeneration();

      // What the DaemonSet controller and a scheduler that found no hugepages on node-2 would
      // write.
      writeDaemonSetStatus(generation, 2, 1, 2);
      var pod =
          client
              .pods()
              .inNamespace(NS)
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName("edge-x7k2p")
                      .withLabels(Map.of("lb.gatun.io/forwarderset", "edge"))
                      .endMetadata()
                      .withNewSpec()
                      .withAutomountServiceAccountToken(false)
                      .withNewAffinity()
                      .withNewNodeAffinity()
                      .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                      .addNewNodeSelectorTerm()
                      .addNewMatchField()
                      .withKey("metadata.name")
                      .withOperator("In")
                      .withValues("node-2")
                      .endMatchField()
                      .endNodeSelectorTerm()
                      .endRequiredDuringSchedulingIgnoredDuringExecution()
                      .endNodeAffinity()
                      .endAffinity()
                      .addNewContainer()
                      .withName("forwarder")
                      .withImage("example/forwarder:1.2.3")
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      pod.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPhase("Pending")
              .addNewCondition()
              .withType("PodScheduled")
              .withStatus("False")
              .withReason("Unschedulable")
              .withMessage("0/2 nodes are available: 1 Insufficient hugepages-2Mi.")
              .endCondition()
              .build());
      client.pods().inNamespace(NS).resource(pod).updateStatus();

      eventually(
          () -> {
            var status = forwarderSet().getStatus();
            assertThat(status.desired()).isEqualTo(2);
            assertThat(status.ready()).isEqualTo(1);
            assertThat(status.updated()).isEqualTo(2);
            assertThat(status.image()).isEqualTo("example/forwarder:1.2.3");
            assertThat(condition("Ready").reason()).isEqualTo("NotAllReady");
            assertThat(condition("Degraded").reason()).isEqualTo("InsufficientHugepages");
            assertThat(condition("Degraded").message()).contains("node node-2");
            assertThat(status.problems())
                .singleElement()
                .satisfies(
                    p -> {
                      assertThat(p.node()).isEqualTo("node-2");
                      assertThat(p.pod()).isEqualTo("edge-x7k2p");
                    });
            assertThat(cluster.events(NS, "edge"))
                .anyMatch(
                    e ->
                        e.getType().equals("Warning")
                            && e.getReason().equals("InsufficientHugepages")
                            && e.getMessage().contains("node-2"));
          });

      // The pod goes (hugepages were found), both forwarders ready: Ready, not Degraded.
      client.pods().inNamespace(NS).withName("edge-x7k2p").withGracePeriod(0).delete();
      writeDaemonSetStatus(generation, 2, 2, 2);
      eventually(
          () -> {
            assertThat(condition("Ready").status().name()).isEqualTo("True");
            assertThat(condition("Degraded").status().name()).isEqualTo("False");
            assertThat(condition("Progressing").reason()).isEqualTo("Complete");
          });

      // An invalid edit: reported, and the running DaemonSet keeps its spec.
      editSpec(
          spec ->
              ((Map<String, Object>) ((Map<String, Object>) spec.get("dataPort")).get("addresses"))
                  .put("node-1", List.of("198.18.0.2")));
      eventually(
          () -> {
            assertThat(condition("Degraded").reason()).isEqualTo("Invalid");
            assertThat(condition("Degraded").message())
                .contains("spec.dataPort.addresses[node-1]")
                .contains("keeps its previous spec");
          });
      assertThat(daemonSet().getMetadata().getGeneration()).isEqualTo(generation);
      assertThat(
              client.configMaps().inNamespace(NS).withName("edge-data-addresses").get().getData())
          .containsEntry("node-1", "198.18.0.2/24\n");
    }
  }

  @Test
  void aForwarderWhosePortFailsToStartIsReportedByNodeAndCauseNotLeftCrashLooping()
      throws Exception {
    String ns = "lb-crash";
    var cluster = new Cluster(client);
    cluster.namespace(ns);
    cluster.defaultServiceAccount(ns);
    try (var operator =
        Cluster.startOperator(
            client,
            OperatorOptions.defaults()
                .withForwarderSets(new ForwarderSetOptions(ns, "example/forwarder:1.2.3")))) {
      cluster.create(
          """
          apiVersion: lb.gatun.io/v1alpha1
          kind: ForwarderSet
          metadata: {name: crash, namespace: lb-crash}
          spec:
            dataPort:
              interfaceName: eth9
              addresses: {node-7: [198.18.0.7/24]}
            hugepages: {pageSize: 2Mi, amount: 512Mi}
          """);
      eventually(
          () ->
              assertThat(client.apps().daemonSets().inNamespace(ns).withName("crash").get())
                  .isNotNull());

      // What the kubelet writes of a forwarder whose data port did not start: the agent's
      // termination message (forwarder Main writes it), the restarts, CrashLoopBackOff.
      var pod =
          client
              .pods()
              .inNamespace(ns)
              .resource(
                  new PodBuilder()
                      .withNewMetadata()
                      .withName("crash-q8r4t")
                      .withLabels(Map.of("lb.gatun.io/forwarderset", "crash"))
                      .endMetadata()
                      .withNewSpec()
                      .withNodeName("node-7")
                      .withAutomountServiceAccountToken(false)
                      .addNewContainer()
                      .withName("forwarder")
                      .withImage("example/forwarder:1.2.3")
                      .endContainer()
                      .endSpec()
                      .build())
              .create();
      pod.setStatus(
          new io.fabric8.kubernetes.api.model.PodStatusBuilder()
              .withPhase("Running")
              .addNewContainerStatus()
              .withName("forwarder")
              .withImage("example/forwarder:1.2.3")
              .withImageID("")
              .withReady(false)
              .withRestartCount(4)
              .withNewState()
              .withNewWaiting()
              .withReason("CrashLoopBackOff")
              .withMessage("back-off 1m20s restarting failed container")
              .endWaiting()
              .endState()
              .withNewLastState()
              .withNewTerminated()
              .withExitCode(1)
              .withReason("Error")
              .withMessage(
                  "the data port failed to start: net_af_packet0,iface=eth9: no such interface")
              .endTerminated()
              .endLastState()
              .endContainerStatus()
              .build());
      client.pods().inNamespace(ns).resource(pod).updateStatus();

      eventually(
          () -> {
            var status =
                client.resources(ForwarderSet.class).inNamespace(ns).withName("crash").get();
            var degraded =
                status.getStatus().conditions().stream()
                    .filter(c -> c.type().equals("Degraded"))
                    .findFirst()
                    .orElseThrow();
            assertThat(degraded.reason()).isEqualTo("PortFailed");
            assertThat(degraded.message()).contains("node node-7").contains("no such interface");
            assertThat(status.getStatus().problems())
                .singleElement()
                .satisfies(
                    p -> {
                      assertThat(p.node()).isEqualTo("node-7");
                      assertThat(p.reason()).isEqualTo("PortFailed");
                      assertThat(p.message()).contains("restarted 4 times");
                    });
            assertThat(cluster.events(ns, "crash"))
                .anyMatch(
                    e ->
                        e.getType().equals("Warning")
                            && e.getReason().equals("PortFailed")
                            && e.getMessage().contains("node-7")
                            && e.getMessage().contains("no such interface"));
          });
    }
  }

  private DaemonSet daemonSet() {
    return client.apps().daemonSets().inNamespace(NS).withName("edge").get();
  }

  private static io.fabric8.kubernetes.api.model.Container container(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  private ForwarderSet forwarderSet() {
    return client.resources(ForwarderSet.class).inNamespace(NS).withName("edge").get();
  }

  private Condition condition(String type) {
    var status = forwarderSet().getStatus();
    assertThat(status).isNotNull();
    return status.conditions().stream()
        .filter(c -> c.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  /** Edits the spec as a user would edit the YAML: one field, by its path. */
  @SuppressWarnings("unchecked")
  private void editSpec(Consumer<Map<String, Object>> change) {
    var json = client.getKubernetesSerialization();
    Cluster.retryingConflicts(
        () ->
            client
                .resources(ForwarderSet.class)
                .inNamespace(NS)
                .withName("edge")
                .edit(
                    set -> {
                      Map<String, Object> spec = json.convertValue(set.getSpec(), Map.class);
                      change.accept(spec);
                      set.setSpec(json.convertValue(spec, ForwarderSetSpec.class));
                      return set;
                    }));
  }

  private void writeDaemonSetStatus(long generation, int desired, int ready, int updated) {
    Cluster.retryingConflicts(
        () ->
            client
                .apps()
                .daemonSets()
                .inNamespace(NS)
                .withName("edge")
                .editStatus(
                    ds -> {
                      ds.setStatus(
                          new DaemonSetStatusBuilder()
                              .withObservedGeneration(generation)
                              .withDesiredNumberScheduled(desired)
                              .withCurrentNumberScheduled(desired)
                              .withNumberReady(ready)
                              .withUpdatedNumberScheduled(updated)
                              .withNumberAvailable(ready)
                              .withNumberMisscheduled(0)
                              .build());
                      return ds;
                    }));
  }
}
