package io.gatun.forwarder;

import io.gatun.control.v1.Port;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.ScriptedProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;

/**
 * A whole agent on a recording data plane and a scripted probe, dialling a fake operator, serving
 * its status endpoints on a free loopback port.
 */
final class AgentHarness implements AutoCloseable {
  final RecordingDataPlane dataPlane = new RecordingDataPlane();
  final ScriptedProbe probe = new ScriptedProbe();
  final FakeOperator operator = new FakeOperator();
  final Agent agent;
  private final HttpClient http = HttpClient.newHttpClient();

  AgentHarness() {
    ForwarderConfig config =
        ForwarderConfig.parse(
            new String[] {
              "--name",
              "fwd-agent-test",
              "--operator",
              operator.target(),
              "--plaintext",
              "--eal",
              "-l 0",
              "--port",
              "net_null0@198.18.0.2/24",
              "--metrics-address",
              "127.0.0.1:0"
            });
    agent =
        new Agent(
            config,
            dataPlane,
            java.util.List.of(
                Port.newBuilder()
                    .setName("net_null0")
                    .setMac("02:00:00:00:00:01")
                    .addAddresses("198.18.0.2/24")
                    .build()),
            type -> probe,
            Clock.systemUTC());
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                agent.run();
              } catch (InterruptedException ignored) {
                // test over
              }
            });
  }

  /** GETs a path of the status server: status code and body. */
  HttpResponse<String> get(String path) {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.metricsPort() + path))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String scrape() {
    return get("/metrics").body();
  }

  @Override
  public void close() throws InterruptedException {
    agent.close();
    operator.close();
  }
}
