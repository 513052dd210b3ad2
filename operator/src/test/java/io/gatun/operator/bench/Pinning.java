package io.gatun.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code GATUN_BENCH_PIN=split}: kube-apiserver and etcd on CPU 0, the driver, the operator and the
 * forwarder on CPU 1, for the floor's writes and the run alike — as on a cluster, where the API
 * server runs on control-plane nodes, not on the cores of the operator and the forwarder. The
 * driver is started on CPU 1 ({@code bench/controlplane.sh} runs it under {@code taskset -c 1}),
 * every process it starts inherits that, and each API server and its etcd are moved to CPU 0, all
 * their threads, once started. Unset (the default), nothing is pinned.
 */
final class Pinning {
  /** Where the API server and etcd run when split. */
  static final int SERVER_CPU = 0;

  /** Where the driver, the operator and the forwarder run when split. */
  static final int CLIENT_CPU = 1;

  private static final String MODE = System.getenv().getOrDefault("GATUN_BENCH_PIN", "");
  private static final Pattern ALLOWED = Pattern.compile("(?m)^Cpus_allowed_list:\\s*(\\S+)$");
  private static final Pattern NAME = Pattern.compile("(?m)^Name:\\s*(.*)$");

  private Pinning() {}

  /** Whether this run pins; an unknown mode is refused, not run unpinned. */
  static boolean split() {
    return switch (MODE) {
      case "" -> false;
      case "split" -> true;
      default ->
          throw new IllegalArgumentException(
              "GATUN_BENCH_PIN: '" + MODE + "' is not a pinning; 'split' or unset");
    };
  }

  /** One line for the output. */
  static String describe() {
    return split()
        ? "pinned: kube-apiserver and etcd on CPU "
            + SERVER_CPU
            + ", the driver, operator and forwarder on CPU "
            + CLIENT_CPU
        : "not pinned: every process on any core";
  }

  /**
   * The forwarder's EAL lcores: unpinned, its main lcore on CPU 0 and its worker on CPU 1 (EAL pins
   * them there); split, both on CPU 1, so EAL does not move the agent's thread that initialises it
   * (and the threads it starts after) onto the API server's core.
   */
  static String forwarderLcores() {
    return split() ? "--lcores 0@" + CLIENT_CPU + ",1@" + CLIENT_CPU : "-l 0-1";
  }

  /** Refuses a split run whose driver was not started on CPU 1 (by bench/controlplane.sh). */
  static void checkDriver() throws IOException {
    if (!split()) {
      return;
    }
    String allowed = allowedCpus(Path.of("/proc/self/status"));
    if (!String.valueOf(CLIENT_CPU).equals(allowed)) {
      throw new IllegalStateException(
          "GATUN_BENCH_PIN=split: the driver runs on CPUs "
              + allowed
              + ", not on CPU "
              + CLIENT_CPU
              + " only: start it with bench/controlplane.sh (taskset -c "
              + CLIENT_CPU
              + ")");
    }
  }

  /** When split, moves the API server and etcd just started (all their threads) to CPU 0. */
  static void moveServer() throws IOException, InterruptedException {
    if (!split()) {
      return;
    }
    var servers = servers();
    if (!servers.keySet().containsAll(List.of("kube-apiserver", "etcd"))) {
      throw new IllegalStateException(
          "GATUN_BENCH_PIN=split: found " + servers.keySet() + ", not kube-apiserver and etcd");
    }
    for (var server : servers.entrySet()) {
      var taskset =
          new ProcessBuilder(
                  "taskset",
                  "-a",
                  "-cp",
                  String.valueOf(SERVER_CPU),
                  String.valueOf(server.getValue()))
              .redirectErrorStream(true)
              .start();
      String output = new String(taskset.getInputStream().readAllBytes());
      if (!taskset.waitFor(30, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
        throw new IllegalStateException(
            "taskset could not move " + server.getKey() + " to CPU " + SERVER_CPU + ": " + output);
      }
    }
  }

  /**
   * When split, checks every thread of {@code processes} (names as {@link CpuSeconds#processes}
   * gives them) runs where it should, and says so; a thread elsewhere is an error naming it.
   */
  static String check(Map<String, Long> processes) throws IOException {
    if (!split()) {
      return describe();
    }
    var held = new ArrayList<String>();
    var wrong = new ArrayList<String>();
    for (var process : processes.entrySet()) {
      String expected = String.valueOf(isServer(process.getKey()) ? SERVER_CPU : CLIENT_CPU);
      var threads = threadCpus(process.getValue());
      threads.forEach(
          (thread, cpus) -> {
            if (!cpus.equals(expected)) {
              wrong.add(process.getKey() + " thread " + thread + " on CPUs " + cpus);
            }
          });
      held.add(process.getKey() + " " + threads.size() + " threads on CPU " + expected);
    }
    if (!wrong.isEmpty()) {
      throw new IllegalStateException(
          "GATUN_BENCH_PIN=split did not hold: " + String.join("; ", wrong));
    }
    return describe() + " (checked: " + String.join(", ", held) + ")";
  }

  /** The API server and etcd among this driver's descendants, by name. */
  private static Map<String, Long> servers() {
    var pids = new TreeMap<String, Long>();
    CpuSeconds.processes(null, null)
        .forEach(
            (name, pid) -> {
              if (isServer(name)) {
                pids.put(name, pid);
              }
            });
    return pids;
  }

  private static boolean isServer(String process) {
    return process.equals("kube-apiserver") || process.equals("etcd");
  }

  /** Each live thread's allowed CPUs ("id name" → list as /proc gives it). */
  private static Map<String, String> threadCpus(long pid) throws IOException {
    var cpus = new TreeMap<String, String>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (var threads = Files.list(tasks)) {
      for (Path task : threads.toList()) {
        try {
          String status = Files.readString(task.resolve("status"));
          var name = NAME.matcher(status);
          String thread = task.getFileName() + (name.find() ? " " + name.group(1) : "");
          cpus.put(thread, allowedCpus(status));
        } catch (NoSuchFileException e) {
          // the thread ended meanwhile
        }
      }
    }
    return cpus;
  }

  private static String allowedCpus(Path status) throws IOException {
    return allowedCpus(Files.readString(status));
  }

  private static String allowedCpus(String status) {
    var m = ALLOWED.matcher(status);
    if (!m.find()) {
      throw new IllegalStateException("no Cpus_allowed_list in a /proc status");
    }
    return m.group(1);
  }
}
