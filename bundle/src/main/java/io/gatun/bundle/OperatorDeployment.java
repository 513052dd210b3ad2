package io.gatun.bundle;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpec;
import io.fabric8.kubernetes.api.model.apps.DeploymentSpecBuilder;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator as it runs on a cluster, one definition for the CSV's install strategy and for
 * deploy/: one replica with leader election (a rolling update starts the new pod as a standby, so
 * two operators never program the forwarders at once), the image's non-root user, a read-only root
 * file system, probes on the metrics port, and the control channel's Service.
 *
 * <p>The rolling update may take the old pod down before the new one is ready ({@code
 * maxUnavailable: 1}, {@code maxSurge: 1}): a replica is ready only while it leads ({@code
 * /readyz}, so that the Service sends forwarders to the leader), and a standby cannot lead while
 * the old pod holds the Lease, so the default (no replica unavailable) would wait for the new pod
 * forever and an upgrade would never finish. The new pod starts while the old one stops; the
 * forwarders keep forwarding on their last snapshot meanwhile.
 */
public final class OperatorDeployment {

  public static final Map<String, String> LABELS = Map.of("app.kubernetes.io/name", Project.NAME);
  public static final int GRPC_PORT = 9100;
  public static final int METRICS_PORT = 9102;

  /** The control channel's TLS material (tls.crt, tls.key, ca.crt), in the operator's namespace. */
  public static final String TLS_SECRET = Project.NAME + "-tls";

  private OperatorDeployment() {}

  public static DeploymentSpec spec(Project project) {
    return new DeploymentSpecBuilder()
        .withReplicas(1)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxSurge(new IntOrString(1))
        .withMaxUnavailable(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewSelector()
        .withMatchLabels(LABELS)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(LABELS)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(Project.NAME)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("operator")
        .withImage(project.operatorImage())
        .withImagePullPolicy("IfNotPresent")
        // The namespace OLM (or the user) installed into: where the Lease and the Secret are.
        .addNewEnv()
        .withName("POD_NAMESPACE")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.namespace")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        // Whether Services of type LoadBalancer without a loadBalancerClass are Gatun's: off, as
        // a cluster may run another load balancer; OLM users turn it on in the Subscription's
        // spec.config.env (which replaces this value), others edit it here.
        .addNewEnv()
        .withName("GATUN_DEFAULT_CLASS")
        .withValue("false")
        .endEnv()
        .withArgs(
            "--grpc-address",
            "0.0.0.0:" + GRPC_PORT,
            "--metrics-address",
            "0.0.0.0:" + METRICS_PORT,
            "--tls-secret",
            "$(POD_NAMESPACE)/" + TLS_SECRET,
            "--leader-election",
            // Named here, not left to the operator's built-in default, so that the CSV says
            // which forwarder and FRR images it runs (its relatedImages list them too) and an
            // upgrade to a new CSV rolls the forwarders' DaemonSets onto the new release's images.
            "--forwarder-image",
            project.forwarderImage(),
            "--frr-image",
            project.frrImage())
        .addNewPort()
        .withName("grpc")
        .withContainerPort(GRPC_PORT)
        .endPort()
        .addNewPort()
        .withName("metrics")
        .withContainerPort(METRICS_PORT)
        .endPort()
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withPath("/readyz")
        .withPort(new IntOrString("metrics"))
        .endHttpGet()
        .withPeriodSeconds(2)
        .endReadinessProbe()
        .withNewLivenessProbe()
        .withNewHttpGet()
        .withPath("/healthz")
        .withPort(new IntOrString("metrics"))
        .endHttpGet()
        .withInitialDelaySeconds(60)
        .withPeriodSeconds(10)
        .endLivenessProbe()
        .withNewResources()
        .withRequests(
            new TreeMap<>(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("256Mi"))))
        .withLimits(Map.of("memory", new Quantity("512Mi")))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop(List.of("ALL"))
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("tmp")
        .withMountPath("/tmp")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("tmp")
        .withNewEmptyDir()
        .withMedium("Memory")
        .withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .build();
  }

  /** The Deployment the plain manifests carry (OLM makes its own from the CSV's spec). */
  public static Deployment deployment(Project project, String namespace) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(Project.NAME)
        .withNamespace(namespace)
        .withLabels(LABELS)
        .endMetadata()
        .withSpec(spec(project))
        .build();
  }

  /** Where forwarders dial the control channel, and Prometheus scrapes the metrics. */
  public static Service service(String namespace) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(Project.NAME)
        .withNamespace(namespace)
        .withLabels(LABELS)
        .endMetadata()
        .withNewSpec()
        .withSelector(LABELS)
        .addNewPort()
        .withName("grpc")
        .withPort(GRPC_PORT)
        .withTargetPort(new IntOrString("grpc"))
        .endPort()
        .addNewPort()
        .withName("metrics")
        .withPort(METRICS_PORT)
        .withTargetPort(new IntOrString("metrics"))
        .endPort()
        .endSpec()
        .build();
  }
}
