package io.gatun.operator.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A JVM's heap as it reports it through {@code jcmd}, after a full GC: what it holds, and what it
 * has taken from the system (committed), which is most of a Java process's RSS beside its native
 * memory. Summed over the heap's generations or regions (Serial and Parallel list two, G1 one),
 * metaspace left out; ZGC gives one line in MiB ("ZHeap used 244M, capacity 6184M").
 */
record JvmHeap(double usedMiB, double committedMiB) {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  // G1 says "committed"; Serial and Parallel give each generation's "total" (what it has taken).
  private static final Pattern COMMITTED = Pattern.compile("(?:committed|total) (\\d+)K");
  private static final Pattern Z_HEAP = Pattern.compile("ZHeap\\s+used (\\d+)M, capacity (\\d+)M");

  static JvmHeap afterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long usedKiB = 0;
    long committedKiB = 0;
    boolean found = false;
    var z = Z_HEAP.matcher(info);
    if (z.find()) {
      return new JvmHeap(Long.parseLong(z.group(1)), Long.parseLong(z.group(2)));
    }
    for (String line : info.split("\n")) {
      if (line.contains("Metaspace") || line.contains("class space")) {
        continue;
      }
      var used = USED.matcher(line);
      if (used.find()) {
        usedKiB += Long.parseLong(used.group(1));
        found = true;
      }
      var committed = COMMITTED.matcher(line);
      if (committed.find()) {
        committedKiB += Long.parseLong(committed.group(1));
      }
    }
    if (!found) {
      throw new IllegalStateException("no heap figure in: " + info);
    }
    return new JvmHeap(usedKiB / 1024.0, committedKiB / 1024.0);
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    var jcmd =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                command)
            .redirectErrorStream(true)
            .start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor(60, TimeUnit.SECONDS);
    return output;
  }
}
