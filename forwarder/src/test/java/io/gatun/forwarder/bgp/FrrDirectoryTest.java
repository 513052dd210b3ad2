package io.gatun.forwarder.bgp;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.forwarder.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's half of the shared-directory protocol (tools/frr/gatun-frr), the entrypoint's half
 * played by a thread: wanted.conf with a generation, answered in {@code applied}.
 */
class FrrDirectoryTest {
  @TempDir Path dir;

  /**
   * Plays the entrypoint once: waits for wanted.conf, answers its generation with {@code how}. An
   * older generation's answer is in {@code applied} before the agent writes: it must wait for its
   * own.
   */
  private Thread entrypoint(String how, AtomicReference<String> seen) throws Exception {
    Files.writeString(dir.resolve(FrrDirectory.APPLIED), "1 ok\n");
    return Thread.ofPlatform()
        .start(
            () -> {
              try {
                Path wanted = dir.resolve(FrrDirectory.WANTED);
                Await.until(
                    () -> Files.exists(wanted), Duration.ofSeconds(60), () -> "no wanted.conf");
                String text = Files.readString(wanted);
                seen.set(text);
                String gen =
                    text.lines()
                        .findFirst()
                        .orElseThrow()
                        .substring(FrrDirectory.GENERATION_LINE.length());
                Files.writeString(dir.resolve(FrrDirectory.APPLIED), gen + " " + how + "\n");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
  }

  @Test
  void aConfigurationIsAppliedWhenItsGenerationIsAnsweredOk() throws Exception {
    var seen = new AtomicReference<String>();
    Thread t = entrypoint("ok", seen);

    String error =
        new FrrDirectory(dir, Optional.empty()).apply("router bgp 64512\n", Duration.ofSeconds(30));

    t.join();
    assertThat(error).isNull();
    assertThat(seen.get())
        .startsWith(FrrDirectory.GENERATION_LINE)
        .endsWith("\nrouter bgp 64512\n");
  }

  @Test
  void aRefusalComesBackWithWhatFrrReloadSaid() throws Exception {
    Thread t =
        entrypoint(
            "failed: frr-reload exited 1: line 3: % Unknown command", new AtomicReference<>());

    String error = new FrrDirectory(dir, Optional.empty()).apply("bogus\n", Duration.ofSeconds(30));

    t.join();
    assertThat(error).isEqualTo("failed: frr-reload exited 1: line 3: % Unknown command");
  }

  @Test
  void noFrrIsNotReadyAndAnInstanceIsTheReadyToken() throws Exception {
    FrrDirectory frr = new FrrDirectory(dir, Optional.empty());
    assertThat(frr.instance()).isNull();

    Files.writeString(dir.resolve(FrrDirectory.READY), "12345-67\n");

    assertThat(frr.instance()).isEqualTo("12345-67");
  }
}
