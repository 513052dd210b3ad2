package io.gatun.forwarder;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.OperatorMessage;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's side of the control channel: dials the operator, says hello, applies every
 * snapshot it receives and acknowledges it, and redials with backoff when the stream ends. The data
 * plane keeps running its last snapshot while the operator is away.
 */
public final class ControlChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration OBSERVATION_PERIOD = Duration.ofSeconds(5);

  private final ManagedChannel channel;
  private final SnapshotApplier applier;
  private final Supplier<Hello> hello;
  private final Supplier<Observation> observation;
  private final Duration maxBackoff;
  private volatile boolean closed;
  private volatile StreamObserver<ForwarderMessage> current;

  public ControlChannel(
      String target,
      SnapshotApplier applier,
      Supplier<Hello> hello,
      Supplier<Observation> observation,
      Duration maxBackoff) {
    this.channel =
        NettyChannelBuilder.forTarget(target)
            .usePlaintext()
            .keepAliveTime(10, TimeUnit.SECONDS)
            .keepAliveTimeout(5, TimeUnit.SECONDS)
            .keepAliveWithoutCalls(true)
            .build();
    this.applier = applier;
    this.hello = hello;
    this.observation = observation;
    this.maxBackoff = maxBackoff;
  }

  /**
   * Runs until {@link #close()}: one stream at a time, redialled with jittered exponential backoff.
   */
  public void run() throws InterruptedException {
    Thread.ofVirtual().name("observations").start(this::observeForever);
    Duration backoff = FIRST_BACKOFF;
    while (!closed) {
      long started = System.nanoTime();
      Throwable ended = streamOnce();
      if (closed) {
        break;
      }
      boolean healthy =
          Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(10)) > 0;
      backoff = healthy ? FIRST_BACKOFF : min(backoff.multipliedBy(2), maxBackoff);
      long sleep =
          backoff.toMillis() / 2 + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
      log.warn(
          "control stream to the operator ended ({}); the data plane keeps its last snapshot; redialling in {} ms",
          ended == null ? "closed by the operator" : ended.getMessage(),
          sleep);
      Thread.sleep(sleep);
    }
  }

  private Throwable streamOnce() throws InterruptedException {
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    applier.newStream();
    StreamObserver<ForwarderMessage> out =
        ControlPlaneGrpc.newStub(channel)
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(OperatorMessage message) {
                    if (message.hasSnapshot()) {
                      Ack ack = applier.apply(message.getSnapshot());
                      send(ForwarderMessage.newBuilder().setAck(ack).build());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.complete(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    current = out;
    send(ForwarderMessage.newBuilder().setHello(hello.get()).build());
    log.info("control stream open to the operator");
    try {
      return done.get();
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } finally {
      current = null;
    }
  }

  private void send(ForwarderMessage message) {
    StreamObserver<ForwarderMessage> out = current;
    if (out == null) {
      return;
    }
    synchronized (this) { // a StreamObserver is not thread-safe
      try {
        out.onNext(message);
      } catch (RuntimeException e) {
        log.debug("send failed: {}", e.getMessage());
      }
    }
  }

  private void observeForever() {
    while (!closed) {
      try {
        Thread.sleep(OBSERVATION_PERIOD);
        send(ForwarderMessage.newBuilder().setObservation(observation.get()).build());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.debug("observation failed: {}", e.getMessage());
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  @Override
  public void close() {
    closed = true;
    StreamObserver<ForwarderMessage> out = current;
    if (out != null) {
      synchronized (this) {
        out.onCompleted();
      }
    }
    channel.shutdownNow();
  }
}
