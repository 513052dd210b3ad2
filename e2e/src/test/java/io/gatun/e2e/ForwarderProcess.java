package io.gatun.e2e;

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

/**
 * The forwarder agent as its own process, as in a pod: DPDK's EAL starts once per process and pins
 * threads, so it never shares the test JVM.
 */
final class ForwarderProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  /** Where its /metrics, /healthz and /readyz are (loopback). */
  final int metricsPort;

  private ForwarderProcess(Process process, Path log, int metricsPort) {
    this.process = process;
    this.log = log;
    this.metricsPort = metricsPort;
  }

  /** A forwarder on a plaintext control channel. */
  static ForwarderProcess start(Path root, String name, String operator, String iface)
      throws IOException {
    return start(root, name, operator, iface, List.of("--plaintext"));
  }

  /**
   * @param channelArgs how to reach the operator: {@code --plaintext} or the {@code --tls-*} flags
   */
  static ForwarderProcess start(
      Path root, String name, String operator, String iface, List<String> channelArgs)
      throws IOException {
    Path log = root.resolve("e2e/target/forwarder-" + name + ".log");
    Files.createDirectories(log.getParent());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int metricsPort = freePort();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-jar",
                root.resolve("forwarder/target/gatun-forwarder.jar").toString(),
                "--name",
                name,
                "--operator",
                operator,
                "--eal",
                "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --file-prefix "
                    + name
                    + " --log-level *:warning",
                "--port",
                "net_af_packet0,iface=" + iface + "@" + TestNetwork.FORWARDER_ADDRESS,
                "--metrics-address",
                "127.0.0.1:" + metricsPort));
    cmd.addAll(channelArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment()
        .put("GATUN_NATIVE_LIB", root.resolve("forwarder-native/build/libgatunfwd.so").toString());
    Process process = pb.start();
    // Also when the test JVM exits without running @AfterAll (a System.exit somewhere): a
    // forwarder left behind busy-polls a core.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return new ForwarderProcess(process, log, metricsPort);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** GETs a path of its status server: the status code and body. */
  HttpResponse<String> get(String path) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
