package io.gatun.e2e.rig;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Long-lived TCP connections through VIPs (tools/longlived.py), each sending a line every 50 ms and
 * reading its echo: {@link #stop()} says, per connection, how many echoes came back, when the last
 * one did, its longest pause, and whether (and how) it failed.
 */
public final class LongLived implements AutoCloseable {
  private final Process process;
  private final Path stopFile;
  private final Path statusFile;
  private final BufferedReader out;
  private Result result;

  /** One connection as longlived.py reports it (times in epoch milliseconds). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Connection(
      String target,
      String backend,
      long echoes,
      Long first_ms,
      Long last_ms,
      long max_gap_ms,
      String error) {
    /** Alive to the end, echoing after {@code sinceMillis}. */
    public boolean survivedPast(long sinceMillis) {
      return error == null && last_ms != null && last_ms > sinceMillis;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Result(List<Connection> connections) {}

  private LongLived(Process process, Path stopFile, Path statusFile) {
    this.process = process;
    this.stopFile = stopFile;
    this.statusFile = statusFile;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static LongLived start(List<String> command) {
    try {
      Path stopFile = Files.createTempFile("gatun-longlived", ".stop");
      Files.delete(stopFile);
      Path statusFile = Files.createTempFile("gatun-longlived", ".json");
      List<String> cmd = new java.util.ArrayList<>(command);
      cmd.addAll(
          List.of("--stop-file", stopFile.toString(), "--status-file", statusFile.toString()));
      LongLived l =
          new LongLived(
              new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start(),
              stopFile,
              statusFile);
      String ready = l.out.readLine();
      if (!"ready".equals(ready)) {
        l.process.destroyForcibly();
        throw new IllegalStateException("longlived.py did not start: " + ready);
      }
      return l;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the connections have done so far (rewritten by longlived.py every 0.2 s). */
  public Result now() {
    try {
      return new ObjectMapper().readValue(statusFile.toFile(), Result.class);
    } catch (IOException notWrittenYet) {
      return new Result(List.of());
    }
  }

  /** Ends the connections and returns what each one did. */
  public Result stop() {
    if (result != null) {
      return result;
    }
    try {
      Files.writeString(stopFile, "stop");
      String json = out.readLine();
      if (!process.waitFor(90, TimeUnit.SECONDS) || json == null) {
        throw new IllegalStateException("longlived.py did not report");
      }
      result = new ObjectMapper().readValue(json, Result.class);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      try {
        Files.deleteIfExists(stopFile);
        Files.deleteIfExists(statusFile);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }

  @Override
  public void close() {
    if (result == null) {
      process.destroyForcibly();
    }
  }
}
