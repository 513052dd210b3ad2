package io.gatun.forwarder.bgp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This forwarder's own FRR (zebra, bfdd, bgpd), reached through the directory the two share: in a
 * pod the {@code frr} container's entrypoint ({@code tools/frr/gatun-frr}, which documents the
 * protocol) runs FRR beside the agent and both mount the directory; in tests the agent starts the
 * same entrypoint as its child ({@code --bgp-frr-run}). Whole configurations go as {@code
 * wanted.conf} with a generation number, applied by the entrypoint with frr-reload and confirmed in
 * {@code applied}; the quick, frequent change of advertising or withdrawing one prefix, and the
 * sessions' state, go through bgpd's and bfdd's vty sockets ({@link FrrVty}).
 */
public final class FrrDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FrrDirectory.class);
  static final String READY = "ready";
  static final String WANTED = "wanted.conf";
  static final String APPLIED = "applied";
  static final String GENERATION_LINE = "! gatun-generation ";

  /** frr-reload is python reading the running configuration back: slow on a loaded machine. */
  private static final Duration APPLY_PATIENCE = Duration.ofSeconds(90);

  private static final Duration VTY_PATIENCE = Duration.ofSeconds(30);
  private static final List<String> PROCESSES = List.of("gatun-frr", "zebra", "bfdd", "bgpd");

  private final Path dir;
  private final Optional<Path> entrypoint;
  private Process child;

  /** Unique across agent restarts on one directory: the entrypoint applies each line once. */
  private long generation = System.currentTimeMillis() * 1000;

  /**
   * @param dir the directory shared with FRR
   * @param entrypoint the gatun-frr entrypoint to run as this agent's child, or empty when FRR runs
   *     on its own (the pod's frr container)
   */
  public FrrDirectory(Path dir, Optional<Path> entrypoint) {
    this.dir = dir;
    this.entrypoint = entrypoint;
  }

  public static FrrDirectory of(BgpSettings settings) {
    return new FrrDirectory(settings.frrDir(), settings.frrRun());
  }

  public Path dir() {
    return dir;
  }

  /**
   * The running FRR's instance (the entrypoint's {@code ready} token), or null while none is ready.
   * With an entrypoint of its own, starts it when it is not running (first use, or it ended).
   */
  public synchronized String instance() throws IOException {
    if (entrypoint.isPresent() && (child == null || !child.isAlive())) {
      if (child != null) {
        log.warn("FRR's entrypoint ended ({}): starting it again", child.exitValue());
      }
      Files.createDirectories(dir);
      child =
          new ProcessBuilder(entrypoint.get().toString(), "--dir", dir.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
              .start();
      log.info("FRR: started {} on {}", entrypoint.get(), dir);
    }
    return token(dir.resolve(READY));
  }

  /** Where a child FRR's output goes: beside its directory. */
  Path logFile() {
    return dir.resolveSibling(dir.getFileName() + ".log");
  }

  /**
   * Makes {@code config} FRR's whole configuration (frr-reload against the running one: nothing
   * restarts). Returns null once applied, or why FRR refused it.
   */
  public String apply(String config) throws IOException, InterruptedException {
    return apply(config, APPLY_PATIENCE);
  }

  String apply(String config, Duration patience) throws IOException, InterruptedException {
    long gen;
    synchronized (this) {
      gen = ++generation;
    }
    Path next = dir.resolve(WANTED + ".next");
    Files.writeString(next, GENERATION_LINE + gen + "\n" + config);
    Files.move(next, dir.resolve(WANTED), StandardCopyOption.ATOMIC_MOVE);
    long deadline = System.nanoTime() + patience.toNanos();
    String prefix = gen + " ";
    while (true) {
      String applied = token(dir.resolve(APPLIED));
      if (applied != null && applied.startsWith(prefix)) {
        String outcome = applied.substring(prefix.length());
        return outcome.equals("ok") ? null : outcome;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException(
            "FRR did not apply configuration "
                + gen
                + " within "
                + patience
                + " (its last: "
                + applied
                + "; is the frr container running?)");
      }
      Thread.sleep(20);
    }
  }

  /**
   * Configuration commands to bgpd through its vty ({@code configure terminal} first). Returns null
   * on success, or what bgpd said.
   */
  public String configure(List<String> commands) throws IOException {
    try (FrrVty vty = FrrVty.open(dir.resolve("bgpd.vty"), VTY_PATIENCE)) {
      return vty.configure(commands);
    }
  }

  /** A show command's output from {@code daemon} ("bgpd", "bfdd"), e.g. JSON. */
  public String show(String daemon, String command) throws IOException {
    try (FrrVty vty = FrrVty.open(dir.resolve(daemon + ".vty"), VTY_PATIENCE)) {
      FrrVty.Reply r = vty.command(command);
      // FRR answers a JSON show about nothing with "{}" and a warning.
      if (r.status() != FrrVty.SUCCESS && r.status() != FrrVty.WARNING) {
        throw new IOException(
            daemon + ": '" + command + "' failed (" + r.status() + "): " + r.output().strip());
      }
      return r.output();
    }
  }

  /**
   * What a previous agent on this directory left before this one creates its kernel interfaces:
   * left alone, that FRR would take the new interface of the same name and address for its own and
   * bring its sessions (and the old agent's advertisements) back before this agent decides
   * anything. A child FRR (tests: the agent was killed with SIGKILL, its child lives on) is
   * stopped; the frr container's is given an empty configuration.
   */
  public static void clearLeftovers(BgpSettings settings, String hostname)
      throws InterruptedException {
    Path dir = settings.frrDir();
    if (settings.frrRun().isPresent()) {
      stopProcesses(dir);
      return;
    }
    try {
      if (token(dir.resolve(READY)) == null) {
        return; // no FRR yet: it starts empty
      }
      String error =
          new FrrDirectory(dir, Optional.empty())
              .apply(FrrConfigRenderer.off(hostname), Duration.ofSeconds(30));
      if (error != null) {
        log.warn("FRR refused the empty configuration: {}", error);
      }
    } catch (IOException e) {
      log.warn("cannot empty FRR's configuration before starting: {}", e.getMessage());
    }
  }

  private static void stopProcesses(Path dir) throws InterruptedException {
    for (String name : PROCESSES) {
      try {
        long pid = Long.parseLong(Files.readString(dir.resolve(name + ".pid")).strip());
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !name.equals(comm(pid))) {
          continue;
        }
        log.info("stopping {} (pid {}) left by a previous agent", name, pid);
        h.get().destroy();
        try {
          h.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.TimeoutException e) {
          h.get().destroyForcibly();
        }
      } catch (NoSuchFileException | NumberFormatException e) {
        // no pid file, or not a number: nothing to stop
      } catch (IOException e) {
        log.warn("cannot read {}'s pid file: {}", name, e.toString());
      }
    }
  }

  /** A process's name as the kernel keeps it (a script's is its file name). */
  private static String comm(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** A one-line file's text, or null when absent. */
  private static String token(Path file) throws IOException {
    try {
      List<String> lines = Files.readAllLines(file);
      return lines.isEmpty() ? null : lines.getFirst().strip();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Whether FRR is this agent's child (tests), not a container of its own. */
  public boolean runsChild() {
    return entrypoint.isPresent();
  }

  /** Stops the child FRR, if any: its bgpd ends the sessions with a Cease on the way out. */
  @Override
  public synchronized void close() {
    if (child != null) {
      child.destroy();
      try {
        if (!child.waitFor(15, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        child.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      child = null;
    }
  }
}
