package io.gatun.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gatun.e2e.rig.BgpNetwork;
import io.gatun.forwarder.testing.Await;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.TestForwarder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The withdrawal benchmark (make bench, bench/bgp.sh): on BgpE2E's network, forwarder 1 killed with
 * SIGKILL, time until the router's kernel no longer routes the VIP through it (the ECMP route down
 * to forwarder 2 alone), then restarted and advertising again, {@code gatun.bench.kills} times;
 * once with BFD at 100 ms x 3 and once without BFD (hold time {@link BgpE2E#HOLD} s, keepalive
 * {@link BgpE2E#KEEPALIVE} s: FRR's datacenter defaults; its traditional 180 s hold would make the
 * run an hour long for a figure that is the hold time). Median and max per setting to {@code
 * gatun.bench.out} as [{name, value, unit, baseline, ratio}].
 */
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.MINUTES)
class BgpWithdrawalBench {
  private static final Path ROOT =
      Path.of(System.getProperty("gatun.root", "..")).toAbsolutePath().normalize();

  @Test
  void routeWithdrawnAfterAForwarderIsKilled() throws Exception {
    int kills = Integer.getInteger("gatun.bench.kills", 20);
    List<Map<String, Object>> figures = new ArrayList<>();
    for (boolean bfd : new boolean[] {true, false}) {
      List<Long> withdrawn = new ArrayList<>();
      List<Long> returned = new ArrayList<>();
      measure(bfd, kills, withdrawn, returned);
      String setting = bfd ? "bfd_100ms_x3" : "hold_" + BgpE2E.HOLD + "s";
      System.out.printf(
          "BgpWithdrawalBench %s: withdrawn after %s ms (median %.0f, max %d); back after restart"
              + " %s ms%n",
          setting, withdrawn, median(withdrawn), max(withdrawn), returned);
      figures.add(figure("bgp_withdrawal_" + setting + "_median", median(withdrawn)));
      figures.add(figure("bgp_withdrawal_" + setting + "_max", max(withdrawn)));
      if (!returned.isEmpty()) {
        figures.add(figure("bgp_readvertised_" + setting + "_median", median(returned)));
        figures.add(figure("bgp_readvertised_" + setting + "_max", max(returned)));
      }
    }
    Path out = Path.of(System.getProperty("gatun.bench.out", "target/bgp.json"));
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), figures);
  }

  static double median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.size() % 2 == 1
        ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2.0;
  }

  static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElseThrow();
  }

  /**
   * Kills forwarder 1 {@code kills} times: into {@code withdrawn} the time from the kill to the
   * router routing the VIP through forwarder 2 alone, into {@code returned} the time from the
   * restart (a new JVM, data plane and FRR) to the router routing it through both again.
   */
  private static void measure(boolean bfd, int kills, List<Long> withdrawn, List<Long> returned)
      throws Exception {
    List<FakeOperator> operators = new ArrayList<>();
    List<TestForwarder> forwarders = new ArrayList<>();
    long version = 1;
    try (BgpNetwork network = BgpNetwork.up(ROOT, 2)) {
      network.configureRouter(BgpE2E.routerConfig(2, bfd));
      for (int n = 1; n <= 2; n++) {
        FakeOperator operator = new FakeOperator(BgpNetwork.operatorHost(n));
        operators.add(operator);
        forwarders.add(network.startForwarder(n, operator.target()));
      }
      for (FakeOperator o : operators) {
        BgpE2E.awaitDial(o);
        o.apply(BgpE2E.snapshot(version, BgpE2E.bgp(bfd)));
      }
      List<String> both = List.of(BgpNetwork.address(1), BgpNetwork.address(2));
      List<String> survivor = List.of(BgpNetwork.address(2));
      long restarted = 0;
      for (int k = 0; k < kills; k++) {
        Await.until(
            () -> network.routerNextHops(BgpE2E.VIP).equals(both),
            Duration.ofSeconds(180),
            () -> "not advertised by both: " + network.routerNextHops(BgpE2E.VIP));
        if (k > 0) {
          returned.add((System.nanoTime() - restarted) / 1_000_000);
        }
        if (bfd) {
          // The kill is timed against BFD at 100 ms x 3: its session must be up, and long enough
          // to have left the slow start rate (1 s x 3) for the agreed one.
          Await.until(
              () -> network.bfdUpFor(BgpNetwork.address(1), Duration.ofSeconds(5)),
              Duration.ofSeconds(60),
              () -> "BFD with forwarder 1 not up: " + network.vtysh("show bfd peers brief"));
        }
        long killed = System.nanoTime();
        forwarders.get(0).kill();
        Await.until(
            () -> network.routerNextHops(BgpE2E.VIP).equals(survivor),
            Duration.ofSeconds(60),
            () -> "not withdrawn: " + network.routerNextHops(BgpE2E.VIP));
        withdrawn.add((System.nanoTime() - killed) / 1_000_000);
        restarted = System.nanoTime();
        forwarders.set(0, network.startForwarder(1, operators.get(0).target()));
        BgpE2E.awaitDial(operators.get(0));
        BgpE2E.applyOnceGreeted(operators.get(0), BgpE2E.snapshot(++version, BgpE2E.bgp(bfd)));
      }
    } finally {
      for (TestForwarder f : forwarders) {
        f.close();
      }
      operators.forEach(FakeOperator::close);
    }
  }

  private static Map<String, Object> figure(String name, double value) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", name);
    f.put("value", value);
    f.put("unit", "ms");
    f.put("baseline", null);
    f.put("ratio", null);
    return f;
  }
}
