package io.gatun.operator.it;

import static org.awaitility.Awaitility.await;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A forwarder that speaks the real protocol over a real gRPC connection, and acks on demand. */
final class FakeForwarder implements AutoCloseable {

  private final String name;
  private final ManagedChannel channel;
  private final List<Snapshot> received = new CopyOnWriteArrayList<>();
  private final StreamObserver<ForwarderMessage> requests;

  private FakeForwarder(String name, int port) {
    this.name = name;
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    this.requests =
        ControlPlaneGrpc.newStub(channel)
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(OperatorMessage message) {
                    received.add(message.getSnapshot());
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
  }

  static FakeForwarder connect(String name, int port) {
    var forwarder = new FakeForwarder(name, port);
    forwarder.send(
        ForwarderMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setForwarderName(name)
                    .setNodeName("node-" + name)
                    .addCapabilities("fullnat"))
            .build());
    return forwarder;
  }

  /** Waits for a snapshot matching {@code test} and returns the latest such. */
  Snapshot awaitSnapshot(Predicate<Snapshot> test) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> received.reversed().stream().filter(test).findFirst().orElse(null),
            s -> s != null);
  }

  Snapshot latest() {
    return received.getLast();
  }

  void ack(long generation) {
    send(
        ForwarderMessage.newBuilder()
            .setAck(Ack.newBuilder().setGeneration(generation).setApplied(true))
            .build());
  }

  void reject(long generation, String error) {
    send(
        ForwarderMessage.newBuilder()
            .setAck(Ack.newBuilder().setGeneration(generation).setApplied(false).setError(error))
            .build());
  }

  String name() {
    return name;
  }

  private synchronized void send(ForwarderMessage message) {
    requests.onNext(message);
  }

  @Override
  public void close() {
    synchronized (this) {
      requests.onCompleted();
    }
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
