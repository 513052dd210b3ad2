package io.gatun.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder agent as its own process, as in a pod: DPDK's EAL starts once per process and pins
 * threads, so it never shares the test JVM.
 */
final class ForwarderProcess implements AutoCloseable {
  private final Process process;
  final Path log;

  private ForwarderProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ForwarderProcess start(Path root, String name, String operator, String iface)
      throws IOException {
    Path log = root.resolve("e2e/target/forwarder-" + name + ".log");
    Files.createDirectories(log.getParent());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-jar",
                root.resolve("forwarder/target/gatun-forwarder.jar").toString(),
                "--name",
                name,
                "--operator",
                operator,
                "--plaintext",
                "--eal",
                "-l 0-1 --no-huge -m 1024 --no-pci --no-shconf --no-telemetry --file-prefix "
                    + name
                    + " --log-level *:warning",
                "--port",
                "net_af_packet0,iface=" + iface + "@" + TestNetwork.FORWARDER_ADDRESS)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment()
        .put("GATUN_NATIVE_LIB", root.resolve("forwarder-native/build/libgatunfwd.so").toString());
    return new ForwarderProcess(pb.start(), log);
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
