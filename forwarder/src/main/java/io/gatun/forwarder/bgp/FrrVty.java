package io.gatun.forwarder.bgp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A client of one FRR daemon's vty socket ({@code bgpd.vty}, {@code bfdd.vty}): what vtysh does,
 * without vtysh (the agent's image has neither vtysh nor python). The protocol (FRR 8.4, {@code
 * lib/vty.c}): the client writes a command line ended by a NUL byte; the daemon runs it and answers
 * with its output followed by four bytes, three NULs and the command's status ({@code CMD_SUCCESS}
 * 0, {@code CMD_WARNING} 1, {@code CMD_ERR_NO_MATCH} 2, ...). A new session starts in the view
 * node: {@code enable} first, then {@code configure terminal} for configuration commands, whose
 * node the session keeps from one command to the next.
 */
public final class FrrVty implements AutoCloseable {
  static final int SUCCESS = 0;
  static final int WARNING = 1;

  /** A command's output and status. */
  public record Reply(int status, String output) {
    boolean ok() {
      return status == SUCCESS;
    }
  }

  private final SocketChannel channel;
  private final Selector selector;
  private final Path socket;
  private final Duration patience;

  private FrrVty(SocketChannel channel, Selector selector, Path socket, Duration patience) {
    this.channel = channel;
    this.selector = selector;
    this.socket = socket;
    this.patience = patience;
  }

  /**
   * Connects and enables the session.
   *
   * @param patience how long one command may take before the session is given up
   */
  public static FrrVty open(Path socket, Duration patience) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    Selector selector = null;
    try {
      channel.configureBlocking(false);
      selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      FrrVty vty = new FrrVty(channel, selector, socket, patience);
      Reply enable = vty.command("enable");
      if (!enable.ok()) {
        throw new IOException(socket + ": enable refused: " + enable.output().strip());
      }
      return vty;
    } catch (IOException | RuntimeException e) {
      channel.close();
      if (selector != null) {
        selector.close();
      }
      throw e;
    }
  }

  /** Runs one command line; its output and status. */
  public Reply command(String line) throws IOException {
    if (line.indexOf('\0') >= 0 || line.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("one command line, without NUL or newline: " + line);
    }
    byte[] bytes = (line + '\0').getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.wrap(bytes);
    long deadline = System.nanoTime() + patience.toNanos();
    while (out.hasRemaining()) {
      // A unix socket's buffer takes a command line at once; a full one means a daemon stuck.
      if (channel.write(out) == 0) {
        if (System.nanoTime() - deadline > 0) {
          throw new IOException(socket + " took no command for " + patience);
        }
        LockSupport.parkNanos(1_000_000);
      }
    }
    ByteArrayOutputStream answer = new ByteArrayOutputStream();
    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    while (true) {
      int n = channel.read(in);
      if (n < 0) {
        throw new IOException(socket + " closed the session during '" + line + "'");
      }
      if (n > 0) {
        answer.write(in.array(), 0, in.position());
        in.clear();
        byte[] sofar = answer.toByteArray();
        int end = sofar.length;
        if (end >= 4 && sofar[end - 4] == 0 && sofar[end - 3] == 0 && sofar[end - 2] == 0) {
          return new Reply(
              sofar[end - 1] & 0xff, new String(sofar, 0, end - 4, StandardCharsets.UTF_8));
        }
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(socket + " did not answer '" + line + "' within " + patience);
      }
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
    }
  }

  /**
   * Configuration commands in one session ({@code configure terminal} first, {@code end} last).
   * Returns null when every one succeeded, else which failed and what the daemon said.
   */
  public String configure(List<String> commands) throws IOException {
    List<String> all = new ArrayList<>();
    all.add("configure terminal");
    all.addAll(commands);
    all.add("end");
    List<String> failures = new ArrayList<>();
    for (String c : all) {
      Reply r = command(c);
      if (!r.ok()) {
        failures.add("'" + c + "': " + r.output().strip() + " (status " + r.status() + ")");
      }
    }
    return failures.isEmpty() ? null : String.join("; ", failures);
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
