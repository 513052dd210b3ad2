package io.gatun.e2e.rig;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A real single-node Kubernetes on this machine (tools/node.sh: kubelet, containerd, kube-proxy and
 * the control plane, built from Debian's source), with Gatun's images imported, for one test class.
 * {@link #close} takes it down and fails when anything of it is left on the host.
 */
public final class KubeNode implements AutoCloseable {
  private final Path root;
  public final Path dir;

  /** The admin's client (set once the node is up). */
  public KubernetesClient client;

  private boolean down;

  private KubeNode(Path root, Path dir) {
    this.root = root;
    this.dir = dir;
  }

  /**
   * Builds the images from the jars and native library in {@code root} (tools/build-images.sh), and
   * the echo backend's for pods behind a Service (tools/build-echo-image.sh), into {@code
   * root/e2e/target/images}; returns the archives.
   */
  public static List<Path> buildImages(Path root) {
    Path out = root.resolve("e2e/target/images");
    run(
        root,
        Duration.ofMinutes(15),
        root.resolve("tools/build-images.sh").toString(),
        out.toString());
    run(
        root,
        Duration.ofMinutes(2),
        root.resolve("tools/build-echo-image.sh").toString(),
        out.toString());
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.toString().endsWith(".oci.tar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where tools/node.sh records the node that holds this host (one node per host). */
  private static final Path HOST_STATE = Path.of("/run/gatun-node");

  /**
   * Until no other live node holds this host (node.sh waits for it too, but a test that records the
   * host's state before its node must not record another run's node instead).
   */
  public static void awaitFreeHost(Duration within) {
    await("no other node on this host (" + HOST_STATE + "/owner)", within, KubeNode::hostIsFree);
  }

  private static boolean hostIsFree() {
    if (!Files.exists(HOST_STATE.resolve("owner"))) {
      return true;
    }
    try (Stream<Path> pids = Files.list(HOST_STATE.resolve("pids"))) {
      return pids.noneMatch(KubeNode::alive); // a crashed run's node: node.sh up removes it
    } catch (IOException e) {
      return true; // no pids recorded: nothing running
    }
  }

  private static boolean alive(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  /** Brings a node up in a new directory, with these image archives imported. */
  public static KubeNode up(Path root, List<Path> images) throws IOException {
    Path dir = Files.createTempDirectory("gatun-node-");
    KubeNode node = new KubeNode(root, dir);
    // Taken down also when the test JVM exits without running @AfterAll.
    Runtime.getRuntime().addShutdownHook(new Thread(node::downQuietly));
    List<String> cmd = new ArrayList<>(List.of(node.script(), "up", dir.toString()));
    images.forEach(i -> cmd.add(i.toString()));
    try {
      run(root, Duration.ofMinutes(30), cmd.toArray(String[]::new));
    } catch (RuntimeException e) {
      node.saveLogs();
      throw e;
    }
    node.client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(dir.resolve("kubeconfig"))))
            .build();
    return node;
  }

  /**
   * Gives an image in the node's containerd another name (tools/node.sh tag): a "new release" of
   * the same bytes, which the kubelet treats as another image.
   */
  public void tag(String image, String newName) {
    run(root, Duration.ofMinutes(1), script(), "tag", dir.toString(), image, newName);
  }

  /** Creates every object in this YAML (several documents allowed). */
  public List<HasMetadata> create(String yaml) {
    return create(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  public List<HasMetadata> create(InputStream yaml) {
    return client.load(yaml).create();
  }

  /**
   * Until the namespace's default ServiceAccount exists: the ServiceAccount admission rejects pods
   * before the controller-manager has made it.
   */
  public void awaitServiceAccount(String namespace) {
    await(
        "the default ServiceAccount in " + namespace,
        Duration.ofSeconds(60),
        () ->
            client.serviceAccounts().inNamespace(namespace).withName("default").get() != null
                && !client.secrets().inNamespace(namespace).list().getItems().stream()
                    .filter(s -> "kubernetes.io/service-account-token".equals(s.getType()))
                    .toList()
                    .isEmpty());
  }

  /** A pod's log (the last lines), for failure messages. */
  public String podLog(String namespace, String name) {
    try {
      var pod = client.pods().inNamespace(namespace).withName(name);
      var containers = pod.get().getSpec().getContainers();
      if (containers.size() == 1) {
        return pod.tailingLines(40).getLog();
      }
      // A pod of several containers (the forwarder and its FRR): each one's, named.
      StringBuilder all = new StringBuilder();
      for (var c : containers) {
        all.append("\n[").append(c.getName()).append("]\n");
        all.append(pod.inContainer(c.getName()).tailingLines(40).getLog());
      }
      return all.toString();
    } catch (RuntimeException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The node's own component logs (kubelet, containerd, ...), last lines, for failure messages. */
  public String componentLog(String component) {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("logs").resolve(component + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public static void await(String what, Duration within, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " not within " + within.toSeconds() + " s");
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** tools/node.sh down: stops everything and restores the host; fails naming whatever is left. */
  @Override
  public synchronized void close() {
    if (down) {
      return;
    }
    down = true;
    if (client != null) {
      client.close();
    }
    saveLogs();
    run(root, Duration.ofMinutes(5), script(), "down", dir.toString());
    deleteTree(dir);
  }

  private void downQuietly() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("node.sh down failed: " + e.getMessage());
    }
  }

  /** The component logs outlive the node: e2e/target/node-logs/. */
  private void saveLogs() {
    Path logs = dir.resolve("logs");
    Path keep = root.resolve("e2e/target/node-logs");
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (Stream<Path> files = Files.list(logs)) {
      Files.createDirectories(keep);
      for (Path f : files.toList()) {
        Files.copy(f, keep.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      System.err.println("could not keep the node's logs: " + e.getMessage());
    }
  }

  private String script() {
    return root.resolve("tools/node.sh").toString();
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }

  /**
   * Runs a command to its end, its output appended to e2e/target/node.log (the forked test JVM's
   * own output is Surefire's channel); fails with the output's last lines on a non-zero exit.
   */
  public static void run(Path root, Duration within, String... cmd) {
    Path log = root.resolve("e2e/target/node.log");
    try {
      Files.createDirectories(log.getParent());
      long from = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
      Process p = pb.start();
      if (!p.waitFor(within.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " did not end within " + within);
      }
      if (p.exitValue() != 0) {
        List<String> lines;
        try (var in = Files.newInputStream(log)) {
          in.skipNBytes(from);
          lines = new String(in.readAllBytes()).lines().toList();
        }
        throw new IllegalStateException(
            String.join(" ", cmd)
                + " failed (exit "
                + p.exitValue()
                + "):\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
