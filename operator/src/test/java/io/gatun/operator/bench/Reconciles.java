package io.gatun.operator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The operator's reconciles, from its own meters ({@code gatun_reconciles_total} and {@code
 * gatun_reconcile_seconds} by controller and operation, on its {@code --metrics-address}): how many
 * a window cost and their time, so a run shows how often each LoadBalancer was reconciled.
 */
final class Reconciles {
  private static final Pattern SAMPLE =
      Pattern.compile(
          "(?m)^(gatun_reconciles_total|gatun_reconcile_seconds_sum)\\{([^}]*)} (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final int port;

  Reconciles(int port) {
    this.port = port;
  }

  /** Counts and seconds by "controller operation", now. */
  Map<String, double[]> now() throws IOException, InterruptedException {
    String metrics;
    try (HttpClient http = HttpClient.newHttpClient()) {
      metrics =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
    }
    var byKind = new TreeMap<String, double[]>();
    var m = SAMPLE.matcher(metrics);
    while (m.find()) {
      var labels = new TreeMap<String, String>();
      var label = LABEL.matcher(m.group(2));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      String key = labels.get("controller") + " " + labels.get("operation");
      int slot = m.group(1).equals("gatun_reconciles_total") ? 0 : 1;
      byKind.computeIfAbsent(key, k -> new double[2])[slot] += Double.parseDouble(m.group(3));
    }
    return byKind;
  }

  /** Prints each kind's reconciles per LoadBalancer and their mean time since {@code before}. */
  static void print(
      String window, Map<String, double[]> before, Map<String, double[]> after, int size) {
    System.out.println("Reconciles " + window + ", per LoadBalancer (controller operation):");
    after.forEach(
        (kind, now) -> {
          double[] then = before.getOrDefault(kind, new double[2]);
          double count = now[0] - then[0];
          if (count > 0) {
            System.out.printf(
                "  %-40s %6.2f  (mean %.2f ms wall each)%n",
                kind, count / size, 1e3 * (now[1] - then[1]) / count);
          }
        });
  }
}
