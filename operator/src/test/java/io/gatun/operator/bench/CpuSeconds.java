package io.gatun.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * CPU seconds each process of a run spent over a window (user + system, all its threads, from
 * {@code /proc/PID/stat}), beside the machine's busy seconds ({@code /proc/stat}). On two shared
 * cores every CPU-second the operator and the forwarder spend is taken from the API server, so this
 * is what explains a run's ratio to its floor; the machine's busy time left over ("others") is what
 * other work on the machine took in the same window.
 */
final class CpuSeconds {
  /** USER_HZ: the unit of /proc's CPU times (100 on every Linux this runs on). */
  private static final double TICKS_PER_SECOND = 100.0;

  private final Map<String, Long> ticks;

  /**
   * Per process, its threads' ticks by name (digits folded: "pool-3-thread-7" as
   * "pool-#-thread-#").
   */
  private final Map<String, Map<String, Long>> threadTicks;

  private final long machineBusy;
  private final long machineTotal;

  /** Each core's busy ticks, by its number ("cpu0", "cpu1", ... of /proc/stat). */
  private final long[] coreBusy;

  private final long nanos;
  private static final String OTHERS = "others on the machine";
  private static final String IDLE = "machine idle";
  private static final DateTimeFormatter HH_MM_SS = DateTimeFormatter.ofPattern("HH:mm:ss");
  private final LocalTime at; // UTC, to find the window in a JFR recording

  private CpuSeconds(
      Map<String, Long> ticks,
      Map<String, Map<String, Long>> threadTicks,
      long machineBusy,
      long machineTotal,
      long[] coreBusy,
      long nanos) {
    this.ticks = ticks;
    this.threadTicks = threadTicks;
    this.machineBusy = machineBusy;
    this.machineTotal = machineTotal;
    this.coreBusy = coreBusy;
    this.nanos = nanos;
    this.at = LocalTime.now(ZoneOffset.UTC);
  }

  /**
   * The processes of a run by name: the operator and the forwarder when given (null: not a process
   * of their own), this driver, and the API server and etcd it started (kube-api-test runs them as
   * its children).
   */
  static Map<String, Long> processes(Process operator, Long forwarderPid) {
    var pids = new LinkedHashMap<String, Long>();
    if (operator != null) {
      pids.put("operator", operator.pid());
    }
    if (forwarderPid != null) {
      pids.put("forwarder (agent JVM and data plane)", forwarderPid);
    }
    ProcessHandle.current()
        .descendants()
        .forEach(
            p -> {
              String command = p.info().command().orElse("");
              if (command.endsWith("/kube-apiserver")) {
                pids.put("kube-apiserver", p.pid());
              } else if (command.endsWith("/etcd")) {
                pids.put("etcd", p.pid());
              }
            });
    pids.put("driver (this JVM: creates, watches, relay)", ProcessHandle.current().pid());
    return pids;
  }

  /** The CPU times of {@code pids} and of the machine now. */
  static CpuSeconds now(Map<String, Long> pids) throws IOException {
    var ticks = new LinkedHashMap<String, Long>();
    var threadTicks = new LinkedHashMap<String, Map<String, Long>>();
    for (var e : pids.entrySet()) {
      ticks.put(e.getKey(), processTicks(e.getValue()));
      threadTicks.put(e.getKey(), threadTicks(e.getValue()));
    }
    // cpu  user nice system idle iowait irq softirq steal ...: the machine, then cpu0, cpu1, ...
    var lines = Files.readAllLines(Path.of("/proc/stat"));
    long[] machine = busyAndTotal(lines.getFirst());
    var cores = lines.stream().filter(l -> l.matches("cpu\\d+ .*")).toList();
    long[] coreBusy = new long[cores.size()];
    for (String core : cores) {
      int n = Integer.parseInt(core.substring(3, core.indexOf(' ')));
      if (n < coreBusy.length) {
        coreBusy[n] = busyAndTotal(core)[0];
      }
    }
    return new CpuSeconds(ticks, threadTicks, machine[0], machine[1], coreBusy, System.nanoTime());
  }

  /** A /proc/stat cpu line's busy and total ticks: idle and iowait are not busy. */
  private static long[] busyAndTotal(String line) {
    String[] cpu = line.trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < Math.min(cpu.length, 9); i++) {
      total += Long.parseLong(cpu[i]);
    }
    long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
    return new long[] {total - idle, total};
  }

  /** One process's utime + stime, ticks; a process gone since counts what it had (0 if unread). */
  private static long processTicks(long pid) throws IOException {
    String stat = stat(Path.of("/proc", Long.toString(pid), "stat"));
    return stat == null ? 0 : ticksOf(stat);
  }

  /**
   * A process's live threads' ticks by name, digits folded so a pool's threads add up; a thread
   * that ended within a window is in its process's total only.
   */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    var byName = new TreeMap<String, Long>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    if (!Files.isDirectory(tasks)) {
      return byName;
    }
    try (var threads = Files.list(tasks)) {
      for (Path task : threads.toList()) {
        String stat = stat(task.resolve("stat"));
        if (stat != null) {
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          byName.merge(name.replaceAll("\\d+", "#"), ticksOf(stat), Long::sum);
        }
      }
    } catch (NoSuchFileException e) {
      // the process ended meanwhile
    }
    return byName;
  }

  private static String stat(Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static long ticksOf(String stat) {
    // the command name is in parentheses and may hold spaces: fields count from after it
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
  }

  /** What each process spent between {@code before} and now, in CPU seconds. */
  record Spent(String process, double seconds) {}

  /** The names {@link #since} gives the rest of the machine: not the run's own processes. */
  static final Set<String> NOT_THE_RUNS = Set.of(OTHERS, IDLE);

  /** The CPU seconds of the run's own processes among {@code spent}: all but others and idle. */
  static double ours(List<Spent> spent) {
    return spent.stream()
        .filter(s -> !NOT_THE_RUNS.contains(s.process()))
        .mapToDouble(Spent::seconds)
        .sum();
  }

  /**
   * Per process, then "others" (the machine's busy time not theirs) and the machine's idle time.
   */
  List<Spent> since(CpuSeconds before) {
    var spent = new ArrayList<Spent>();
    long ours = 0;
    for (var e : ticks.entrySet()) {
      long delta = e.getValue() - before.ticks.getOrDefault(e.getKey(), 0L);
      ours += delta;
      spent.add(new Spent(e.getKey(), delta / TICKS_PER_SECOND));
    }
    // /proc/stat counts every core's ticks: its total is cores x wall time
    long busy = machineBusy - before.machineBusy;
    long total = machineTotal - before.machineTotal;
    spent.add(new Spent(OTHERS, Math.max(0, busy - ours) / TICKS_PER_SECOND));
    spent.add(new Spent(IDLE, (total - busy) / TICKS_PER_SECOND));
    return spent;
  }

  /**
   * Each core's busy seconds since {@code before} ("CPU 0 busy", ...): with the processes pinned
   * ({@link Pinning}), which side of the machine was saturated. Not counted in {@link #ours}.
   */
  List<Spent> busyByCore(CpuSeconds before) {
    var busy = new ArrayList<Spent>();
    for (int n = 0; n < coreBusy.length; n++) {
      busy.add(
          new Spent("CPU " + n + " busy", (coreBusy[n] - before.coreBusy[n]) / TICKS_PER_SECOND));
    }
    return busy;
  }

  /**
   * Prints what {@link #since} and {@link #busyByCore} say, with the window's wall time and the
   * machine's cores.
   */
  List<Spent> print(String window, CpuSeconds before) {
    var spent = since(before);
    double wall = (nanos - before.nanos) / 1e9;
    System.out.printf(
        "CPU seconds %s (%s-%s UTC, %.1f s wall, %d cores: %.1f CPU-s available):%n",
        window, before.at, at, wall, cores(), wall * cores());
    for (Spent s : spent) {
      System.out.printf("  %-50s %7.1f s  %5.1f %%%n", s.process(), s.seconds(), share(s, wall));
      var threads = threadsSince(s.process(), before);
      // the threads that took at least 0.1 s, largest first: GC, compiler, pools
      threads.entrySet().stream()
          .filter(t -> t.getValue() >= 10)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(8)
          .forEach(
              t ->
                  System.out.printf(
                      "      %-46s %7.1f s%n", t.getKey(), t.getValue() / TICKS_PER_SECOND));
    }
    for (Spent core : busyByCore(before)) {
      System.out.printf(
          "  %-50s %7.1f s  %5.1f %% of that core%n",
          core.process(), core.seconds(), wall > 0 ? 100 * core.seconds() / wall : 0);
    }
    return spent;
  }

  /** A process's ticks by thread name since {@code before} (threads new since count whole). */
  private Map<String, Long> threadsSince(String process, CpuSeconds before) {
    var now = threadTicks.getOrDefault(process, Map.of());
    var then = before.threadTicks.getOrDefault(process, Map.of());
    var spent = new TreeMap<String, Long>();
    now.forEach((name, t) -> spent.put(name, t - then.getOrDefault(name, 0L)));
    return spent;
  }

  private double share(Spent s, double wall) {
    return wall > 0 ? 100 * s.seconds() / (wall * cores()) : 0;
  }

  /** The machine's cores, not this JVM's: a pinned driver sees one. */
  private int cores() {
    return coreBusy.length;
  }
}
