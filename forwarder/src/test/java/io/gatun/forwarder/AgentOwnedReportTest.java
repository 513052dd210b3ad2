package io.gatun.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.Snapshot;
import io.gatun.forwarder.fleet.Announcer;
import io.gatun.forwarder.testing.FakeOperator;
import io.gatun.forwarder.testing.RecordingDataPlane;
import io.gatun.forwarder.testing.ScriptedProbe;
import io.gatun.forwarder.testing.Snapshots;
import io.gatun.forwarder.testing.TestForwarder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * VIPs a fleet claims on its own thread, after the snapshot that brought them was acknowledged,
 * reach the operator soon: it holds a new LoadBalancer's status for the owner's report only a
 * couple of seconds, and the periodic observation comes every five.
 */
class AgentOwnedReportTest {
  private final FakeOperator operator = new FakeOperator();
  private final ClaimingLater announcer = new ClaimingLater();
  private final TestForwarder forwarder =
      TestForwarder.inProcess(
          operator, new RecordingDataPlane(), type -> new ScriptedProbe(), registry -> announcer);

  @AfterEach
  void stop() throws InterruptedException {
    forwarder.close();
    operator.close();
  }

  @Test
  void aVipClaimedAfterTheAckIsReportedBeforeTheNextPeriodicObservation()
      throws InterruptedException {
    operator
        .nextStream()
        .onNext(
            FakeOperator.snapshot(
                Snapshot.newBuilder()
                    .setSnapshotVersion(3)
                    .addServices(Snapshots.service("198.18.0.11"))
                    .build()));
    assertThat(operator.next(ForwarderMessage::hasAck).getAck().getApplied()).isTrue();
    // A periodic observation has just gone out: the next is five seconds away.
    operator.next(m -> m.hasObservation() && m.getObservation().getBackendHealthCount() == 0);

    long claimedAt = System.nanoTime();
    announcer.owned = List.of("198.18.0.200");
    Observation report =
        operator
            .next(
                m ->
                    m.hasObservation()
                        && m.getObservation().getVipsOwnedList().contains("198.18.0.200"))
            .getObservation();
    Duration took = Duration.ofNanos(System.nanoTime() - claimedAt);

    assertThat(took)
        .as("reported within the operator's settling time")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(report.getPortsCount()).as("a complete observation").isEqualTo(1);
  }

  /** A fleet member as the agent sees it: it claims VIPs when the test says so. */
  private static final class ClaimingLater implements Announcer {
    volatile List<String> owned = List.of();

    @Override
    public void start() {}

    @Override
    public void serve(Collection<InetAddress> vips) {}

    @Override
    public List<String> owned() {
      return owned;
    }

    @Override
    public void describe(Observation.Builder observation) {}

    @Override
    public void leave() {}

    @Override
    public Duration drainGrace() {
      return Duration.ZERO;
    }

    @Override
    public void close() {}
  }
}
