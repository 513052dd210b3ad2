package io.gatun.operator.bench;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.OperatorMessage;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A gRPC relay between the operator and one forwarder that reads what passes: the forwarder dials
 * the tap, the tap dials the operator, and every message goes through unchanged. It counts the
 * operator's messages and their bytes (protobuf payload, as the channel carries it before gRPC's
 * 5-byte frame prefix), and hands each message and acknowledgement to the {@link ChangeClock}, so
 * the same clock reads the fake and the real forwarder. The relay costs both the same (two loopback
 * hops instead of one, tens of microseconds), small beside what is measured.
 */
final class ChannelTap implements AutoCloseable {
  private final ManagedChannel operator;
  private final Server server;
  private final AtomicLong operatorMessages = new AtomicLong();
  private final AtomicLong operatorBytes = new AtomicLong();
  private final AtomicLong completeSnapshots = new AtomicLong();
  private final AtomicLong forwarderBytes = new AtomicLong();
  private final AtomicReference<ChangeClock> clock = new AtomicReference<>();
  private final AnswerTimes answers = new AnswerTimes();

  private ChannelTap(int operatorPort) throws IOException {
    operator =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", operatorPort, InsecureChannelCredentials.create())
            .maxInboundMessageSize(64 << 20)
            .build();
    server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .maxInboundMessageSize(64 << 20)
            // The agent pings every 10 s; gRPC's default would answer GOAWAY too_many_pings and
            // cut the forwarder off mid-run. The operator's server permits the same.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(new Relay())
            .build()
            .start();
  }

  /** A tap in front of the operator's control channel on {@code operatorPort}. */
  static ChannelTap start(int operatorPort) throws IOException {
    return new ChannelTap(operatorPort);
  }

  /** Where forwarders dial instead of the operator. */
  int port() {
    return server.getPort();
  }

  /** From now on, messages and acknowledgements also go to {@code changes}. */
  void watch(ChangeClock changes) {
    clock.set(changes);
  }

  /** How long the forwarder took to answer each message (applied or rejected). */
  AnswerTimes answers() {
    return answers;
  }

  /** What the operator sent so far, and what the forwarder answered. */
  Totals totals() {
    return new Totals(
        operatorMessages.get(), operatorBytes.get(), completeSnapshots.get(), forwarderBytes.get());
  }

  /**
   * @param operatorMessages snapshots and deltas sent to the forwarder
   * @param operatorBytes their protobuf bytes
   * @param completeSnapshots how many of them were complete snapshots
   * @param forwarderBytes the forwarder's messages' bytes (Hello, Acks, Observations)
   */
  record Totals(
      long operatorMessages, long operatorBytes, long completeSnapshots, long forwarderBytes) {
    Totals minus(Totals before) {
      return new Totals(
          operatorMessages - before.operatorMessages,
          operatorBytes - before.operatorBytes,
          completeSnapshots - before.completeSnapshots,
          forwarderBytes - before.forwarderBytes);
    }
  }

  private final class Relay extends ControlPlaneGrpc.ControlPlaneImplBase {
    @Override
    public StreamObserver<ForwarderMessage> connect(StreamObserver<OperatorMessage> toForwarder) {
      StreamObserver<ForwarderMessage> toOperator =
          ControlPlaneGrpc.newStub(operator)
              .connect(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(OperatorMessage message) {
                      if (!message.hasSnapshot() && !message.hasDelta()) {
                        toForwarder.onNext(message); // the observation terms: no snapshot
                        return;
                      }
                      operatorMessages.incrementAndGet();
                      operatorBytes.addAndGet(message.getSerializedSize());
                      if (message.hasSnapshot()) {
                        completeSnapshots.incrementAndGet();
                      }
                      long now = System.nanoTime();
                      answers.sent(
                          message.hasDelta()
                              ? message.getDelta().getSnapshotVersion()
                              : message.getSnapshot().getSnapshotVersion(),
                          now);
                      ChangeClock changes = clock.get();
                      if (changes != null) {
                        changes.sent(message, now);
                      }
                      toForwarder.onNext(message);
                    }

                    @Override
                    public void onError(Throwable t) {
                      toForwarder.onError(t);
                    }

                    @Override
                    public void onCompleted() {
                      toForwarder.onCompleted();
                    }
                  });
      return new StreamObserver<>() {
        @Override
        public void onNext(ForwarderMessage message) {
          forwarderBytes.addAndGet(message.getSerializedSize());
          if (message.hasAck()) {
            Ack ack = message.getAck();
            long now = System.nanoTime();
            answers.answered(ack.getSnapshotVersion(), now);
            ChangeClock changes = clock.get();
            if (changes != null) {
              changes.acked(ack, now);
            }
          }
          toOperator.onNext(message);
        }

        @Override
        public void onError(Throwable t) {
          toOperator.onError(t);
        }

        @Override
        public void onCompleted() {
          toOperator.onCompleted();
        }
      };
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    operator.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    operator.awaitTermination(5, TimeUnit.SECONDS);
  }
}
