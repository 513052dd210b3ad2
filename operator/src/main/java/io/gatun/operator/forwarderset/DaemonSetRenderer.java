package io.gatun.operator.forwarderset;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gatun.operator.api.ApiGroup;
import io.gatun.operator.api.ForwarderSet;
import io.gatun.operator.api.ForwarderSetSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ForwarderSet (with its defaults applied) as the DaemonSet that runs it: what a DPDK pod needs
 * and no more.
 *
 * <ul>
 *   <li>Not privileged; every capability dropped but IPC_LOCK (lock hugepage memory), NET_RAW (the
 *       af_packet port's socket, ICMP health probes) and NET_ADMIN (promiscuous mode, link
 *       settings, the kernel interface of BGP's exception path, a net_tap through {@code
 *       /dev/net/tun}).
 *   <li>Beside the agent, always, the {@code frr} container (issue 14: one FRR per forwarder): the
 *       FRR image's entrypoint runs zebra, bfdd and bgpd; the two share {@code /var/run/gatun-frr}
 *       (an emptyDir in memory: FRR's vty sockets, the configuration the agent wants, FRR's
 *       answers), and the pod's supplemental group frrvty ({@value #FRRVTY_GID}) lets the agent,
 *       without CAP_DAC_OVERRIDE, open the sockets. It starts as root with NET_BIND_SERVICE (bgpd's
 *       port 179), NET_ADMIN and NET_RAW (zebra's addresses and routes, bfdd's sockets), SYS_ADMIN
 *       (FRR's privileges include it: network namespaces), SETUID and SETGID (each daemon drops to
 *       the frr user). Rendered whether or not a BGP Pool selects the node: a pod never has to roll
 *       for a Pool to start announcing.
 *   <li>UID 0: Kubernetes 1.20 gives added capabilities to root processes only.
 *   <li>A read-only root file system; writable memory-backed {@code /tmp} (the JVM) and {@code
 *       /var/run/dpdk} (EAL's runtime files); hugepages from an emptyDir of medium HugePages where
 *       EAL maps them, with the matching {@code hugepages-<size>} request and limit.
 *   <li>The host's network namespace only for a host interface (net_af_packet opens it there); a VF
 *       is a PCI device the pod drives from its own namespace.
 *   <li>Requests equal limits (Guaranteed QoS); no ServiceAccount token (the agent calls no API).
 *   <li>If the port cannot start the agent writes why to {@code /dev/termination-log} and exits;
 *       the operator reads it from the pod's status.
 * </ul>
 *
 * <p>A spec change changes the pod template and its hash annotation, so the DaemonSet rolls, one
 * node at a time.
 */
final class DaemonSetRenderer {

  /** On the DaemonSet: the hash of what was rendered, so a re-render finds it up to date. */
  static final String RENDERED_HASH = ApiGroup.GROUP + "/rendered-hash";

  static final String CONTAINER = "forwarder";
  static final String FRR_CONTAINER = "frr";

  /** The directory the agent and FRR share (tools/frr/gatun-frr describes what is in it). */
  static final String FRR_DIR = "/var/run/gatun-frr";

  /** Debian's frrvty group in the FRR image: who may open the daemons' vty sockets. */
  static final long FRRVTY_GID = 102;

  static final String TUN_DEVICE = "/dev/net/tun";
  static final String HUGEPAGES_DIR = "/dev/hugepages";
  static final String ADDRESSES_DIR = "/etc/gatun/data-addresses";
  static final String TLS_DIR = "/etc/gatun/tls";
  static final String FLEET_DIR = "/etc/gatun/fleet";

  /** On the pod template: the fleet key's fingerprint, so a new key rolls the DaemonSet. */
  static final String FLEET_KEY_FINGERPRINT = ApiGroup.GROUP + "/fleet-key";

  static final String TERMINATION_LOG = "/dev/termination-log";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final String defaultImage;
  private final String frrImage;

  /**
   * @param defaultImage the forwarder image of a ForwarderSet that names none
   * @param frrImage the FRR image beside every forwarder
   */
  DaemonSetRenderer(String defaultImage, String frrImage) {
    this.defaultImage = defaultImage;
    this.frrImage = frrImage;
  }

  String imageOf(ForwarderSetSpec spec) {
    return spec.image() == null || spec.image().isBlank() ? defaultImage : spec.image();
  }

  DaemonSet render(ForwarderSet set) {
    return render(set, null);
  }

  /**
   * @param fleet the fleet key Secret the forwarders share (null: no fleet, every forwarder answers
   *     for every VIP, as before issue 12)
   */
  DaemonSet render(ForwarderSet set, FleetKeySecret.Ref fleet) {
    ForwarderSetSpec spec = set.getSpec();
    boolean hostInterface = spec.dataPort().interfaceName() != null;
    var daemonSet =
        new DaemonSetBuilder()
            .withNewMetadata()
            .withName(set.getMetadata().getName())
            .withNamespace(set.getMetadata().getNamespace())
            .withLabels(ForwarderSetLabels.of(set))
            .withOwnerReferences(ownedBy(set))
            .endMetadata()
            .withNewSpec()
            .withNewSelector()
            .withMatchLabels(ForwarderSetLabels.selector(set))
            .endSelector()
            .withNewUpdateStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
            .withNewMaxUnavailable(1)
            .endRollingUpdate()
            .endUpdateStrategy()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(ForwarderSetLabels.of(set))
            .withAnnotations(
                fleet == null ? null : Map.of(FLEET_KEY_FINGERPRINT, fleet.fingerprint()))
            .endMetadata()
            .withNewSpec()
            .withHostNetwork(hostInterface)
            .withDnsPolicy(hostInterface ? "ClusterFirstWithHostNet" : "ClusterFirst")
            .withServiceAccountName(spec.serviceAccountName())
            .withAutomountServiceAccountToken(false)
            .withPriorityClassName(spec.priorityClassName())
            .withNodeSelector(spec.nodeSelector())
            .withTolerations(spec.tolerations())
            .withNewSecurityContext()
            .withSupplementalGroups(FRRVTY_GID)
            .endSecurityContext()
            .withContainers(container(set, fleet), frrContainer(spec))
            .withVolumes(volumes(set, fleet))
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    daemonSet.getMetadata().setAnnotations(Map.of(RENDERED_HASH, hash(daemonSet)));
    return daemonSet;
  }

  private Container container(ForwarderSet set, FleetKeySecret.Ref fleet) {
    ForwarderSetSpec spec = set.getSpec();
    String hugepages = "hugepages-" + spec.hugepages().pageSize();
    var limits = new LinkedHashMap<String, Quantity>();
    limits.put("cpu", new Quantity(spec.resources().cpu()));
    limits.put("memory", new Quantity(spec.resources().memory()));
    limits.put(hugepages, new Quantity(spec.hugepages().amount()));
    if (spec.dataPort().virtualFunction() != null) {
      limits.put(spec.dataPort().virtualFunction().resourceName(), new Quantity("1"));
    }
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(imageOf(spec))
        .withImagePullPolicy(spec.imagePullPolicy())
        .withEnv(env(set, fleet))
        .withArgs(args(set, fleet))
        .withNewResources()
        .withRequests(limits)
        .withLimits(limits)
        .endResources()
        .withSecurityContext(rootWithOnly("IPC_LOCK", "NET_ADMIN", "NET_RAW"))
        .withStartupProbe(probe("/healthz", spec.metricsPort(), 2, 90))
        .withLivenessProbe(probe("/healthz", spec.metricsPort(), 10, 3))
        .withReadinessProbe(probe("/readyz", spec.metricsPort(), 2, 2))
        .withTerminationMessagePath(TERMINATION_LOG)
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withVolumeMounts(mounts(set, fleet))
        .build();
  }

  /** FRR beside the agent: requests equal limits, so the pod stays Guaranteed. */
  private Container frrContainer(ForwarderSetSpec spec) {
    var limits = new LinkedHashMap<String, Quantity>();
    limits.put("cpu", new Quantity("200m"));
    limits.put("memory", new Quantity("160Mi"));
    return new ContainerBuilder()
        .withName(FRR_CONTAINER)
        .withImage(frrImage)
        .withImagePullPolicy(spec.imagePullPolicy())
        .withArgs("--dir", FRR_DIR)
        .withNewResources()
        .withRequests(limits)
        .withLimits(limits)
        .endResources()
        .withSecurityContext(
            rootWithOnly(
                "NET_BIND_SERVICE",
                "NET_ADMIN",
                "NET_RAW",
                "SYS_ADMIN",
                "SETUID",
                "SETGID",
                "KILL"))
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .withVolumeMounts(
            mount("frr", FRR_DIR, false),
            // FRR's daemons keep their crash logs under /var/tmp/frr.
            mount("frr-tmp", "/var/tmp", false))
        .build();
  }

  /**
   * Root in the container with only these capabilities, on a read-only root file system, never
   * privileged and never gaining more: what both the agent and FRR need, and no more.
   */
  private static SecurityContext rootWithOnly(String... capabilities) {
    return new SecurityContextBuilder()
        .withPrivileged(false)
        .withRunAsUser(0L)
        .withRunAsNonRoot(false)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .withAdd(capabilities)
        .endCapabilities()
        .build();
  }

  private static List<EnvVar> env(ForwarderSet set, FleetKeySecret.Ref fleet) {
    var env = new ArrayList<EnvVar>();
    env.add(
        new EnvVarBuilder()
            .withName("NODE_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("spec.nodeName")
            .endFieldRef()
            .endValueFrom()
            .build());
    String address = set.getSpec().controlChannel().address();
    env.add(
        new EnvVar(
            "OPERATOR",
            address == null
                // Service variables: the kubelet sets them from the operator's Service, which
                // exists before the forwarders; no cluster DNS needed.
                ? "$(GATUN_OPERATOR_SERVICE_HOST):$(GATUN_OPERATOR_SERVICE_PORT_GRPC)"
                : address,
            null));
    if (fleet != null) {
      env.add(
          new EnvVarBuilder()
              .withName("FLEET_CLUSTER_ID")
              .withNewValueFrom()
              .withNewSecretKeyRef()
              .withName(fleet.secretName())
              .withKey(FleetKeySecret.CLUSTER_ID)
              .endSecretKeyRef()
              .endValueFrom()
              .build());
    }
    return env;
  }

  private static List<String> args(ForwarderSet set, FleetKeySecret.Ref fleet) {
    ForwarderSetSpec spec = set.getSpec();
    var args = new ArrayList<String>();
    // The node's name is the forwarder's: stable across rollouts, so its Forwarder resource and
    // the VIPs it holds stay with the node.
    args.addAll(List.of("--name", "$(NODE_NAME)", "--node", "$(NODE_NAME)"));
    args.addAll(List.of("--operator", "$(OPERATOR)"));
    if (Boolean.TRUE.equals(spec.controlChannel().plaintext())) {
      args.add("--plaintext");
    } else {
      String serverName = spec.controlChannel().serverName();
      args.addAll(
          List.of(
              "--tls-cert", TLS_DIR + "/tls.crt",
              "--tls-key", TLS_DIR + "/tls.key",
              "--tls-ca", TLS_DIR + "/ca.crt",
              "--tls-server-name",
                  serverName != null
                      ? serverName
                      : "gatun-operator." + set.getMetadata().getNamespace() + ".svc"));
    }
    args.addAll(List.of("--eal", String.join(" ", ealArgs(spec))));
    if (spec.dataPort().interfaceName() != null) {
      args.addAll(List.of("--port", "net_af_packet0,iface=" + spec.dataPort().interfaceName()));
    } else {
      args.addAll(
          List.of("--port-pci-env", spec.dataPort().virtualFunction().pciAddressVariable()));
    }
    args.addAll(List.of("--port-address-file", ADDRESSES_DIR + "/$(NODE_NAME)"));
    args.addAll(List.of("--metrics-address", "0.0.0.0:" + spec.metricsPort()));
    args.addAll(List.of("--termination-log", TERMINATION_LOG));
    args.addAll(List.of("--bgp-frr-dir", FRR_DIR));
    if (fleet != null) {
      args.addAll(
          List.of(
              "--fleet-key-file",
              FLEET_DIR + "/" + FleetKeySecret.KEY,
              "--cluster-id",
              "$(FLEET_CLUSTER_ID)"));
    }
    return args;
  }

  static List<String> ealArgs(ForwarderSetSpec spec) {
    var eal = new ArrayList<String>();
    eal.addAll(List.of("-l", spec.eal().lcores()));
    eal.addAll(List.of("-m", String.valueOf(spec.eal().memoryMegabytes())));
    eal.addAll(List.of("--huge-dir", HUGEPAGES_DIR));
    // Virtual addresses: no physical ones to read (that would need CAP_SYS_ADMIN).
    eal.addAll(List.of("--iova-mode", "va", "--file-prefix", "gatun"));
    eal.addAll(List.of("--no-shconf", "--no-telemetry"));
    if (spec.dataPort().interfaceName() != null) {
      eal.add("--no-pci"); // the agent allow-lists the VF's PCI address itself otherwise
    }
    if (spec.eal().extraArgs() != null) {
      eal.addAll(spec.eal().extraArgs());
    }
    return eal;
  }

  private static Probe probe(String path, int port, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort(port)
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static List<VolumeMount> mounts(ForwarderSet set, FleetKeySecret.Ref fleet) {
    var mounts = new ArrayList<VolumeMount>();
    mounts.add(mount("hugepages", HUGEPAGES_DIR, false));
    mounts.add(mount("dpdk-runtime", "/var/run/dpdk", false));
    mounts.add(mount("tmp", "/tmp", false));
    mounts.add(mount("data-addresses", ADDRESSES_DIR, true));
    mounts.add(mount("frr", FRR_DIR, false));
    mounts.add(mount("tun", TUN_DEVICE, false));
    if (!Boolean.TRUE.equals(set.getSpec().controlChannel().plaintext())) {
      mounts.add(mount("tls", TLS_DIR, true));
    }
    if (fleet != null) {
      mounts.add(mount("fleet-key", FLEET_DIR, true));
    }
    return mounts;
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(name)
        .withMountPath(path)
        .withReadOnly(readOnly ? true : null)
        .build();
  }

  private static List<Volume> volumes(ForwarderSet set, FleetKeySecret.Ref fleet) {
    var volumes = new ArrayList<Volume>();
    volumes.add(
        new VolumeBuilder()
            .withName("hugepages")
            .withNewEmptyDir()
            .withMedium("HugePages")
            .endEmptyDir()
            .build());
    volumes.add(memory("dpdk-runtime", "16Mi"));
    volumes.add(memory("tmp", "64Mi"));
    volumes.add(memory("frr", "16Mi"));
    volumes.add(memory("frr-tmp", "16Mi"));
    volumes.add(
        new VolumeBuilder()
            .withName("tun")
            .withNewHostPath()
            .withPath(TUN_DEVICE)
            .withType("CharDevice")
            .endHostPath()
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName("data-addresses")
            .withNewConfigMap()
            .withName(ForwarderSetLabels.addressesName(set))
            .endConfigMap()
            .build());
    if (!Boolean.TRUE.equals(set.getSpec().controlChannel().plaintext())) {
      volumes.add(
          new VolumeBuilder()
              .withName("tls")
              .withNewSecret()
              .withSecretName(set.getSpec().controlChannel().tlsSecret())
              .endSecret()
              .build());
    }
    if (fleet != null) {
      volumes.add(
          new VolumeBuilder()
              .withName("fleet-key")
              .withNewSecret()
              .withSecretName(fleet.secretName())
              .withDefaultMode(0400)
              .endSecret()
              .build());
    }
    return volumes;
  }

  private static Volume memory(String name, String size) {
    return new VolumeBuilder()
        .withName(name)
        .withNewEmptyDir()
        .withMedium("Memory")
        .withSizeLimit(new Quantity(size))
        .endEmptyDir()
        .build();
  }

  static OwnerReference ownedBy(ForwarderSet set) {
    return new OwnerReferenceBuilder()
        .withApiVersion(set.getApiVersion())
        .withKind(set.getKind())
        .withName(set.getMetadata().getName())
        .withUid(set.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  private static String hash(DaemonSet daemonSet) {
    try {
      byte[] rendered = JSON.asJson(daemonSet.getSpec()).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(rendered))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
