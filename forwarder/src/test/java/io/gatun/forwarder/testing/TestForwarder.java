package io.gatun.forwarder.testing;

import io.gatun.control.v1.Port;
import io.gatun.forwarder.Agent;
import io.gatun.forwarder.ForwarderConfig;
import io.gatun.forwarder.Main;
import io.gatun.forwarder.dataplane.DataPlaneControl;
import io.gatun.forwarder.fleet.Announcer;
import io.gatun.forwarder.fleet.LoneAnnouncer;
import io.gatun.forwarder.health.ProbeSet;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A forwarder agent under test, started with the command line a pod gives it (name, operator
 * address, ports, metrics address, control-channel credentials) and reached through its status
 * endpoints. What differs is only where it runs: {@link #inProcess} on a data plane the test
 * provides (recording, no DPDK: the agent's own tests), or {@link #process} as its own JVM on the
 * real DPDK data plane (EAL starts once per process and pins threads, so it never shares the test
 * JVM: the end-to-end tests).
 */
public final class TestForwarder implements AutoCloseable {
  private final int metricsPort;
  private final Process process;
  private final Agent agent;
  private final Thread controlLoop;
  private final Path log;

  private TestForwarder(int metricsPort, Process process, Agent agent, Thread loop, Path log) {
    this.metricsPort = metricsPort;
    this.process = process;
    this.agent = agent;
    this.controlLoop = loop;
    this.log = log;
  }

  /**
   * The agent's command line.
   *
   * @param port {@code DEVARGS@ADDRESS/PREFIX}
   * @param eal the EAL arguments (an in-process agent ignores them)
   * @param channel how to reach the operator: {@code --plaintext} or the {@code --tls-*} flags
   */
  public static List<String> args(
      String name, String operator, String port, String eal, List<String> channel) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--name",
                name,
                "--operator",
                operator,
                "--eal",
                eal,
                "--port",
                port,
                "--metrics-address",
                "127.0.0.1:" + freePort()));
    args.addAll(channel);
    return args;
  }

  /**
   * The agent in this JVM on {@code dataPlane}, dialling {@code operator} in plaintext, one null
   * port: what the agent's own tests run.
   */
  public static TestForwarder inProcess(
      FakeOperator operator, DataPlaneControl dataPlane, ProbeSet probes) {
    return inProcess(inProcessArgs(operator), dataPlane, probes);
  }

  /** An in-process agent's arguments: plaintext to the fake operator, a null port. */
  private static List<String> inProcessArgs(FakeOperator operator) {
    return args(
        "fwd-agent-test",
        operator.target(),
        "net_null0@198.18.0.2/24",
        "-l 0",
        List.of("--plaintext"));
  }

  /** The same with its own announcer (which VIPs the agent answers for, and when). */
  public static TestForwarder inProcess(
      FakeOperator operator,
      DataPlaneControl dataPlane,
      ProbeSet probes,
      Function<MeterRegistry, Announcer> announcer) {
    return inProcess(inProcessArgs(operator), dataPlane, probes, announcer);
  }

  /** The agent in this JVM on {@code dataPlane}, its ports given made-up MACs. */
  public static TestForwarder inProcess(
      List<String> args, DataPlaneControl dataPlane, ProbeSet probes) {
    return inProcess(args, dataPlane, probes, LoneAnnouncer::silent);
  }

  private static TestForwarder inProcess(
      List<String> args,
      DataPlaneControl dataPlane,
      ProbeSet probes,
      Function<MeterRegistry, Announcer> announcer) {
    ForwarderConfig config = ForwarderConfig.parse(args.toArray(String[]::new));
    List<Port> ports = new ArrayList<>();
    for (int i = 0; i < config.ports().size(); i++) {
      ports.add(
          Main.describe(
              config.ports().get(i),
              HexFormat.of().parseHex("0200000000" + "%02x".formatted(i + 1))));
    }
    Agent agent = new Agent(config, dataPlane, ports, probes, Clock.systemUTC(), announcer);
    Thread loop =
        Thread.ofVirtual()
            .name("agent-under-test")
            .start(
                () -> {
                  try {
                    agent.run();
                  } catch (InterruptedException ignored) {
                    // test over
                  }
                });
    return new TestForwarder(agent.metricsPort(), null, agent, loop, null);
  }

  /**
   * The agent as its own process: {@code java -jar gatun-forwarder.jar ARGS} with the data-plane
   * library of {@code root}'s native build, its output to {@code log}.
   */
  public static TestForwarder process(Path root, List<String> args, Path log) {
    return process(List.of(), root, args, log);
  }

  /**
   * The same with a command before java: {@code ip netns exec NS} runs the forwarder in a network
   * namespace of its own (BGP: its kernel interface and FRR live there).
   */
  public static TestForwarder process(List<String> prefix, Path root, List<String> args, Path log) {
    try {
      Files.createDirectories(log.getParent());
      List<String> cmd = new ArrayList<>(prefix);
      cmd.addAll(
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "--enable-native-access=ALL-UNNAMED",
              "--sun-misc-unsafe-memory-access=allow",
              "-jar",
              root.resolve("forwarder/target/gatun-forwarder.jar").toString()));
      cmd.addAll(args);
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment()
          .put(
              "GATUN_NATIVE_LIB", root.resolve("forwarder-native/build/libgatunfwd.so").toString());
      Process process = pb.start();
      // Also when the test JVM exits without running @AfterAll (a System.exit somewhere): a
      // forwarder left behind busy-polls a core.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      int metricsPort =
          Integer.parseInt(args.get(args.indexOf("--metrics-address") + 1).replaceFirst(".*:", ""));
      return new TestForwarder(metricsPort, process, null, null, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GETs a path of its status server: the status code and body. */
  public HttpResponse<String> get(String path) {
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

  public String scrape() {
    return get("/metrics").body();
  }

  public boolean alive() {
    return process != null ? process.isAlive() : controlLoop.isAlive();
  }

  /** The last 40 lines of a process's output (an in-process agent logs to the test's output). */
  public String logTail() {
    if (log == null) {
      return "(in this JVM: see the test output)";
    }
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * SIGSTOP, then SIGCONT after {@code stall}: the whole process stands still, as a forwarder
   * starved of CPU (or stopped by a debugger, or swapped out) does, and then goes on.
   */
  public void stall(java.time.Duration stall) throws IOException, InterruptedException {
    signal("STOP");
    try {
      Thread.sleep(stall);
    } finally {
      signal("CONT");
    }
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** kill -9: a forwarder process dies without a word (no hand-over, no drain). */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (agent != null) {
      agent.close();
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
