package io.gatun.operator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.gatun.operator.api.ApiGroup;
import io.gatun.operator.api.Backends;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.api.LoadBalancerStatus;
import io.gatun.operator.api.Pool;
import io.gatun.operator.api.PoolSpec;
import io.gatun.operator.api.Protocol;
import io.gatun.operator.backends.EndpointSlices;
import io.gatun.operator.testing.Crds;
import io.gatun.operator.testing.FakeForwarder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Control-plane benchmark (not a test): for 100, 1,000 and 10,000 LoadBalancers (each backed by a
 * Service's EndpointSlice of two endpoints), the time from the first create to all Allocated and to
 * all Programmed with one forwarder connected, against a real kube-apiserver 1.20; then endpoint
 * changes spread over them ({@link EndpointChurn}), each timed from the EndpointSlice write to the
 * forwarder running it; and the operator's heap at the largest size. It runs once with a fake
 * forwarder (speaking the real protocol over gRPC, deltas included, acknowledging every message on
 * arrival, and reporting the VIPs it answers for before, as the agent does: the operator's share
 * alone) and, given the forwarder jar and the data-plane library, once with the real one ({@link
 * RealForwarder}: the agent on DPDK). The operator is the fat jar in a JVM of its own, as deployed,
 * so the heap figure is its own. Each measurement gets a fresh API server (and operator).
 *
 * <pre>
 * ControlPlaneBench OPERATOR_JAR CRDS_DIR OUT_JSON [SIZES [FORWARDER_JAR NATIVE_LIB]]
 * </pre>
 *
 * The endpoint changes: {@code GATUN_BENCH_CHANGES} (1,000) at {@code GATUN_BENCH_CHANGE_RATE} per
 * second (20).
 */
public final class ControlPlaneBench {

  /** Seconds to all Programmed that the issue sets as the goal. */
  private static final Map<Integer, Double> GOALS = Map.of(1_000, 5.0, 10_000, 30.0);

  private static final Duration PATIENCE = Duration.ofMinutes(10);

  /** Which forwarder a run connects; the real one is the agent jar on its data-plane library. */
  private record ForwarderKind(String label, Path jar, Path nativeLib) {
    static final ForwarderKind FAKE = new ForwarderKind("fake forwarder", null, null);

    boolean real() {
      return jar != null;
    }
  }

  private static final int CHANGES =
      Integer.parseInt(System.getenv().getOrDefault("GATUN_BENCH_CHANGES", "1000"));
  private static final double CHANGE_RATE =
      Double.parseDouble(System.getenv().getOrDefault("GATUN_BENCH_CHANGE_RATE", "20"));

  private ControlPlaneBench() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path crds = Path.of(args[1]);
    Path out = Path.of(args[2]);
    List<Integer> sizes =
        args.length > 3
            ? List.of(args[3].split(",")).stream().map(Integer::parseInt).toList()
            : List.of(100, 1_000, 10_000);
    // GATUN_BENCH_FORWARDERS=real skips the fake (a long run at the largest size on a busy machine)
    String only = System.getenv().getOrDefault("GATUN_BENCH_FORWARDERS", "fake,real");
    var kinds = new ArrayList<ForwarderKind>();
    if (only.contains("fake")) {
      kinds.add(ForwarderKind.FAKE);
    }
    if (args.length > 5 && only.contains("real")) {
      kinds.add(new ForwarderKind("real forwarder", Path.of(args[4]), Path.of(args[5])));
    }
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException(
          "no forwarder to run: GATUN_BENCH_FORWARDERS lists fake and/or real, and real needs"
              + " FORWARDER_JAR NATIVE_LIB");
    }
    Pinning.checkDriver();
    System.out.println(Pinning.describe());
    var figures = new ArrayList<Figure>();
    if (Pinning.split()) {
      figures.add(
          Figure.of("pinned: the CPU of kube-apiserver and etcd", Pinning.SERVER_CPU, "CPU", null));
      figures.add(
          Figure.of(
              "pinned: the CPU of the driver, operator and forwarder",
              Pinning.CLIENT_CPU,
              "CPU",
              null));
    }
    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
    for (int size : sizes) {
      double alone = createOnly(size, crds);
      var runs = new ArrayList<Run>();
      for (var kind : kinds) {
        var result = run(size, size == largest, jar, crds, alone, kind);
        figures.addAll(result.figures());
        runs.add(result);
      }
      figures.addAll(floor(size, crds, runs));
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(
        out,
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures)
            + "\n");
    for (Figure f : figures) {
      System.out.printf("  %-64s %9.2f %s%n", f.name(), f.value(), f.unit());
    }
    System.exit(0);
  }

  /**
   * The same creates against a fresh API server with no operator: what the server alone costs on
   * this machine now, the baseline the other figures are read against.
   */
  private static double createOnly(int size, Path crds) throws Exception {
    var apiServer = apiServer();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
            .build()) {
      prepare(client, crds, 0); // the LoadBalancers' slices play no part in their creates
      long start = System.nanoTime();
      create(client, size);
      return seconds(start);
    } finally {
      apiServer.stop();
    }
  }

  /** A fresh API server (and etcd), on CPU 0 if the run is pinned ({@link Pinning}). */
  private static KubeAPIServer apiServer() throws IOException, InterruptedException {
    var apiServer =
        new KubeAPIServer(
            KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withApiServerVersion("1.20.2")
                .withOfflineMode(true)
                .build());
    apiServer.start();
    Pinning.moveServer();
    return apiServer;
  }

  private static void create(KubernetesClient client, int size) {
    try (var creators = Executors.newFixedThreadPool(16)) {
      for (int i = 0; i < size; i++) {
        int n = i;
        creators.submit(() -> client.resource(loadBalancer("lb-" + n)).create());
      }
    }
  }

  /**
   * What a run measured, and one status the operator wrote (the floor writes the same); {@code
   * label} names its forwarder.
   */
  private record Run(
      List<Figure> figures,
      double toProgrammed,
      double cpuSeconds,
      LoadBalancerStatus status,
      String label) {}

  /**
   * The least any operator with a status asks of the API server before a LoadBalancer is
   * Programmed: the driver itself makes those two writes per LoadBalancer (create, status patch
   * with the status the operator wrote), 16 at a time, against a fresh server with no operator.
   * Events are left out: the operator posts them behind the status, rate limited. Two watches on
   * the LoadBalancers stand for the benchmark's own and the operator's cache, as in the operator
   * run: the API server pays for every watcher of every write. The operator's time to Programmed is
   * read against this. (Until Gatun stopped putting a finalizer on LoadBalancers, the floor had a
   * third write: the finalizer patch.)
   */
  private static List<Figure> floor(int size, Path crds, List<Run> runs) throws Exception {
    var status = runs.getFirst().status();
    var apiServer = apiServer();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
            .build()) {
      prepare(client, crds, size);
      var benchWatch = client.resources(LoadBalancer.class).inNamespace("bench").inform();
      var operatorWatch = client.resources(LoadBalancer.class).inNamespace("bench").inform();
      String statusPatch =
          "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
              + client.getKubernetesSerialization().asJson(status)
              + "}]";
      var requestsBefore = requests(client);
      var processes = CpuSeconds.processes(null, null);
      System.out.println("the floor's processes: " + Pinning.check(processes));
      var cpuBefore = CpuSeconds.now(processes);
      long start = System.nanoTime();
      try (var writers = Executors.newFixedThreadPool(16)) {
        for (int i = 0; i < size; i++) {
          int n = i;
          writers.submit(
              () -> {
                var lb = client.resource(loadBalancer("lb-" + n)).create();
                // One request each, as the operator makes them (fabric8's patch would GET first).
                String path =
                    "/apis/"
                        + ApiGroup.GROUP
                        + "/"
                        + ApiGroup.VERSION
                        + "/namespaces/bench/loadbalancers/"
                        + lb.getMetadata().getName();
                PlainPatch.json(client, path + "/status", statusPatch);
              });
        }
      }
      double seconds = seconds(start);
      var cpuAfter = CpuSeconds.now(processes);
      var cpu = cpuAfter.print("of the floor's writes", cpuBefore);
      System.out.println("after the floor's writes: " + Pinning.check(processes));
      printRequests(
          "API requests of the floor, per LoadBalancer", requestsBefore, requests(client), size);
      benchWatch.close();
      operatorWatch.close();
      System.out.printf(
          "%,d LoadBalancers: the operator's writes made by the driver alone %.2f s%n",
          size, seconds);
      if (!(seconds > 0)) {
        throw new IllegalStateException("the floor was not measured: no ratio to it is written");
      }
      String n = String.format("%,d", size);
      var figures = new ArrayList<Figure>();
      figures.add(
          Figure.of(
              n + " LoadBalancers: create and status writes" + " made without an operator (floor)",
              seconds,
              "s",
              null));
      for (var spent : cpu) {
        figures.add(
            Figure.of(
                n + " LoadBalancers: CPU seconds of the floor, " + spent.process(),
                spent.seconds(),
                "CPU-s",
                null));
      }
      for (var core : cpuAfter.busyByCore(cpuBefore)) {
        figures.add(
            Figure.of(
                n + " LoadBalancers: CPU seconds of the floor, " + core.process(),
                core.seconds(),
                "CPU-s",
                seconds));
      }
      // The same ratio in CPU: what the run's processes spent over what the floor's did. On two
      // shared cores it moves less with the rest of the machine than the wall-clock one does.
      double floorCpu = CpuSeconds.ours(cpu);
      for (Run run : runs) {
        System.out.printf(
            "%s: CPU seconds of the run's processes %.1f, of the floor's %.1f: %.2f x (%s)%n",
            n + " LoadBalancers",
            run.cpuSeconds(),
            floorCpu,
            run.cpuSeconds() / floorCpu,
            run.label());
        figures.add(
            new Figure(
                n
                    + " LoadBalancers: CPU seconds to Programmed over the floor's ("
                    + run.label()
                    + ")",
                run.cpuSeconds() / floorCpu,
                "x",
                floorCpu,
                run.cpuSeconds() / floorCpu));
      }
      for (Run run : runs) {
        figures.add(
            new Figure(
                n + " LoadBalancers: operator to Programmed over the floor (" + run.label() + ")",
                run.toProgrammed() / seconds,
                "x",
                seconds,
                run.toProgrammed() / seconds));
      }
      return figures;
    } finally {
      apiServer.stop();
    }
  }

  private static Run run(
      int size, boolean measureHeap, Path jar, Path crds, double alone, ForwarderKind kind)
      throws Exception {
    var apiServer = apiServer();
    Path kubeconfig = Files.createTempFile("gatun-bench", ".kubeconfig");
    Path log = Files.createTempFile("gatun-bench-operator", ".log");
    Files.writeString(kubeconfig, apiServer.getKubeConfigYaml());
    Process operator = null;
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(apiServer.getKubeConfigYaml()))
            .build()) {
      prepare(client, crds, size);
      int grpcPort = freePort();
      var command = new ArrayList<String>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("--sun-misc-unsafe-memory-access=allow");
      // e.g. GATUN_OPERATOR_JAVA_OPTS=-XX:StartFlightRecording=filename=op.jfr to profile it
      String extra = System.getenv().getOrDefault("GATUN_OPERATOR_JAVA_OPTS", "");
      if (!extra.isBlank()) {
        command.addAll(List.of(extra.trim().split("\\s+")));
      }
      int metricsPort = freePort();
      command.addAll(
          List.of(
              "-jar",
              jar.toString(),
              "--grpc-address",
              "127.0.0.1:" + grpcPort,
              "--metrics-address",
              "127.0.0.1:" + metricsPort));
      var process = new ProcessBuilder(command);
      process.environment().put("KUBECONFIG", kubeconfig.toString());
      operator = process.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      return measure(
          client, size, grpcPort, new Reconciles(metricsPort), operator, measureHeap, alone, kind);
    } catch (RuntimeException | Error e) {
      System.err.println("operator log: " + log);
      throw e;
    } finally {
      if (operator != null) {
        operator.destroy();
        operator.waitFor(10, TimeUnit.SECONDS);
      }
      apiServer.stop();
      Files.deleteIfExists(kubeconfig);
    }
  }

  private static Run measure(
      KubernetesClient client,
      int size,
      int grpcPort,
      Reconciles reconciles,
      Process operator,
      boolean measureHeap,
      double alone,
      ForwarderKind kind)
      throws Exception {
    Set<String> allocated = ConcurrentHashMap.newKeySet();
    Set<String> programmed = ConcurrentHashMap.newKeySet();
    var statusWrites = new StatusWrites();
    var informer =
        client
            .resources(LoadBalancer.class)
            .inNamespace("bench")
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(LoadBalancer lb) {
                    statusWrites.seen(null, lb);
                    track(lb);
                  }

                  @Override
                  public void onUpdate(LoadBalancer old, LoadBalancer lb) {
                    statusWrites.seen(old, lb);
                    track(lb);
                  }

                  @Override
                  public void onDelete(LoadBalancer lb, boolean unknown) {}

                  private void track(LoadBalancer lb) {
                    if (lb.getStatus() == null) {
                      return;
                    }
                    for (var c : lb.getStatus().conditions()) {
                      if (c.isTrue() && c.type().equals(LoadBalancer.ALLOCATED)) {
                        allocated.add(lb.getMetadata().getName());
                      }
                      if (c.isTrue() && c.type().equals(LoadBalancer.PROGRAMMED)) {
                        programmed.add(lb.getMetadata().getName());
                      }
                    }
                  }
                });
    var tap = ChannelTap.start(grpcPort);
    RealForwarder real = null;
    FakeForwarder fake = null;
    try {
      if (kind.real()) {
        real = RealForwarder.start(kind.jar(), kind.nativeLib(), tap.port());
      } else {
        fake = connectedForwarder(tap.port());
      }
      warmUp(client, programmed, real);
      long revisionBefore = revision(client);
      var requestsBefore = requests(client);
      var sentBefore = tap.totals();
      int answersBefore = tap.answers().mark();
      var writesBefore = statusWrites.byKind();
      var processes = CpuSeconds.processes(operator, real == null ? null : real.pid());
      System.out.println("the run's processes: " + Pinning.check(processes));
      var cpuBefore = CpuSeconds.now(processes);
      var reconcilesBefore = reconciles.now();
      long start = System.nanoTime();
      create(client, size);
      double created = seconds(start);
      await(() -> allocated.size() == size + 1, "all Allocated");
      double toAllocated = seconds(start);
      await(() -> programmed.size() == size + 1, "all Programmed");
      double toProgrammed = seconds(start);
      var cpuAfter = CpuSeconds.now(processes);
      var cpu = cpuAfter.print("from the first create to all Programmed", cpuBefore);
      System.out.println("once all Programmed: " + Pinning.check(processes));
      Reconciles.print("until all Programmed", reconcilesBefore, reconciles.now(), size);
      double writesPerLb = (revision(client) - revisionBefore) / (double) size;
      var sent = tap.totals().minus(sentBefore);
      printRequests(
          "API requests during the run, per LoadBalancer", requestsBefore, requests(client), size);
      System.out.println(
          "Status writes until all Programmed, by what they wrote, per LoadBalancer:");
      statusWrites
          .byKind()
          .forEach(
              (written, count) ->
                  System.out.printf(
                      "  %-70s %6.3f%n",
                      written, (count - writesBefore.getOrDefault(written, 0L)) / (double) size));
      System.out.println(
          "The forwarder's answers until all Programmed: "
              + AnswerTimes.summary(tap.answers().since(answersBefore)));
      var figures = new ArrayList<Figure>();
      String n = String.format("%,d", size);
      String with = " (1 " + kind.label() + ")";
      figures.add(
          Figure.of(n + " LoadBalancers: creates alone, no operator (baseline)", alone, "s", null));
      figures.add(
          Figure.of(
              n + " LoadBalancers: creates while the operator works" + with, created, "s", alone));
      figures.add(
          Figure.of(n + " LoadBalancers created -> all Allocated" + with, toAllocated, "s", alone));
      figures.add(
          Figure.of(
              n + " LoadBalancers created -> all Programmed" + with,
              toProgrammed,
              "s",
              GOALS.get(size)));
      figures.add(
          Figure.of(
              n + " LoadBalancers: throughput to Programmed" + with,
              size / toProgrammed,
              "LB/s",
              null));
      figures.add(
          Figure.of(
              n + " LoadBalancers: messages to the forwarder until all Programmed" + with,
              sent.operatorMessages(),
              "messages",
              null));
      System.out.printf(
          "%s LoadBalancers, %s: creates alone %.2f s; with the operator: created %.2f s,"
              + " Allocated %.2f s, Programmed %.2f s (forwarder got %d messages, %d complete,"
              + " %.1f MB, and sent %.1f MB; %.2f writes per LoadBalancer)%n",
          n,
          kind.label(),
          alone,
          created,
          toAllocated,
          toProgrammed,
          sent.operatorMessages(),
          sent.completeSnapshots(),
          sent.operatorBytes() / 1e6,
          sent.forwarderBytes() / 1e6,
          writesPerLb);
      figures.add(
          Figure.of(
              n + " LoadBalancers: bytes from the forwarder until all Programmed" + with,
              sent.forwarderBytes(),
              "bytes",
              null));
      figures.add(
          Figure.of(
              n + " LoadBalancers: API writes per LoadBalancer until all Programmed" + with,
              writesPerLb,
              "writes",
              null));
      for (var spent : cpu) {
        figures.add(
            Figure.of(
                n + " LoadBalancers: CPU seconds until all Programmed, " + spent.process() + with,
                spent.seconds(),
                "CPU-s",
                null));
      }
      // each core's busy seconds beside the window's wall time: the ratio is how saturated it was
      for (var core : cpuAfter.busyByCore(cpuBefore)) {
        figures.add(
            Figure.of(
                n + " LoadBalancers: CPU seconds until all Programmed, " + core.process() + with,
                core.seconds(),
                "CPU-s",
                toProgrammed));
      }
      if (real != null) {
        long[] rss = real.residentKiB();
        figures.add(
            Figure.of(
                n + " LoadBalancers: forwarder RSS once all Programmed",
                rss[0] / 1024.0,
                "MiB",
                null));
      }
      var sample = client.resources(LoadBalancer.class).inNamespace("bench").withName("lb-0").get();
      var requestsBeforeChanges = requests(client);
      var eventsBeforeChanges = eventsByReason(client);
      figures.addAll(
          EndpointChurn.run(client, size, CHANGES, CHANGE_RATE, tap, real, kind.label()));
      // The writes a change costs beyond its own: status writes, events.
      printRequests(
          "API requests during the endpoint changes, per change",
          requestsBeforeChanges,
          requests(client),
          CHANGES);
      System.out.println("Events the operator posted during the endpoint changes, by reason:");
      eventsByReason(client)
          .forEach(
              (reason, count) -> {
                long delta = count - eventsBeforeChanges.getOrDefault(reason, 0L);
                if (delta > 0) {
                  System.out.printf("  %-50s %6d%n", reason, delta);
                }
              });
      if (measureHeap) {
        long rssKiB = residentKiB(operator);
        var heap = JvmHeap.afterGc(operator.pid());
        System.out.printf(
            "operator with %s LoadBalancers: RSS %.0f MiB, heap %.0f MiB used after GC of %.0f MiB"
                + " committed%n",
            n, rssKiB / 1024.0, heap.usedMiB(), heap.committedMiB());
        figures.add(
            Figure.of(
                "operator heap after GC with " + n + " LoadBalancers" + with,
                heap.usedMiB(),
                "MiB",
                null));
        figures.add(
            Figure.of(
                "operator RSS with " + n + " LoadBalancers" + with, rssKiB / 1024.0, "MiB", null));
      }
      return new Run(figures, toProgrammed, CpuSeconds.ours(cpu), sample.getStatus(), kind.label());
    } catch (RuntimeException | Error e) {
      if (real != null) {
        System.err.println("the forwarder's last words:\n" + real.logTail());
      }
      throw e;
    } finally {
      informer.close();
      if (fake != null) {
        fake.close();
      }
      if (real != null) {
        real.close();
      }
      tap.close();
    }
  }

  /**
   * The clock starts with the operator and the forwarder running, not starting: one LoadBalancer
   * goes through first (and is left out of the counts).
   */
  private static void warmUp(KubernetesClient client, Set<String> programmed, RealForwarder real)
      throws InterruptedException {
    client.resource(loadBalancer("warm-up")).create();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!programmed.contains("warm-up")) {
      if (real != null && !real.alive()) {
        throw new IllegalStateException("the forwarder exited:\n" + real.logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the warm-up LoadBalancer not Programmed in " + PATIENCE);
      }
      Thread.sleep(50);
    }
  }

  /** Connects once the operator listens and has sent its first (empty) snapshot. */
  private static FakeForwarder connectedForwarder(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      // It tells the VIPs it answers for before each Ack, as the agent does.
      var forwarder =
          FakeForwarder.connect("bench-fwd", "bench-node", port, FakeForwarder.DELTA_CAPABLE, true)
              .announcing();
      for (int i = 0; i < 20 && forwarder.ended() == null; i++) {
        if (!forwarder.received().isEmpty()) {
          return forwarder;
        }
        Thread.sleep(100);
      }
      forwarder.close();
    }
    throw new IllegalStateException("the operator did not serve forwarders within 90 s");
  }

  /** LoadBalancer {@code name}: port 80 to 8080 of Service {@code name}'s endpoints. */
  private static LoadBalancer loadBalancer(String name) {
    var lb = new LoadBalancer();
    lb.setMetadata(new ObjectMetaBuilder().withNamespace("bench").withName(name).build());
    lb.setSpec(
        new LoadBalancerSpec(
            "bench",
            null,
            List.of(new LoadBalancerPort("http", Protocol.TCP, 80, 8080)),
            new Backends(name, null),
            null,
            null));
    return lb;
  }

  /**
   * The EndpointSlice of Service {@code name}, as the EndpointSlice controller writes it: two ready
   * endpoints (v1beta1: what the 1.20 API server serves).
   */
  private static EndpointSlice slice(String name, String first, String second) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace("bench")
        .withName(name)
        .addToLabels(EndpointSlices.SERVICE_NAME_LABEL, name)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(8080)
        .endPort()
        .withEndpoints(endpoint(first), endpoint(second))
        .build();
  }

  private static Endpoint endpoint(String address) {
    return new EndpointBuilder()
        .withAddresses(address)
        .withNewConditions()
        .withReady(true)
        .endConditions()
        .build();
  }

  /**
   * CRDs, the namespace, the Pool, and the EndpointSlices of {@code size} LoadBalancers and the
   * warm-up one: the Services' endpoints exist before any LoadBalancer, as in a cluster where
   * LoadBalancers are added to running Services.
   */
  private static void prepare(KubernetesClient client, Path crds, int size) throws IOException {
    Crds.install(client, crds);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build())
        .create();
    var pool = new Pool();
    pool.setMetadata(new ObjectMetaBuilder().withName("bench").build());
    pool.setSpec(new PoolSpec(List.of("198.18.128.0/17"), true));
    client.resource(pool).create();
    var slices = client.discovery().v1beta1().endpointSlices().inNamespace("bench");
    slices.resource(slice("warm-up", "10.4.0.1", "10.4.0.2")).create();
    try (var writers = Executors.newFixedThreadPool(16)) {
      for (int i = 0; i < size; i++) {
        String octets = (i / 250) + "." + (i % 250 + 1);
        String name = "lb-" + i;
        writers.submit(
            () -> slices.resource(slice(name, "10.1." + octets, "10.2." + octets)).create());
      }
    }
  }

  /**
   * The API server's etcd revision: every write of any kind moves it by one, so the difference
   * counts the writes in between.
   */
  private static long revision(KubernetesClient client) {
    return Long.parseLong(
        client
            .namespaces()
            .list(new ListOptionsBuilder().withLimit(1L).build())
            .getMetadata()
            .getResourceVersion());
  }

  private static final Pattern REQUEST =
      Pattern.compile("^apiserver_request_total\\{(.*)} (\\S+)$", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /**
   * The API server's request counts by verb, resource, subresource and code (its own metrics), so a
   * run shows what the operator asked of the server, conflicts and retries included.
   */
  private static Map<String, Double> requests(KubernetesClient client) {
    var counts = new java.util.TreeMap<String, Double>();
    var matcher = REQUEST.matcher(client.raw("/metrics"));
    while (matcher.find()) {
      var labels = new java.util.HashMap<String, String>();
      var label = LABEL.matcher(matcher.group(1));
      while (label.find()) {
        labels.put(label.group(1), label.group(2));
      }
      String key =
          String.format(
              "%-7s %s%s %s",
              labels.get("verb"),
              labels.get("resource"),
              labels.getOrDefault("subresource", "").isEmpty()
                  ? ""
                  : "/" + labels.get("subresource"),
              labels.get("code"));
      counts.merge(key, Double.parseDouble(matcher.group(2)), Double::sum);
    }
    return counts;
  }

  private static void printRequests(
      String what, Map<String, Double> before, Map<String, Double> after, int size) {
    System.out.println(what + " (verb resource code):");
    after.forEach(
        (key, count) -> {
          double delta = count - before.getOrDefault(key, 0.0);
          if (delta >= size / 100.0 && !key.startsWith("WATCH")) {
            System.out.printf("  %-50s %6.2f%n", key, delta / size);
          }
        });
  }

  /** The events in the benchmark's namespace, by their object's kind and their reason. */
  private static Map<String, Long> eventsByReason(KubernetesClient client) {
    var counts = new java.util.TreeMap<String, Long>();
    for (var event : client.v1().events().inNamespace("bench").list().getItems()) {
      counts.merge(
          event.getInvolvedObject().getKind() + " " + event.getReason(),
          event.getCount() == null ? 1L : event.getCount().longValue(),
          Long::sum);
    }
    return counts;
  }

  /** A process's resident memory, kB. */
  private static long residentKiB(Process process) throws IOException {
    var rss =
        Pattern.compile("VmRSS:\\s+(\\d+) kB")
            .matcher(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
    if (!rss.find()) {
      throw new IllegalStateException("no VmRSS in /proc/" + process.pid() + "/status");
    }
    return Long.parseLong(rss.group(1));
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not " + what + " within " + PATIENCE);
      }
      Thread.sleep(20);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
