package io.gatun.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.HealthCheck;
import io.gatun.control.v1.Protocol;
import io.gatun.e2e.rig.Rig;
import io.gatun.e2e.rig.TestNetwork;
import io.gatun.e2e.rig.Traffic;
import io.gatun.forwarder.testing.FakeOperator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gatun beside iptables DNAT (a benchmark, run by bench/iptables.sh, not by {@code make test}): the
 * same client and backends, first through a forwarder process on af_packet (full NAT, Maglev),
 * then, with the forwarder stopped so that its busy-polling core is free, through a namespace
 * holding the rules kube-proxy's iptables mode writes for a LoadBalancer VIP
 * (bench/kube-proxy-node.sh). bench/iptables-load.sh measures each into {@code
 * gatun.bench.raw}/gatun.json and iptables.json; bench/iptables.sh turns them into figures.
 */
class IptablesBench {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();

  /** Not the forwarder's VIP: the forwarder answers ARP for its own until it stops. */
  private static final String IPTABLES_VIP = "198.18.0.201";

  private static Rig<FakeOperator> rig;

  @BeforeAll
  static void up() {
    rig = Rig.scripted(ROOT, "bench-ipt");
  }

  @AfterAll
  static void down() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void gatunBesideIptables() throws Exception {
    String seconds = System.getProperty("gatun.bench.seconds", "20");
    Path raw = raw();
    Files.createDirectories(raw);
    TestNetwork network = rig.network;
    // Probes every 5 s (the HealthProbe default): the load, not the probes, is what is measured.
    HealthCheck.Builder check = HealthFailoverE2E.check(HealthCheck.Type.TCP, 5000, 3);
    rig.operator.apply(
        HealthFailoverE2E.snapshot(
            HealthFailoverE2E.service("http", Protocol.TCP, 80, 8080, check)));
    Traffic warm = network.traffic(HealthFailoverE2E.VIP, List.of("--no-udp", "--requests", "30"));
    assertThat(warm.failed()).as("warm-up (forwarder log:\n%s)", rig.forwarder.logTail()).isZero();

    run(load(network, HealthFailoverE2E.VIP, seconds, raw.resolve("gatun.json")));
    rig.forwarder.close();

    List<String> node =
        new ArrayList<>(
            List.of(
                ROOT.resolve("bench/kube-proxy-node.sh").toString(),
                "up",
                network.id,
                IPTABLES_VIP,
                "80"));
    for (int n = 1; n <= 3; n++) {
      node.add(TestNetwork.backend(n) + ":8080");
    }
    try {
      run(node);
      run(load(network, IPTABLES_VIP, seconds, raw.resolve("iptables.json")));
    } finally {
      run(List.of(ROOT.resolve("bench/kube-proxy-node.sh").toString(), "down", network.id));
    }
  }

  private static List<String> load(TestNetwork network, String vip, String seconds, Path out) {
    return List.of(
        ROOT.resolve("bench/iptables-load.sh").toString(),
        network.id,
        vip,
        "80",
        seconds,
        out.toAbsolutePath().toString());
  }

  /**
   * Runs a command, its output appended to {@code gatun.bench.raw}/commands.log (not inherited: a
   * forked test JVM's stdout is failsafe's channel); it must succeed within a generous bound.
   */
  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Path log = raw().resolve("commands.log");
    Files.writeString(
        log,
        "$ " + String.join(" ", cmd) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("still running after 15 minutes: " + cmd);
    }
    assertThat(p.exitValue()).as("exit status of %s (output in %s)", cmd, log).isZero();
  }

  private static Path raw() {
    return Path.of(System.getProperty("gatun.bench.raw", "target/iptables-bench"));
  }
}
