package io.gatun.forwarder.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's HTTP face for Prometheus and the kubelet: {@code /metrics}, {@code /healthz} (the
 * agent works: restart it if not) and {@code /readyz} (it forwards what the operator asked for:
 * route to it if so). The JDK's own server on virtual threads; nothing here needs more.
 */
public final class StatusServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** A verdict and why, in words. */
  public record Check(boolean ok, String detail) {}

  private final HttpServer server;

  private StatusServer(HttpServer server) {
    this.server = server;
  }

  /**
   * @param beforeScrape brings pulled meters up to date (reads the data plane's counters)
   */
  public static StatusServer start(
      InetSocketAddress address,
      PrometheusMeterRegistry registry,
      Runnable beforeScrape,
      Supplier<Check> healthz,
      Supplier<Check> readyz) {
    HttpServer server;
    try {
      server = HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address, e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/metrics",
        exchange -> {
          beforeScrape.run();
          respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
        });
    server.createContext("/healthz", exchange -> check(exchange, healthz.get()));
    server.createContext("/readyz", exchange -> check(exchange, readyz.get()));
    server.start();
    return new StatusServer(server);
  }

  /** The bound port (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void check(HttpExchange exchange, Check check) throws IOException {
    respond(
        exchange,
        check.ok() ? 200 : 503,
        "text/plain; charset=utf-8",
        (check.ok() ? "ok: " : "not ok: ") + check.detail() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())
          && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
