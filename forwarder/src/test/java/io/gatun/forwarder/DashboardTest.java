package io.gatun.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.forwarder.testing.DeclaredCounters;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.ScriptedProbe;
import io.gatun.forwarder.testing.TestForwarder;
import io.gatun.fwd.BackendStats;
import io.gatun.fwd.Protocol;
import io.gatun.fwd.ServiceStats;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in deploy/grafana references only metrics an agent really exposes: every
 * {@code gatun_…} name in it appears in a scrape of a running agent that has services, traffic, a
 * health transition and a snapshot behind it ({@code gatun_operator_…} names are the operator's:
 * MetricsIT scrapes them).
 */
class DashboardTest {
  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "gatun-forwarder.json");
  private static final Pattern METRIC = Pattern.compile("\\bgatun_[a-z0-9_]+");

  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private final ScriptedProbe probe = new ScriptedProbe();
  private final FakeOperator operator = new FakeOperator();
  private final TestForwarder forwarder =
      TestForwarder.inProcess(operator, dataPlane, type -> probe);

  @AfterEach
  void stop() throws InterruptedException {
    forwarder.close();
    operator.close();
  }

  @Test
  void everyMetricTheDashboardQueriesExists() throws Exception {
    operator.nextStream().onNext(FakeOperator.snapshot(AgentTest.probedSnapshot(1)));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
    dataPlane.counters =
        DeclaredCounters.of(Map.of("rx_packets", 1L, "tx_packets", 1L, "drop_no_service", 1L));
    dataPlane.traffic =
        List.of(
            new ServiceStats(
                InetAddress.getByName("198.18.0.200"),
                Protocol.TCP,
                80,
                2,
                200,
                1,
                1,
                List.of(
                    new BackendStats(InetAddress.getByName("198.18.0.11"), 8080, 2, 200, 1, 1))));
    probe.down("198.18.0.12");
    operator.next(m -> m.hasObservation() && m.getObservation().getBackendHealthCount() == 1);

    Set<String> exposed =
        forwarder
            .scrape()
            .lines()
            .filter(l -> !l.startsWith("#") && !l.isBlank())
            .map(l -> l.split("[{ ]", 2)[0])
            .collect(Collectors.toSet());
    Set<String> referenced = referencedMetrics();
    // The BGP row's metrics exist only on an agent speaking BGP (one series per peer); their names
    // are the contract with the agent's BGP speaker (issue 14), checked below.
    Set<String> withoutBgp = new TreeSet<>(referenced);
    withoutBgp.removeIf(name -> name.startsWith("gatun_bgp_"));

    assertThat(withoutBgp).as("the dashboard queries gatun metrics").hasSizeGreaterThan(15);
    assertThat(exposed).as("metrics the dashboard queries").containsAll(withoutBgp);
  }

  @Test
  void theBgpRowQueriesTheAgentsBgpMetrics() throws Exception {
    // gatun.bgp.session.up{peer}, gatun.bgp.updates.sent/received{peer},
    // gatun.bgp.prefixes.advertised{peer}, gatun.bgp.bfd.up{peer} as Prometheus names them.
    assertThat(referencedMetrics().stream().filter(name -> name.startsWith("gatun_bgp_")))
        .containsExactlyInAnyOrder(
            "gatun_bgp_session_up",
            "gatun_bgp_updates_sent_total",
            "gatun_bgp_updates_received_total",
            "gatun_bgp_prefixes_advertised",
            "gatun_bgp_bfd_up");
  }

  @Test
  void panelsHaveDistinctIdsAndDoNotOverlap() throws Exception {
    // Grafana keys panels by id: a repeated id makes one panel's edits land on the other, and
    // overlapping grid positions hide a panel behind another (both happened when two rows were
    // added on separate branches).
    JsonArray panels =
        JsonParser.parseString(Files.readString(DASHBOARD))
            .getAsJsonObject()
            .getAsJsonArray("panels");
    Set<Integer> ids = new TreeSet<>();
    List<int[]> cells = new ArrayList<>();
    for (JsonElement e : panels) {
      JsonObject panel = e.getAsJsonObject();
      String title = panel.get("title").getAsString();
      assertThat(ids.add(panel.get("id").getAsInt()))
          .as("id of panel '%s' is unique", title)
          .isTrue();
      JsonObject at = panel.getAsJsonObject("gridPos");
      int x = at.get("x").getAsInt();
      int y = at.get("y").getAsInt();
      int[] cell = {x, y, x + at.get("w").getAsInt(), y + at.get("h").getAsInt()};
      for (int[] other : cells) {
        boolean overlap =
            cell[0] < other[2] && other[0] < cell[2] && cell[1] < other[3] && other[1] < cell[3];
        assertThat(overlap).as("panel '%s' overlaps another", title).isFalse();
      }
      cells.add(cell);
    }
  }

  private static Set<String> referencedMetrics() throws IOException {
    Matcher m = METRIC.matcher(Files.readString(DASHBOARD));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      // The operator's own (the fleet's moves and conflicts as it hears them): MetricsIT scrapes
      // those from a running operator.
      if (!m.group().startsWith("gatun_operator_")) {
        names.add(m.group());
      }
    }
    return names;
  }
}
