package io.gatun.forwarder.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FrrVty against a scripted daemon speaking FRR's vty protocol: NUL-terminated command lines in,
 * output and a four-byte trailer (three NULs, the status) out, in as many pieces as it likes. (The
 * real bgpd and bfdd answer it in BgpE2E and NodeInstallE2E.)
 */
class FrrVtyTest {
  @TempDir Path dir;
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private Thread daemon;

  @AfterEach
  void stop() throws InterruptedException {
    if (daemon != null) {
      daemon.interrupt();
      daemon.join(5000);
    }
  }

  /** A one-session daemon answering each line with {@code answer}'s bytes, byte by byte. */
  private Path daemon(Function<String, byte[]> answer) throws IOException {
    Path socket = dir.resolve("bgpd.vty");
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    daemon =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (server;
                      SocketChannel s = server.accept()) {
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    ByteBuffer b = ByteBuffer.allocate(1);
                    while (s.read(b) > 0) {
                      byte c = b.get(0);
                      b.clear();
                      if (c != 0) {
                        line.write(c);
                        continue;
                      }
                      String cmd = line.toString(StandardCharsets.UTF_8);
                      line.reset();
                      heard.add(cmd);
                      for (byte x : answer.apply(cmd)) {
                        s.write(ByteBuffer.wrap(new byte[] {x}));
                      }
                    }
                  } catch (IOException e) {
                    // the client went
                  }
                });
    return socket;
  }

  private static byte[] reply(String output, int status) {
    byte[] text = output.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[text.length + 4];
    System.arraycopy(text, 0, all, 0, text.length);
    all[all.length - 1] = (byte) status;
    return all;
  }

  @Test
  void enablesTheSessionThenReadsEachAnswerUpToItsTrailer() throws IOException {
    Path socket =
        daemon(cmd -> cmd.startsWith("show") ? reply("{\"peers\":{}}\n", 0) : reply("", 0));

    try (FrrVty vty = FrrVty.open(socket, Duration.ofSeconds(30))) {
      FrrVty.Reply r = vty.command("show bgp summary json");

      assertThat(r.status()).isZero();
      assertThat(r.output()).isEqualTo("{\"peers\":{}}\n");
    }
    assertThat(heard).containsExactly("enable", "show bgp summary json");
  }

  @Test
  void configureNamesTheCommandsTheDaemonRefused() throws IOException {
    Path socket =
        daemon(
            cmd ->
                cmd.startsWith("bogus")
                    ? reply("% [BGP] Unknown command: " + cmd + "\n", 2)
                    : reply("", 0));

    try (FrrVty vty = FrrVty.open(socket, Duration.ofSeconds(30))) {
      String error = vty.configure(List.of("router bgp 64512", "bogus line"));

      assertThat(error).contains("'bogus line'").contains("Unknown command").contains("status 2");
    }
    assertThat(heard)
        .containsExactly("enable", "configure terminal", "router bgp 64512", "bogus line", "end");
  }

  @Test
  void aDaemonThatDoesNotAnswerIsGivenUpAfterThePatience() throws IOException {
    Path socket = daemon(cmd -> cmd.equals("enable") ? reply("", 0) : new byte[0]);

    try (FrrVty vty = FrrVty.open(socket, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> vty.command("show bfd peers json"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("did not answer 'show bfd peers json'");
    }
  }

  @Test
  void noSocketIsAClearError() {
    assertThatThrownBy(() -> FrrVty.open(dir.resolve("absent.vty"), Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class);
    assertThat(Files.exists(dir.resolve("absent.vty"))).isFalse();
  }
}
