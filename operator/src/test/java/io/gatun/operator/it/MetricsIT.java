package io.gatun.operator.it;

import static io.gatun.operator.it.Cluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubeapitest.junit.EnableKubeAPIServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gatun.operator.OperatorOptions;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The operator's own metrics and probes, scraped over HTTP as Prometheus and kubelet would. */
@EnableKubeAPIServer(kubeAPIVersion = "1.20.2")
class MetricsIT {

  static KubernetesClient client;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void reconcilesPoolUsageAndForwardersAreExposed() throws Exception {
    Crds.install(client);
    var cluster = new Cluster(client);
    cluster.namespace("metrics");
    cluster.pool("metrics", "198.18.80.0/30", "2001:2:0:80::/126");
    try (var operator =
            Cluster.startOperator(
                client,
                OperatorOptions.defaults()
                    .withMetricsAddress(new InetSocketAddress("127.0.0.1", 0)));
        var forwarder =
            FakeForwarder.connect(
                "fwd-metrics", "node-m", operator.grpcPort(), FakeForwarder.CAPABILITIES, true)) {
      cluster.create(IpamIT.lb("metrics", "web", "poolRef: metrics"));
      String base = "http://127.0.0.1:" + operator.metricsPort();

      eventually(
          () -> {
            String metrics = get(base + "/metrics", 200);
            assertThat(metrics)
                .contains("gatun_forwarders_connected 1.0")
                .contains("gatun_leader 1.0")
                .containsPattern(
                    "gatun_reconciles_total\\{controller=\"loadbalancer\",operation=\"reconcile\"\\} [1-9]")
                .contains(
                    "gatun_pool_addresses{family=\"IPv4\",pool=\"metrics\",state=\"allocated\"} 1.0")
                .contains(
                    "gatun_pool_addresses{family=\"IPv6\",pool=\"metrics\",state=\"available\"} 4.0")
                .contains("gatun_reconcile_seconds_count{controller=\"pool\"")
                // The fleet's news as the operator hears it (the dashboard's fleet row).
                .contains("gatun_operator_vip_moves_total 0.0")
                .contains("gatun_operator_address_conflicts_total{source=\"foreign\"} 0.0");
          });
      assertThat(get(base + "/healthz", 200)).isEqualTo("ok\n");
      assertThat(get(base + "/readyz", 200)).isEqualTo("leading\n");
    }
  }

  private String get(String url, int status) throws Exception {
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(status);
    return response.body();
  }
}
