package io.gatun.operator.forwarderset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.gatun.operator.api.ControlChannelRef;
import io.gatun.operator.api.Eal;
import io.gatun.operator.api.ForwarderResources;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetSpec;
import io.gatun.operator.api.Hugepages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonSetRendererTest {

  private final DaemonSetRenderer renderer =
      new DaemonSetRenderer("docker.io/gatun/forwarder:9.9", "docker.io/gatun/frr:9.9");

  private DaemonSet render(ForwarderSetSpec spec) {
    return renderer.render(ForwarderSets.stored(spec));
  }

  private static PodSpec pod(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec();
  }

  private static Container container(DaemonSet ds) {
    return pod(ds).getContainers().getFirst();
  }

  private static String argAfter(Container c, String flag) {
    return c.getArgs().get(c.getArgs().indexOf(flag) + 1);
  }

  @Test
  void theContainerGetsTheThreeCapabilitiesADpdkPodNeedsAndNothingElse() {
    var security = container(render(ForwarderSets.onInterface("eth1"))).getSecurityContext();
    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getRunAsUser()).isZero();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd())
        .containsExactlyInAnyOrder("IPC_LOCK", "NET_ADMIN", "NET_RAW");
    assertThat(pod(render(ForwarderSets.onInterface("eth1"))).getAutomountServiceAccountToken())
        .isFalse();
  }

  @Test
  void writableDirectoriesAreMemoryBackedEmptyDirsAndHugepagesComeFromAHugePagesEmptyDir() {
    DaemonSet ds = render(ForwarderSets.onInterface("eth1"));
    Map<String, String> mounts =
        container(ds).getVolumeMounts().stream()
            .collect(java.util.stream.Collectors.toMap(m -> m.getMountPath(), m -> m.getName()));
    assertThat(mounts)
        .containsEntry("/tmp", "tmp")
        .containsEntry("/var/run/dpdk", "dpdk-runtime")
        .containsEntry("/dev/hugepages", "hugepages")
        .containsEntry("/etc/gatun/tls", "tls")
        .containsEntry("/etc/gatun/data-addresses", "data-addresses");
    Map<String, Volume> volumes =
        pod(ds).getVolumes().stream()
            .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("hugepages").getEmptyDir().getMedium()).isEqualTo("HugePages");
    assertThat(volumes.get("tmp").getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(volumes.get("dpdk-runtime").getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(volumes.get("tls").getSecret().getSecretName()).isEqualTo("gatun-forwarder-tls");
    assertThat(volumes.get("data-addresses").getConfigMap().getName())
        .isEqualTo("fwd-data-addresses");
    assertThat(argAfter(container(ds), "--eal")).contains("--huge-dir /dev/hugepages");
  }

  @Test
  void requestsEqualLimitsWithTheHugepagesOfTheChosenSize() {
    var spec =
        ForwarderSets.withResources(
            ForwarderSets.withHugepages(
                ForwarderSets.onInterface("eth1"), new Hugepages("1Gi", "2Gi")),
            new ForwarderResources("4", "768Mi"));
    var resources = container(render(spec)).getResources();
    assertThat(resources.getLimits())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("768Mi"))
        .containsEntry("hugepages-1Gi", new Quantity("2Gi"))
        .doesNotContainKey("hugepages-2Mi");
    assertThat(resources.getRequests()).isEqualTo(resources.getLimits());
  }

  @Test
  void aHostInterfaceUsesTheHostNetworkAndNoPci() {
    DaemonSet ds = render(ForwarderSets.onInterface("eth1"));
    assertThat(pod(ds).getHostNetwork()).isTrue();
    assertThat(pod(ds).getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(argAfter(container(ds), "--port")).isEqualTo("net_af_packet0,iface=eth1");
    assertThat(argAfter(container(ds), "--eal")).contains("--no-pci");
    assertThat(argAfter(container(ds), "--port-address-file"))
        .isEqualTo("/etc/gatun/data-addresses/$(NODE_NAME)");
  }

  @Test
  void aVirtualFunctionIsRequestedAndFoundThroughTheDevicePluginsVariableInThePodsOwnNetwork() {
    DaemonSet ds = render(ForwarderSets.onVirtualFunction("intel.com/intel_sriov.dpdk"));
    assertThat(pod(ds).getHostNetwork()).isFalse();
    assertThat(container(ds).getResources().getLimits())
        .containsEntry("intel.com/intel_sriov.dpdk", new Quantity("1"));
    assertThat(container(ds).getResources().getRequests())
        .containsEntry("intel.com/intel_sriov.dpdk", new Quantity("1"));
    assertThat(argAfter(container(ds), "--port-pci-env"))
        .isEqualTo("PCIDEVICE_INTEL_COM_INTEL_SRIOV_DPDK");
    assertThat(container(ds).getArgs()).doesNotContain("--port");
    assertThat(argAfter(container(ds), "--eal")).doesNotContain("--no-pci");
  }

  @Test
  void theFleetKeySecretIsMountedAndANewKeyRollsThePods() {
    var set = ForwarderSets.stored(ForwarderSets.onInterface("eth1"));
    DaemonSet ds = renderer.render(set, new FleetKeySecret.Ref("gatun-fleet-key", "0123abcd"));
    Container c = container(ds);
    assertThat(argAfter(c, "--fleet-key-file")).isEqualTo("/etc/gatun/fleet/key");
    assertThat(argAfter(c, "--cluster-id")).isEqualTo("$(FLEET_CLUSTER_ID)");
    var clusterId =
        c.getEnv().stream().filter(e -> e.getName().equals("FLEET_CLUSTER_ID")).findFirst();
    assertThat(clusterId.orElseThrow().getValueFrom().getSecretKeyRef().getKey())
        .isEqualTo("cluster-id");
    assertThat(c.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("fleet-key");
              assertThat(m.getMountPath()).isEqualTo("/etc/gatun/fleet");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(pod(ds).getVolumes())
        .filteredOn(v -> v.getName().equals("fleet-key"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("gatun-fleet-key"));
    assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("lb.gatun.io/fleet-key", "0123abcd");

    DaemonSet rotated = renderer.render(set, new FleetKeySecret.Ref("gatun-fleet-key", "ffff0000"));
    assertThat(ForwarderDaemonSet.renderedHash(rotated))
        .as("a new key is a new pod template: the DaemonSet rolls")
        .isNotEqualTo(ForwarderDaemonSet.renderedHash(ds));
    assertThat(container(renderer.render(set)).getArgs()).doesNotContain("--fleet-key-file");
  }

  @Test
  void probesReadTheAgentsHealthAndTheFailureReasonComesFromTheTerminationLog() {
    Container c = container(render(ForwarderSets.onInterface("eth1")));
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9101);
    assertThat(argAfter(c, "--metrics-address")).isEqualTo("0.0.0.0:9101");
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(argAfter(c, "--termination-log")).isEqualTo(c.getTerminationMessagePath());
  }

  @Test
  void ealSettingsAndTheControlChannelReachTheArguments() {
    var spec =
        ForwarderSets.withControlChannel(
            ForwarderSets.withEal(
                ForwarderSets.onInterface("eth1"),
                new Eal("2-5", 1024, List.of("--log-level=*:info"))),
            new ControlChannelRef("10.0.0.9:9100", "my-tls", "op.example", false));
    Container c = container(render(spec));
    assertThat(argAfter(c, "--eal")).startsWith("-l 2-5 -m 1024 ").endsWith(" --log-level=*:info");
    assertThat(c.getEnv())
        .anyMatch(e -> e.getName().equals("OPERATOR") && e.getValue().equals("10.0.0.9:9100"));
    assertThat(argAfter(c, "--tls-server-name")).isEqualTo("op.example");
    assertThat(argAfter(c, "--name")).isEqualTo("$(NODE_NAME)");
    assertThat(c.getImage()).isEqualTo("docker.io/gatun/forwarder:9.9");
  }

  @Test
  void theDefaultOperatorAddressNeedsNoClusterDnsAndPlaintextDropsTheSecret() {
    DaemonSet tls = render(ForwarderSets.onInterface("eth1"));
    assertThat(container(tls).getEnv())
        .anyMatch(
            e ->
                e.getName().equals("OPERATOR")
                    && e.getValue()
                        .equals(
                            "$(GATUN_OPERATOR_SERVICE_HOST):$(GATUN_OPERATOR_SERVICE_PORT_GRPC)"));
    assertThat(argAfter(container(tls), "--tls-server-name"))
        .isEqualTo("gatun-operator.gatun-system.svc");

    DaemonSet plain =
        render(
            ForwarderSets.withControlChannel(
                ForwarderSets.onInterface("eth1"), new ControlChannelRef(null, null, null, true)));
    assertThat(container(plain).getArgs()).contains("--plaintext").doesNotContain("--tls-cert");
    assertThat(pod(plain).getVolumes()).noneMatch(v -> v.getName().equals("tls"));
  }

  @Test
  void placementAndRolloutFollowTheSpec() {
    ForwarderSetSpec base = ForwarderSets.onInterface("eth1");
    var toleration = new Toleration("NoSchedule", "dedicated", "Equal", null, "lb");
    var spec =
        new ForwarderSetSpec(
            null,
            "Never",
            base.dataPort(),
            null,
            null,
            null,
            null,
            Map.of("lb.gatun.io/forwarder", "true"),
            List.of(toleration),
            "system-node-critical",
            null,
            null);
    DaemonSet ds = render(spec);
    assertThat(pod(ds).getNodeSelector()).containsEntry("lb.gatun.io/forwarder", "true");
    assertThat(pod(ds).getTolerations()).containsExactly(toleration);
    assertThat(pod(ds).getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod(ds).getServiceAccountName()).isEqualTo("gatun-forwarder");
    assertThat(container(ds).getImagePullPolicy()).isEqualTo("Never");
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
  }

  @Test
  void theDaemonSetIsOwnedByItsForwarderSetAndSelectsItsPodsByName() {
    DaemonSet ds = render(ForwarderSets.onInterface("eth1"));
    var owner = ds.getMetadata().getOwnerReferences().getFirst();
    assertThat(owner.getKind()).isEqualTo("ForwarderSet");
    assertThat(owner.getApiVersion()).isEqualTo("lb.gatun.io/v1alpha1");
    assertThat(owner.getController()).isTrue();
    assertThat(owner.getUid()).isEqualTo("0b2f6c1e-1111-2222-3333-444455556666");
    assertThat(ds.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("lb.gatun.io/forwarderset", "fwd"));
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void aSpecChangeChangesThePodTemplateAndTheHashAnUnchangedOneKeepsBoth() {
    ForwarderSetSpec spec = ForwarderSets.onInterface("eth1");
    DaemonSet first = render(spec);
    DaemonSet again = render(spec);
    DaemonSet changed = render(ForwarderSets.withHugepages(spec, new Hugepages("2Mi", "1Gi")));
    assertThat(again.getSpec().getTemplate()).isEqualTo(first.getSpec().getTemplate());
    assertThat(ForwarderDaemonSet.renderedHash(again))
        .isNotNull()
        .isEqualTo(ForwarderDaemonSet.renderedHash(first));
    assertThat(changed.getSpec().getTemplate()).isNotEqualTo(first.getSpec().getTemplate());
    assertThat(ForwarderDaemonSet.renderedHash(changed))
        .isNotEqualTo(ForwarderDaemonSet.renderedHash(first));
  }

  @Test
  void theImageDefaultsToTheOperatorsVersion() {
    assertThat(ForwarderSetOptions.fromEnvironment().defaultImage())
        .isEqualTo("docker.io/gatun/forwarder:" + ForwarderSetOptions.version())
        .doesNotContain("${");
    ForwarderSet set = ForwarderSets.stored(ForwarderSets.onInterface("eth1"));
    assertThat(renderer.imageOf(set.getSpec())).isEqualTo("docker.io/gatun/forwarder:9.9");
  }

  private static Container frr(DaemonSet ds) {
    return pod(ds).getContainers().stream()
        .filter(c -> c.getName().equals("frr"))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> mounts(Container c) {
    return c.getVolumeMounts().stream()
        .collect(java.util.stream.Collectors.toMap(m -> m.getMountPath(), m -> m.getName()));
  }

  @Test
  void frrRunsBesideEveryForwarderSharingOneMemoryDirectoryWithTheAgent() {
    DaemonSet ds = render(ForwarderSets.onInterface("eth1"));

    assertThat(pod(ds).getContainers())
        .extracting(Container::getName)
        .containsExactly("forwarder", "frr");
    Container frr = frr(ds);
    assertThat(frr.getImage()).isEqualTo("docker.io/gatun/frr:9.9");
    assertThat(frr.getArgs()).containsExactly("--dir", "/var/run/gatun-frr");
    assertThat(mounts(frr)).containsEntry("/var/run/gatun-frr", "frr");
    assertThat(mounts(container(ds))).containsEntry("/var/run/gatun-frr", "frr");
    assertThat(argAfter(container(ds), "--bgp-frr-dir")).isEqualTo("/var/run/gatun-frr");
    Map<String, Volume> volumes =
        pod(ds).getVolumes().stream()
            .collect(java.util.stream.Collectors.toMap(Volume::getName, v -> v));
    assertThat(volumes.get("frr").getEmptyDir().getMedium()).isEqualTo("Memory");
    // The agent, without CAP_DAC_OVERRIDE, opens the vty sockets as a member of frrvty.
    assertThat(pod(ds).getSecurityContext().getSupplementalGroups()).containsExactly(102L);
  }

  @Test
  void frrGetsTheCapabilitiesItsDaemonsNeedAndKeepsThePodGuaranteed() {
    DaemonSet ds = render(ForwarderSets.onInterface("eth1"));
    var security = frr(ds).getSecurityContext();

    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(security.getCapabilities().getAdd())
        .containsExactlyInAnyOrder(
            "NET_BIND_SERVICE", "NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SETUID", "SETGID", "KILL");
    assertThat(frr(ds).getResources().getRequests()).isEqualTo(frr(ds).getResources().getLimits());
    assertThat(frr(ds).getResources().getLimits())
        .containsEntry("cpu", new Quantity("200m"))
        .containsEntry("memory", new Quantity("160Mi"));
  }

  @Test
  void theForwarderOpensTunForTheKernelInterfaceOfItsDataPort() {
    DaemonSet ds = render(ForwarderSets.onInterface("eth1"));

    assertThat(mounts(container(ds))).containsEntry("/dev/net/tun", "tun");
    Volume tun =
        pod(ds).getVolumes().stream()
            .filter(v -> v.getName().equals("tun"))
            .findFirst()
            .orElseThrow();
    assertThat(tun.getHostPath().getPath()).isEqualTo("/dev/net/tun");
    assertThat(tun.getHostPath().getType()).isEqualTo("CharDevice");
  }
}
