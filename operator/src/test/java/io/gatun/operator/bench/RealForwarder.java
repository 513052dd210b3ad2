package io.gatun.operator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The forwarder as it runs in a pod — the agent jar in its own JVM on the DPDK data plane — with a
 * port that carries no traffic: {@code net_null} with {@code no-rx}, no hugepages (this machine has
 * none), one worker lcore that sleeps when idle (two shared cores), in memory only. What the
 * control plane costs it is the same as on a wired port: snapshots, delta assembly, commits.
 */
final class RealForwarder implements AutoCloseable {
  /**
   * EAL: main lcore and one worker (on CPUs 0 and 1, or both on CPU 1 when the run is pinned:
   * {@link Pinning#forwarderLcores}), memory from the heap (--no-huge), no shared files
   * (--no-shconf).
   */
  static final String EAL =
      Pinning.forwarderLcores()
          + " --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --log-level *:warning";

  private static final Pattern RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
  private static final Pattern HWM = Pattern.compile("(?m)^VmHWM:\\s+(\\d+) kB");

  private final Process process;
  private final int metricsPort;
  private final Path log;

  private RealForwarder(Process process, int metricsPort, Path log) {
    this.process = process;
    this.metricsPort = metricsPort;
    this.log = log;
  }

  /**
   * Starts {@code jar} with the data-plane library {@code nativeLib}, dialling the operator (or a
   * tap in front of it) at {@code operatorPort} in plaintext.
   */
  static RealForwarder start(Path jar, Path nativeLib, int operatorPort) throws IOException {
    int metricsPort = freePort();
    Path log = Files.createTempFile("gatun-bench-forwarder", ".log");
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow"));
    // e.g. GATUN_FORWARDER_JAVA_OPTS=-XX:StartFlightRecording=filename=fwd.jfr to profile it
    String extra = System.getenv().getOrDefault("GATUN_FORWARDER_JAVA_OPTS", "");
    if (!extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--name",
            "bench-fwd",
            "--node",
            "bench-node",
            "--operator",
            "127.0.0.1:" + operatorPort,
            "--plaintext",
            "--eal",
            EAL,
            "--port",
            "net_null0,no-rx=1@198.18.0.2/24@198.18.0.1",
            "--metrics-address",
            "127.0.0.1:" + metricsPort,
            // the worker wakes every 200 us when idle: a commit waits for its next loop turn
            "--idle-sleep-us",
            "200"));
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("GATUN_NATIVE_LIB", nativeLib.toString());
    Process process = builder.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return new RealForwarder(process, metricsPort, log);
  }

  /** Its Prometheus metrics, as scraped. */
  String scrape() {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      throw new UncheckedIOException("the forwarder's metrics (log: " + log + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of an unlabelled sample {@code name} in {@code metrics}; 0 when absent. */
  static double sample(String metrics, String name) {
    var m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** Resident memory now and at its peak, kB: the JVM and the data plane together. */
  long[] residentKiB() throws IOException {
    String status = Files.readString(Path.of("/proc", Long.toString(process.pid()), "status"));
    var rss = RSS.matcher(status);
    var hwm = HWM.matcher(status);
    if (!rss.find() || !hwm.find()) {
      throw new IllegalStateException("no VmRSS/VmHWM in /proc/" + process.pid() + "/status");
    }
    return new long[] {Long.parseLong(rss.group(1)), Long.parseLong(hwm.group(1))};
  }

  /** Its JVM's heap after a full GC: how much of the RSS is the agent's Java heap. */
  JvmHeap heap() throws IOException, InterruptedException {
    return JvmHeap.afterGc(process.pid());
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The last lines of its output, for a failed run's report. */
  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    Files.deleteIfExists(log);
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
