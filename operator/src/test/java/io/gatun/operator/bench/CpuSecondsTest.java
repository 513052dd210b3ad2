package io.gatun.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuSecondsTest {

  @Test
  void countsTheCpuAProcessSpentAndTheMachinesRest() throws Exception {
    var pids = Map.of("this JVM", ProcessHandle.current().pid());
    var before = CpuSeconds.now(pids);
    long wallStart = System.nanoTime();
    // 0.4 s of CPU on this thread: at least that much is this process's
    long cpuStart = threadCpuNanos();
    long spin = 0;
    while (threadCpuNanos() - cpuStart < 400_000_000L) {
      spin++;
    }
    var after = CpuSeconds.now(pids);
    var spent = after.since(before);
    var cores = after.busyByCore(before);
    double wall = (System.nanoTime() - wallStart) / 1e9;

    assertThat(spin).isPositive();
    assertThat(spent)
        .extracting(CpuSeconds.Spent::process)
        .containsExactly("this JVM", "others on the machine", "machine idle");
    double ours = spent.getFirst().seconds();
    assertThat(ours).isGreaterThanOrEqualTo(0.35); // ticks are 10 ms: 0.4 s less one tick or two
    double all = spent.stream().mapToDouble(CpuSeconds.Spent::seconds).sum();
    // the machine's time is cores x wall (ticks of 10 ms on each core around the window)
    assertThat(all).isBetween(0.0, cores.size() * (wall + 0.05));
    assertThat(spent).allSatisfy(s -> assertThat(s.seconds()).isNotNegative());
    // every core of the machine, whichever this JVM may use; their busy time holds this thread's
    assertThat(cores)
        .extracting(CpuSeconds.Spent::process)
        .startsWith("CPU 0 busy")
        .hasSize(
            (int)
                Files.readAllLines(Path.of("/proc/stat")).stream()
                    .filter(l -> l.matches("cpu\\d+ .*"))
                    .count());
    assertThat(cores.stream().mapToDouble(CpuSeconds.Spent::seconds).sum())
        .isGreaterThanOrEqualTo(ours - 0.05)
        .isLessThanOrEqualTo(cores.size() * (wall + 0.05));
  }

  private static long threadCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }
}
