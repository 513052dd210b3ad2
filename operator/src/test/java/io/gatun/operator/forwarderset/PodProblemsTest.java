package io.gatun.operator.forwarderset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.gatun.operator.api.ForwarderProblem;
import io.gatun.operator.api.ForwarderSetSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pods as the scheduler, the kubelet and the agent leave them, read into problems. */
class PodProblemsTest {

  private final ForwarderSetSpec spec =
      ForwarderSets.stored(ForwarderSets.onInterface("eth1")).getSpec();
  private final ForwarderSetSpec vfSpec =
      ForwarderSets.stored(ForwarderSets.onVirtualFunction("intel.com/sriov_dpdk")).getSpec();

  /** A DaemonSet pod not yet bound: its node is in its node affinity. */
  private static PodBuilder pending(String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("fwd-abcde")
        .endMetadata()
        .withNewSpec()
        .withNewAffinity()
        .withNewNodeAffinity()
        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
        .addNewNodeSelectorTerm()
        .addNewMatchField()
        .withKey("metadata.name")
        .withOperator("In")
        .withValues(node)
        .endMatchField()
        .endNodeSelectorTerm()
        .endRequiredDuringSchedulingIgnoredDuringExecution()
        .endNodeAffinity()
        .endAffinity()
        .endSpec();
  }

  /** A forwarder pod bound to node-1; its status is the test's. */
  private static PodBuilder onNode1() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("fwd-1")
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .endSpec();
  }

  private static Pod unschedulable(String node, String message) {
    return pending(node)
        .withNewStatus()
        .withPhase("Pending")
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("False")
        .withReason("Unschedulable")
        .withMessage(message)
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void tooFewHugepagesOnTheNodeIsInsufficientHugepagesNamingTheNodeAndTheFix() {
    ForwarderProblem problem =
        PodProblems.of(
                unschedulable("node-3", "0/1 nodes are available: 1 Insufficient hugepages-2Mi."),
                spec)
            .orElseThrow();
    assertThat(problem.reason()).isEqualTo("InsufficientHugepages");
    assertThat(problem.node()).isEqualTo("node-3");
    assertThat(problem.message())
        .contains("node node-3")
        .contains("Insufficient hugepages-2Mi")
        .contains("spec.hugepages.amount");
  }

  @Test
  void noFreeVirtualFunctionIsNoVirtualFunction() {
    var problem =
        PodProblems.of(
                unschedulable(
                    "node-2", "0/3 nodes are available: 3 Insufficient intel.com/sriov_dpdk."),
                vfSpec)
            .orElseThrow();
    assertThat(problem.reason()).isEqualTo("NoVirtualFunction");
    assertThat(problem.message()).contains("node-2").contains("intel.com/sriov_dpdk");
  }

  @Test
  void theKubeletRefusingThePodAtAdmissionIsReadToo() {
    Pod refused =
        new PodBuilder(unschedulable("x", ""))
            .editSpec()
            .withNodeName("node-4")
            .endSpec()
            .withNewStatus()
            .withPhase("Failed")
            .withReason("OutOfhugepages-2Mi")
            .withMessage("Pod Node didn't have enough resource: hugepages-2Mi")
            .endStatus()
            .build();
    var problem = PodProblems.of(refused, spec).orElseThrow();
    assertThat(problem.reason()).isEqualTo("InsufficientHugepages");
    assertThat(problem.node()).isEqualTo("node-4");
  }

  @Test
  void anAgentThatExitedIsPortFailedWithWhatItWroteInItsTerminationLog() {
    Pod crashing =
        new PodBuilder()
            .withNewMetadata()
            .withName("fwd-xyz")
            .endMetadata()
            .withNewSpec()
            .withNodeName("node-1")
            .endSpec()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("forwarder")
            .withReady(false)
            .withRestartCount(3)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(1)
            .withMessage("the data port failed to start: rte_eth_dev_start: -5 (no such device)\n")
            .endTerminated()
            .endLastState()
            .endContainerStatus()
            .endStatus()
            .build();
    var problem = PodProblems.of(crashing, spec).orElseThrow();
    assertThat(problem.reason()).isEqualTo("PortFailed");
    assertThat(problem.node()).isEqualTo("node-1");
    assertThat(problem.message())
        .contains("node node-1")
        .contains("restarted 3 times")
        .contains("rte_eth_dev_start: -5 (no such device)");
  }

  @Test
  void aPodOnItsWayUpOrReadyHasNoProblem() {
    Pod creating =
        onNode1()
            .withNewStatus()
            .withPhase("Pending")
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .addNewContainerStatus()
            .withName("forwarder")
            .withReady(false)
            .withNewState()
            .withNewWaiting()
            .withReason("ContainerCreating")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    assertThat(PodProblems.of(List.of(creating), spec)).isEmpty();
  }

  @Test
  void aContainerTheKubeletCannotStartIsContainerFailed() {
    Pod noSecret =
        onNode1()
            .withNewStatus()
            .withPhase("Pending")
            .addNewContainerStatus()
            .withName("forwarder")
            .withReady(false)
            .withNewState()
            .withNewWaiting()
            .withReason("ErrImageNeverPull")
            .withMessage("Container image \"gatun/forwarder:x\" is not present")
            .endWaiting()
            .endState()
            .endContainerStatus()
            .endStatus()
            .build();
    var problem = PodProblems.of(noSecret, spec).orElseThrow();
    assertThat(problem.reason()).isEqualTo("ContainerFailed");
    assertThat(problem.message()).contains("ErrImageNeverPull").contains("spec.image");
  }

  @Test
  void anFrrContainerThatExitedIsContainerFailedNamingFrrNotThePort() {
    Pod frrCrashing =
        onNode1()
            .withNewStatus()
            .withPhase("Running")
            .addNewContainerStatus()
            .withName("forwarder")
            .withReady(true)
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .endContainerStatus()
            .addNewContainerStatus()
            .withName("frr")
            .withReady(false)
            .withRestartCount(2)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(1)
            .withMessage("gatun-frr: bgpd exited at start\n")
            .endTerminated()
            .endLastState()
            .endContainerStatus()
            .endStatus()
            .build();
    var problem = PodProblems.of(frrCrashing, spec).orElseThrow();
    assertThat(problem.reason()).isEqualTo("ContainerFailed");
    assertThat(problem.message())
        .startsWith("FRR (container frr) on node node-1")
        .contains("restarted 2 times")
        .contains("bgpd exited at start");
  }
}
