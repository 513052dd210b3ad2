package io.gatun.forwarder;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a real gRPC server on loopback standing in for the operator. */
class ControlChannelTest {
  private final BlockingQueue<ForwarderMessage> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<StreamObserver<OperatorMessage>> streams =
      new LinkedBlockingQueue<>();
  private final RecordingDataPlane dataPlane = new RecordingDataPlane();
  private Server server;
  private ControlChannel channel;

  private void startOperator() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new ControlPlaneGrpc.ControlPlaneImplBase() {
                  @Override
                  public StreamObserver<ForwarderMessage> connect(
                      StreamObserver<OperatorMessage> out) {
                    streams.add(out);
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(ForwarderMessage m) {
                        received.add(m);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    };
                  }
                })
            .build()
            .start();
  }

  private void startForwarder() {
    channel =
        new ControlChannel(
            "127.0.0.1:" + server.getPort(),
            new SnapshotApplier(dataPlane),
            () -> Hello.newBuilder().setForwarderName("fwd-test").build(),
            Observation::getDefaultInstance,
            Duration.ofMillis(400));
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                channel.run();
              } catch (InterruptedException ignored) {
                // test over
              }
            });
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    server.shutdownNow();
  }

  @Test
  void helloThenSnapshotsAcknowledgedThenResyncAfterTheStreamDrops() throws Exception {
    startOperator();
    startForwarder();

    StreamObserver<OperatorMessage> first = streams.poll(5, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(next().getHello().getForwarderName()).isEqualTo("fwd-test");

    first.onNext(snapshotMessage(5));
    assertThat(next().getAck().getGeneration()).isEqualTo(5);
    first.onNext(snapshotMessage(4));
    ForwarderMessage stale = next();
    assertThat(stale.getAck().getApplied()).as("an older generation is refused").isFalse();

    first.onCompleted(); // the operator goes away
    StreamObserver<OperatorMessage> second = streams.poll(5, TimeUnit.SECONDS);
    assertThat(second).as("the forwarder redials").isNotNull();
    assertThat(next().hasHello()).isTrue();
    second.onNext(snapshotMessage(1)); // a restarted operator counting from 1
    ForwarderMessage resync = next();
    assertThat(resync.getAck().getApplied()).isTrue();
    assertThat(dataPlane.commits).hasSize(2);
  }

  private ForwarderMessage next() throws InterruptedException {
    ForwarderMessage m;
    do {
      m = received.poll(5, TimeUnit.SECONDS);
      assertThat(m).as("a message from the forwarder").isNotNull();
    } while (m.hasObservation());
    return m;
  }

  private static OperatorMessage snapshotMessage(long generation) {
    Snapshot s = SnapshotApplierTest.snapshot(generation, "198.18.0.11");
    return OperatorMessage.newBuilder().setSnapshot(s).build();
  }
}
