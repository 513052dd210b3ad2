package io.gatun.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WriteGateTest {

  private final WriteGate gate = new WriteGate();

  @Test
  void anOpenGateRunsTheWriteAndSaysWhatItDid() {
    assertThat(gate.ifOpen(() -> true)).isTrue();
    assertThat(gate.ifOpen(() -> false)).isFalse();
  }

  @Test
  void noWriteStartsOnceTheGateIsClosed() {
    var writes = new AtomicInteger();
    gate.close();

    assertThat(gate.ifOpen(() -> writes.incrementAndGet() > 0)).isFalse();
    assertThat(writes).hasValue(0);
    assertThat(gate.isOpen()).isFalse();
  }

  @Test
  void closingWaitsForTheWriteUnderWay() throws Exception {
    var writing = new CountDownLatch(1);
    var finish = new CountDownLatch(1);
    var writer =
        Thread.ofPlatform()
            .start(
                () ->
                    gate.ifOpen(
                        () -> {
                          writing.countDown();
                          try {
                            finish.await();
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          return true;
                        }));
    writing.await();
    var closer = Thread.ofPlatform().start(gate::close);

    // The closer parks on the lock the write holds; it cannot be done before the write is.
    await().atMost(Duration.ofMinutes(1)).until(() -> closer.getState() == Thread.State.WAITING);
    assertThat(closer.isAlive()).isTrue();
    finish.countDown();
    closer.join(Duration.ofMinutes(1));
    writer.join(Duration.ofMinutes(1));
    assertThat(closer.isAlive()).isFalse();
    assertThat(gate.isOpen()).isFalse();
  }
}
