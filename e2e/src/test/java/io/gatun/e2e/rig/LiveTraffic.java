package io.gatun.e2e.rig;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatun.forwarder.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Client traffic through a VIP that runs until stopped and is watched as it happens
 * (tools/traffic.py --progress --stop-file), so a test waits for what it needs to have seen (every
 * backend answering, a backend answering again) instead of sleeping and hoping the machine kept up.
 */
public final class LiveTraffic implements AutoCloseable {
  /** Bounds a run whose test never stops it (traffic.py's --duration). */
  private static final Duration AT_MOST = Duration.ofMinutes(3);

  private final Process process;
  private final Path stopFile;
  private final List<Traffic.Request> seen = new CopyOnWriteArrayList<>();
  private final List<String> otherOutput = new CopyOnWriteArrayList<>();

  private LiveTraffic(Process process, Path stopFile) {
    this.process = process;
    this.stopFile = stopFile;
    Thread.ofVirtual().name("traffic-progress").start(this::follow);
  }

  /**
   * @param client the traffic.py command in the client's namespace, up to and including its {@code
   *     --vip}
   * @param args traffic.py's other arguments (protocols, timeout, rate)
   */
  static LiveTraffic start(List<String> client, List<String> args) {
    try {
      Path stopFile = Files.createTempFile("gatun-traffic", ".stop");
      Files.delete(stopFile);
      List<String> cmd = new ArrayList<>(client);
      cmd.addAll(
          List.of(
              "--requests",
              "1",
              "--duration",
              Long.toString(AT_MOST.toSeconds()),
              "--progress",
              "--stop-file",
              stopFile.toString()));
      cmd.addAll(args);
      return new LiveTraffic(new ProcessBuilder(cmd).start(), stopFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void follow() {
    try (BufferedReader progress = process.errorReader()) {
      String line;
      while ((line = progress.readLine()) != null) {
        String[] f = line.split(" ", 3);
        try {
          seen.add(new Traffic.Request(Math.round(Double.parseDouble(f[0]) * 1000), f[1], f[2]));
        } catch (RuntimeException notProgress) {
          otherOutput.add(line);
        }
      }
    } catch (IOException e) {
      otherOutput.add("progress unreadable: " + e.getMessage());
    }
  }

  /**
   * Waits until each of {@code backends} ("backend-1", ...) answered at least {@code answers}
   * requests that left at or after {@code sinceMillis} (wall clock).
   */
  public void awaitAnswers(
      Collection<String> backends, int answers, long sinceMillis, Duration within) {
    Await.until(
        () -> backends.stream().allMatch(b -> answeredBy(b, sinceMillis) >= answers),
        within,
        () ->
            String.format(
                "not %d answers from each of %s (traffic %s); answers so far: %s%s",
                answers,
                backends,
                process.isAlive() ? "running" : "ended",
                backends.stream().map(b -> b + " " + answeredBy(b, sinceMillis)).toList(),
                otherOutput.isEmpty()
                    ? ""
                    : "\ntraffic.py said: " + String.join("\n", otherOutput)));
  }

  private long answeredBy(String backend, long sinceMillis) {
    return seen.stream()
        .filter(r -> r.outcome().equals(backend) && r.atMillis() >= sinceMillis)
        .count();
  }

  /** Ends the run after its current request; what the client saw during all of it. */
  public Traffic stop() {
    try {
      Files.createFile(stopFile);
      String report = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("traffic.py failed: " + otherOutput + report);
      }
      return new ObjectMapper().readValue(report, Traffic.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      close();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      Files.deleteIfExists(stopFile);
    } catch (IOException e) {
      // a leftover temporary file harms nothing
    }
  }
}
