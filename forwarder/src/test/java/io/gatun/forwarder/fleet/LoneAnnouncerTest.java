package io.gatun.forwarder.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LoneAnnouncerTest {

  @Test
  void announcesEachVipOnceWhenItIsGainedAndNotAgain() {
    var dataPlane = new RecordingDataPlane();
    var announcer =
        new LoneAnnouncer(dataPlane, 3, Duration.ofMillis(100), new SimpleMeterRegistry());

    announcer.serve(vips(0, 3));
    announcer.serve(vips(0, 4)); // one more
    announcer.serve(vips(1, 4)); // one fewer
    announcer.serve(vips(0, 4)); // the one lost comes back

    assertThat(dataPlane.announced)
        .containsExactly(
            "198.18.128.1", "198.18.128.2", "198.18.128.3", "198.18.128.4", "198.18.128.1");
    assertThat(announcer.owned()).hasSize(4);
  }

  @Test
  void tenThousandVipsServedAgainAnnounceNothing() {
    var dataPlane = new RecordingDataPlane();
    var announcer =
        new LoneAnnouncer(dataPlane, 3, Duration.ofMillis(100), new SimpleMeterRegistry());
    announcer.serve(vips(0, 10_000));
    dataPlane.announced.clear();

    for (int i = 0; i < 20; i++) {
      announcer.serve(vips(0, 10_000));
    }

    assertThat(dataPlane.announced).isEmpty();
  }

  private static List<InetAddress> vips(int from, int to) {
    return IntStream.range(from, to).mapToObj(LoneAnnouncerTest::vip).toList();
  }

  private static InetAddress vip(int i) {
    try {
      return InetAddress.getByAddress(
          new byte[] {(byte) 198, (byte) 18, (byte) (128 + i / 250), (byte) (1 + i % 250)});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
