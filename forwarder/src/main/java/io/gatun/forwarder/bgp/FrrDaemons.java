package io.gatun.forwarder.bgp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This forwarder's own FRR: zebra (interfaces and connected routes, which bgpd's connected check
 * and BFD's session set-up go through), bfdd and bgpd, as child processes in the agent's network
 * namespace, with every path (vty sockets, zserv socket, pid files, configuration, logs) under one
 * directory, so several forwarders on one machine never meet. bgpd runs with {@code --no_kernel}:
 * the forwarder only announces. Configuration changes go through frr-reload (the rendered
 * configuration against the running one; nothing restarts); the quick, frequent change of
 * advertising or withdrawing one prefix goes through vtysh directly ({@link #configure}).
 *
 * <p>The daemons outlive an agent killed with SIGKILL; the next agent on the same directory stops
 * them (their pid files) before starting its own. Their sessions die with the agent anyway: the
 * kernel interface they speak through belongs to the data plane's process.
 */
public final class FrrDaemons implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FrrDaemons.class);
  private static final List<String> DAEMONS = List.of("zebra", "bfdd", "bgpd");
  private static final Duration START_PATIENCE = Duration.ofSeconds(30);
  private static final Duration COMMAND_PATIENCE = Duration.ofSeconds(60);

  /**
   * @param dir this forwarder's FRR directory (created; owned by the {@code frr} user)
   * @param daemons where zebra, bgpd, bfdd and frr-reload.py are (Debian: /usr/lib/frr)
   * @param vtysh the vtysh binary
   */
  public record Paths(Path dir, Path daemons, Path vtysh) {
    public static Paths debian(Path dir) {
      return new Paths(dir, Path.of("/usr/lib/frr"), Path.of("/usr/bin/vtysh"));
    }
  }

  private final Paths paths;
  private final List<Process> running = new ArrayList<>();

  public FrrDaemons(Paths paths) {
    this.paths = paths;
  }

  public Path dir() {
    return paths.dir();
  }

  /** Starts zebra, bfdd and bgpd on an empty configuration; returns when they answer. */
  public synchronized void start() throws IOException, InterruptedException {
    Path dir = paths.dir();
    Files.createDirectories(dir);
    stopStale(dir);
    Files.writeString(dir.resolve("frr.conf"), "frr defaults traditional\n!\n");
    Files.writeString(dir.resolve("vtysh.conf"), "");
    giveToFrr(dir);
    for (String d : DAEMONS) {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  paths.daemons().resolve(d).toString(),
                  "--vty_socket",
                  dir.toString(),
                  "-i",
                  dir.resolve(d + ".pid").toString(),
                  "-z",
                  dir.resolve("zserv.api").toString(),
                  "-f",
                  dir.resolve("frr.conf").toString(),
                  "--log",
                  "file:" + dir.resolve(d + ".log")));
      if (d.equals("bgpd")) {
        cmd.add("--no_kernel");
      }
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(d + ".out").toFile()))
              .start();
      running.add(p);
      // bfdd and bgpd connect to zebra's socket; vtysh needs each daemon's vty socket.
      awaitFile(dir.resolve(d + ".vty"), p, d);
      if (d.equals("zebra")) {
        awaitFile(dir.resolve("zserv.api"), p, d);
      }
    }
    log.info("FRR (zebra, bfdd, bgpd) running in {}", dir);
  }

  /**
   * Makes {@code config} FRR's running configuration with frr-reload. Returns null on success, or
   * what frr-reload said.
   */
  public String reload(String config) throws IOException, InterruptedException {
    Path next = paths.dir().resolve("frr.conf.next");
    Files.writeString(next, config);
    giveToFrr(next);
    Result r =
        run(
            List.of(
                "python3",
                paths.daemons().resolve("frr-reload.py").toString(),
                "--reload",
                "--stdout",
                "--vty_socket",
                paths.dir().toString(),
                "--bindir",
                paths.vtysh().getParent().toString(),
                "--confdir",
                paths.dir().toString(),
                "--rundir",
                paths.dir().toString(),
                next.toString()));
    if (r.status() != 0) {
      return "frr-reload exited " + r.status() + ": " + tail(r.output());
    }
    Files.move(
        next, paths.dir().resolve("frr.conf"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return null;
  }

  /**
   * Runs configuration commands in one vtysh session ({@code configure terminal} first). Returns
   * null on success, or what vtysh said.
   */
  public String configure(List<String> commands) throws IOException, InterruptedException {
    List<String> cmd = vtysh();
    cmd.addAll(List.of("-c", "configure terminal"));
    for (String c : commands) {
      cmd.addAll(List.of("-c", c));
    }
    Result r = run(cmd);
    // vtysh exits 0 even when a command fails; FRR prefixes its complaints with "%".
    return r.status() != 0 || r.output().contains("% ") ? tail(r.output()) : null;
  }

  /** A show command's output (JSON when asked for with "json"). */
  public String show(String command) throws IOException, InterruptedException {
    List<String> cmd = vtysh();
    cmd.addAll(List.of("-c", command));
    Result r = run(cmd);
    if (r.status() != 0) {
      throw new IOException(
          "vtysh -c '" + command + "' exited " + r.status() + ": " + tail(r.output()));
    }
    return r.output();
  }

  /** Whether every daemon still runs. */
  public synchronized boolean alive() {
    return !running.isEmpty() && running.stream().allMatch(Process::isAlive);
  }

  @Override
  public synchronized void close() {
    for (Process p : running.reversed()) {
      p.destroy();
    }
    for (Process p : running) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
  }

  private List<String> vtysh() {
    return new ArrayList<>(
        List.of(
            paths.vtysh().toString(),
            "--vty_socket",
            paths.dir().toString(),
            "--config_dir",
            paths.dir().toString()));
  }

  private record Result(int status, String output) {}

  private static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out;
    try (var in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    if (!p.waitFor(COMMAND_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new IOException(cmd.getFirst() + " did not finish within " + COMMAND_PATIENCE);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static String tail(String output) {
    String s = output.strip();
    return s.length() > 400 ? "..." + s.substring(s.length() - 400) : s;
  }

  /**
   * Stops the daemons a previous agent on this directory left running (killed with SIGKILL). The
   * agent calls it before its data plane creates the kernel interface: left alone, they would take
   * the new interface of the same name and address for their own and bring their sessions (and the
   * old agent's advertisements) back before this agent decides anything.
   */
  public static void stopLeftovers(Path dir) throws InterruptedException {
    if (Files.isDirectory(dir)) {
      stopStale(dir);
    }
  }

  /** Daemons a previous agent on this directory left running (killed with SIGKILL). */
  private static void stopStale(Path dir) throws InterruptedException {
    for (String d : DAEMONS) {
      Path pid = dir.resolve(d + ".pid");
      try {
        long id = Long.parseLong(Files.readString(pid).strip());
        ProcessHandle.of(id)
            .filter(h -> h.info().command().map(c -> c.endsWith("/" + d)).orElse(false))
            .ifPresent(
                h -> {
                  log.info("stopping {} (pid {}) left by a previous agent", d, id);
                  h.destroy();
                  try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    h.destroyForcibly();
                  }
                });
      } catch (IOException | NumberFormatException e) {
        // no pid file, or not a number: nothing to stop
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".vty") || name.equals("zserv.api") || name.endsWith(".pid")) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      log.warn("cannot clear {}: {}", dir, e.toString());
    }
  }

  /** FRR's daemons drop to the frr user: its files must be theirs. */
  private static void giveToFrr(Path path) {
    try {
      UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(path, users.lookupPrincipalByName("frr"));
      var attrs =
          Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class);
      attrs.setGroup(users.lookupPrincipalByGroupName("frr"));
    } catch (IOException | UnsupportedOperationException e) {
      // not root, or no frr user (a container running FRR as the agent's user): leave it
    }
  }

  private static void awaitFile(Path file, Process p, String daemon)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_PATIENCE.toNanos();
    while (!Files.exists(file)) {
      if (!p.isAlive()) {
        throw new IOException(daemon + " exited " + p.exitValue() + " at start (see its log)");
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(daemon + " did not create " + file + " within " + START_PATIENCE);
      }
      Thread.sleep(20);
    }
  }
}
