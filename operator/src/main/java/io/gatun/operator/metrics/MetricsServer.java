package io.gatun.operator.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP endpoint: {@code /metrics} (Prometheus text format), {@code /healthz} (the
 * process is up) and {@code /readyz} (this replica leads: forwarders should be sent to it).
 */
public final class MetricsServer implements AutoCloseable {

  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  public static MetricsServer start(
      InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier leading) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + " for metrics", e);
    }
    server.createContext(
        "/metrics",
        exchange -> reply(exchange, 200, "text/plain; version=0.0.4", registry.scrape()));
    server.createContext("/healthz", exchange -> reply(exchange, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        exchange ->
            reply(
                exchange,
                leading.getAsBoolean() ? 200 : 503,
                "text/plain",
                leading.getAsBoolean() ? "leading\n" : "standby\n"));
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.start();
    return new MetricsServer(server);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange exchange, int code, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(code, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
