package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.gatun.e2e.rig.HostState;
import io.gatun.e2e.rig.KubeNode;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Gatun installed on a real Kubernetes node from its own images: the CRDs and the operator's RBAC
 * applied, the operator image as a Deployment (non-root, read-only root file system) under its
 * ServiceAccount, a forwarder pod from the forwarder image (not privileged: IPC_LOCK, NET_ADMIN,
 * NET_RAW only; hugepages from an emptyDir) dialling the operator through its Service with mutual
 * TLS, then a Pool and a LoadBalancer with static backends in network namespaces and real traffic
 * through the VIP. Taking the node down must leave the host as it was.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class NodeInstallE2E {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();
  private static final String NS = "gatun-system";
  private static final ResourceDefinitionContext FORWARDERS = crd("Forwarder", "forwarders", false);
  private static final ResourceDefinitionContext LOAD_BALANCERS =
      crd("LoadBalancer", "loadbalancers", true);

  /** Capabilities the forwarder's process may use: IPC_LOCK (14), NET_ADMIN (12), NET_RAW (13). */
  private static final long FORWARDER_CAPABILITIES = (1L << 14) | (1L << 12) | (1L << 13);

  private static HostState before;
  private static KubeNode node;
  private static TestNetwork network;
  private static String version;
  private static Path pki;
  private static int forwarderMetricsPort;

  @BeforeAll
  static void upTheNode() throws Exception {
    // The host before the node: compared with the host after `node.sh down` in tearDown (no
    // node directory exists yet: no mounts or processes of one).
    before = HostState.capture(Path.of("/nonexistent"));
    List<Path> images = KubeNode.buildImages(ROOT);
    version = imageVersion(images);
    node = KubeNode.up(ROOT, images);
    network = TestNetwork.up(ROOT, 3);
    pki = Files.createTempDirectory("gatun-node-pki");
    makePki(pki);
  }

  @AfterAll
  static void tearDown() throws Exception {
    Path dir = node == null ? null : node.dir;
    try {
      if (network != null) {
        network.close();
      }
    } finally {
      if (node != null) {
        node.close(); // node.sh down: fails itself when it cannot restore the host
      }
    }
    if (dir != null) {
      HostState after = HostState.capture(dir);
      assertThat(after)
          .as("the host after node.sh down, compared with before node.sh up")
          .isEqualTo(
              new HostState(
                  before.sysctls(),
                  before.iptablesChains(),
                  before.cniNetworkNamespaces(),
                  before.podBridge(),
                  before.kubeletCgroups(),
                  List.of(),
                  List.of()));
    }
  }

  @Test
  @Order(1)
  void theOperatorImageRunsAsANonRootDeploymentAndBecomesReady() throws Exception {
    for (Path crd : list(ROOT.resolve("crds"))) {
      try (var in = new FileInputStream(crd.toFile())) {
        // create, not apply: the 1.20 server fails server-side apply of x-kubernetes-validations
        node.create(in);
      }
    }
    KubeNode.await(
        "every Gatun CRD served",
        Duration.ofSeconds(60),
        () ->
            Stream.of("Pool", "LoadBalancer", "HealthProbe", "Forwarder")
                .allMatch(kind -> node.client.supports("lb.gatun.io/v1alpha1", kind)));
    node.client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    try (var in = new FileInputStream(ROOT.resolve("deploy/rbac.yaml").toFile())) {
      node.create(in);
    }
    secret("gatun-operator-tls", "operator");
    secret("gatun-forwarder-tls", "forwarder");
    node.awaitServiceAccount(NS);
    node.create(
        resource("operator.yaml").replace("${OPERATOR_IMAGE}", "gatun/operator:" + version));

    try {
      KubeNode.await(
          "the operator Deployment available",
          Duration.ofMinutes(5),
          () -> {
            Deployment d =
                node.client.apps().deployments().inNamespace(NS).withName("gatun-operator").get();
            return d.getStatus() != null
                && Integer.valueOf(1).equals(d.getStatus().getAvailableReplicas());
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; pods: " + podsReport(), e);
    }

    Pod pod = onlyPod("app.kubernetes.io/name", "gatun-operator");
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("gatun-operator");
    var security = pod.getSpec().getContainers().getFirst().getSecurityContext();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getRunAsUser()).as("the user is the image's own").isNull();
    // The process itself, as the host sees it: the image's user 65532, no capabilities.
    long pid = hostPid("/opt/gatun/gatun-operator.jar");
    assertThat(status(pid, "Uid")).startsWith("65532\t65532");
    assertThat(Long.parseLong(status(pid, "CapEff"), 16)).isZero();
  }

  @Test
  @Order(2)
  void aForwarderPodFromTheForwarderImageDialsTheOperatorServiceAndIsListed() throws Exception {
    String name = "fwd-" + network.id;
    try (ServerSocket s = new ServerSocket(0)) {
      forwarderMetricsPort = s.getLocalPort();
    }
    node.create(
        resource("forwarder-pod.yaml")
            .replace("${NAME}", name)
            .replace("${IMAGE}", "gatun/forwarder:" + version)
            .replace(
                "${PORT}",
                "net_af_packet0,iface="
                    + network.forwarderInterface()
                    + "@"
                    + TestNetwork.FORWARDER_ADDRESS)
            .replace("${METRICS_PORT}", Integer.toString(forwarderMetricsPort)));

    try {
      KubeNode.await(
          "forwarder " + name + " connected to the operator",
          Duration.ofMinutes(5),
          () -> {
            GenericKubernetesResource f =
                node.client.genericKubernetesResources(FORWARDERS).withName(name).get();
            return f != null && conditionTrue(f, "Connected");
          });
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; pods: " + podsReport() + "\nforwarder log:\n" + node.podLog(NS, name),
          e);
    }
    GenericKubernetesResource forwarder =
        node.client.genericKubernetesResources(FORWARDERS).withName(name).get();
    assertThat(status(forwarder).get("node")).isEqualTo("gatun-node");

    Pod pod = node.client.pods().inNamespace(NS).withName(name).get();
    var security = pod.getSpec().getContainers().getFirst().getSecurityContext();
    assertThat(security.getPrivileged()).isFalse();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    long pid = hostPid("/opt/gatun/gatun-forwarder.jar");
    assertThat(Long.parseLong(status(pid, "CapEff"), 16))
        .as("the forwarder's effective capabilities")
        .isEqualTo(FORWARDER_CAPABILITIES);
    // DPDK's memory comes from the pod's hugepages emptyDir (a hugetlbfs), not from --no-huge.
    assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "maps")))
        .contains("/dev/hugepages/");
  }

  @Test
  @Order(3)
  void aLoadBalancerWithStaticBackendsAnswersFromEveryBackendThroughTheVip() throws Exception {
    for (String sample : List.of("pool.yaml", "loadbalancer-static.yaml")) {
      try (var in = new FileInputStream(ROOT.resolve("samples").resolve(sample).toFile())) {
        node.create(in);
      }
    }
    String vip = awaitReady("default", "web");
    // Programmed is not yet forwarding to a backend whose MAC address the data plane has still
    // to resolve: its first packets are dropped (neighbor_unresolved) until the answer comes.
    KubeNode.await(
        "an answer from every backend through " + vip,
        Duration.ofSeconds(60),
        () -> network.traffic(vip, 6).udp().size() == 3);

    Traffic t = network.traffic(vip, 30);

    assertThat(t.failed())
        .as(
            "failed requests (%s); forwarder drops:\n%s\nforwarder log:\n%s",
            t, drops(), node.podLog(NS, "fwd-" + network.id))
        .isZero();
    assertThat(t.tcp()).containsOnlyKeys("backend-1", "backend-2", "backend-3");
    assertThat(t.udp()).containsOnlyKeys("backend-1", "backend-2", "backend-3");
    // Nothing came back to the forwarder in a loop (the host routing what it receives).
    assertThat(drops()).doesNotContain("ttl_exceeded");
  }

  // --- helpers --------------------------------------------------------------------------------

  /** The forwarder's non-zero drop counters (its metrics endpoint is on the host's loopback). */
  private static String drops() {
    try (var http = HttpClient.newHttpClient()) {
      URI uri = URI.create("http://127.0.0.1:" + forwarderMetricsPort + "/metrics");
      String metrics =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      return String.join(
          "\n",
          metrics
              .lines()
              .filter(l -> l.startsWith("gatun_drop") && !l.endsWith(" 0.0") && !l.endsWith(" 0"))
              .toList());
    } catch (IOException e) {
      return "(no metrics: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }

  private static ResourceDefinitionContext crd(String kind, String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("lb.gatun.io")
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }

  /** gatun-operator-0.1.0-SNAPSHOT.oci.tar -> 0.1.0-SNAPSHOT */
  private static String imageVersion(List<Path> images) {
    String operator =
        images.stream()
            .map(p -> p.getFileName().toString())
            .filter(n -> n.startsWith("gatun-operator-"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no operator image in " + images));
    return operator.substring("gatun-operator-".length(), operator.length() - ".oci.tar".length());
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  private static String resource(String name) throws IOException {
    try (var in = NodeInstallE2E.class.getResourceAsStream("/node/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no test resource node/" + name);
      }
      return new String(in.readAllBytes());
    }
  }

  /**
   * A CA, the operator's server certificate (for the Service's name, which the forwarder checks),
   * and a forwarder client certificate, made with openssl; keys in PKCS#8.
   */
  private static void makePki(Path dir) throws Exception {
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=gatun-node-test-ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    leaf(
        dir,
        "operator",
        "/CN=gatun-operator",
        "subjectAltName=DNS:gatun-operator.gatun-system.svc\nextendedKeyUsage=serverAuth");
    leaf(dir, "forwarder", "/CN=gatun-forwarder", "extendedKeyUsage=clientAuth");
  }

  private static void leaf(Path dir, String name, String subject, String extensions)
      throws Exception {
    Files.writeString(dir.resolve(name + ".ext"), extensions + "\n");
    openssl(
        dir,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        subject,
        "-keyout",
        name + ".key",
        "-out",
        name + ".csr");
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        name + ".csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        name + ".ext",
        "-out",
        name + ".crt");
  }

  private static void openssl(Path dir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " failed");
    }
  }

  /** A Secret with tls.crt, tls.key (of {@code name}) and ca.crt, as cert-manager writes them. */
  private static void secret(String secretName, String name) throws IOException {
    Base64.Encoder b64 = Base64.getEncoder();
    node.client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(secretName)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .withData(
                    Map.of(
                        "tls.crt",
                            b64.encodeToString(Files.readAllBytes(pki.resolve(name + ".crt"))),
                        "tls.key",
                            b64.encodeToString(Files.readAllBytes(pki.resolve(name + ".key"))),
                        "ca.crt", b64.encodeToString(Files.readAllBytes(pki.resolve("ca.crt")))))
                .build())
        .create();
  }

  private static Pod onlyPod(String label, String value) {
    List<Pod> pods = node.client.pods().inNamespace(NS).withLabel(label, value).list().getItems();
    assertThat(pods).hasSize(1);
    return pods.getFirst();
  }

  /** Every pod in gatun-system with its phase and container states, for failure messages. */
  private static String podsReport() {
    StringBuilder s = new StringBuilder();
    for (Pod p : node.client.pods().inNamespace(NS).list().getItems()) {
      s.append("\n  ").append(p.getMetadata().getName()).append(' ');
      s.append(p.getStatus().getPhase()).append(' ').append(p.getStatus().getConditions());
      s.append(' ').append(p.getStatus().getContainerStatuses());
      s.append("\n  log: ").append(node.podLog(NS, p.getMetadata().getName()));
    }
    var events = node.client.v1().events().inNamespace(NS).list().getItems();
    for (var e : events) {
      s.append("\n  event: ").append(e.getInvolvedObject().getName()).append(": ");
      s.append(e.getReason()).append(' ').append(e.getMessage());
    }
    return s + "\nkubelet log:\n" + node.componentLog("kubelet");
  }

  /** The host PID of the one java process running {@code jar} (a container's, seen from here). */
  private static long hostPid(String jar) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmdline.startsWith("/opt/java/bin/java ") && cmdline.contains(jar)) {
            found.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    assertThat(found).as("processes running " + jar).hasSize(1);
    return found.getFirst();
  }

  /** A field of /proc/PID/status (e.g. Uid, CapEff). */
  private static String status(long pid, String field) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith(field + ":"))
        .map(l -> l.substring(field.length() + 1).trim())
        .findFirst()
        .orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(GenericKubernetesResource r) {
    Object status = r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static boolean conditionTrue(GenericKubernetesResource r, String type) {
    if (!(status(r).get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream()
        .map(c -> (Map<?, ?>) c)
        .anyMatch(c -> type.equals(c.get("type")) && "True".equals(c.get("status")));
  }

  /** Until the LoadBalancer is Ready for its current generation; returns its first address. */
  @SuppressWarnings("unchecked")
  private static String awaitReady(String namespace, String name) {
    var lb =
        node.client
            .genericKubernetesResources(LOAD_BALANCERS)
            .inNamespace(namespace)
            .withName(name);
    try {
      KubeNode.await(
          "LoadBalancer " + namespace + "/" + name + " Ready",
          Duration.ofMinutes(2),
          () -> {
            GenericKubernetesResource r = lb.get();
            if (!(status(r).get("conditions") instanceof List<?> conditions)) {
              return false;
            }
            return conditions.stream()
                .map(c -> (Map<String, Object>) c)
                .anyMatch(
                    c ->
                        "Ready".equals(c.get("type"))
                            && "True".equals(c.get("status"))
                            && c.get("observedGeneration") instanceof Number g
                            && g.longValue() == r.getMetadata().getGeneration());
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; status: " + status(lb.get()), e);
    }
    return ((List<String>) status(lb.get()).get("addresses")).getFirst();
  }
}
