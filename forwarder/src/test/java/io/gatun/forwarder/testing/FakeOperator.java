package io.gatun.forwarder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real gRPC server on loopback standing in for the operator, scripted by the test. */
public final class FakeOperator implements AutoCloseable {
  public final BlockingQueue<ForwarderMessage> received = new LinkedBlockingQueue<>();
  public final BlockingQueue<StreamObserver<OperatorMessage>> streams = new LinkedBlockingQueue<>();
  private final Server server;
  private volatile StreamObserver<OperatorMessage> latest;

  public FakeOperator() {
    this(InsecureServerCredentials.create());
  }

  public FakeOperator(ServerCredentials credentials) {
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
              .addService(new Service())
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public StreamObserver<OperatorMessage> nextStream() throws InterruptedException {
    StreamObserver<OperatorMessage> s = streams.poll(10, TimeUnit.SECONDS);
    assertThat(s).as("the forwarder dials").isNotNull();
    return s;
  }

  /** Ends the forwarder's current stream (as an operator restart would); waits for the redial. */
  public StreamObserver<OperatorMessage> nextStreamAfterClosingCurrent()
      throws InterruptedException {
    StreamObserver<OperatorMessage> current = latest;
    if (current != null) {
      current.onCompleted();
    }
    return nextStream();
  }

  /** The next message the forwarder sent that matches, skipping others. */
  public ForwarderMessage next(Predicate<ForwarderMessage> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      ForwarderMessage m = received.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && wanted.test(m)) {
        return m;
      }
    }
    throw new AssertionError("no such message from the forwarder within 10 s");
  }

  public static OperatorMessage snapshot(Snapshot s) {
    return OperatorMessage.newBuilder().setSnapshot(s).build();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private final class Service extends ControlPlaneGrpc.ControlPlaneImplBase {
    @Override
    public StreamObserver<ForwarderMessage> connect(StreamObserver<OperatorMessage> out) {
      streams.add(out);
      latest = out;
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
  }
}
