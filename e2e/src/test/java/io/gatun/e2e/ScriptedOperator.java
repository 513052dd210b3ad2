package io.gatun.e2e;

import io.gatun.control.v1.Ack;
import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real gRPC control-channel server in the test JVM that sends the snapshots a test writes and
 * records what the forwarder says: for tests of the forwarder agent that need exact snapshots
 * (health checks, generations) rather than the operator's reconciliation.
 */
final class ScriptedOperator implements AutoCloseable {
  /** A backend health report and when it arrived (this machine's wall clock). */
  record HealthReport(BackendHealth health, long receivedAtMillis) {}

  private final Server server;
  private final List<Ack> acks = new CopyOnWriteArrayList<>();
  private final List<HealthReport> health = new CopyOnWriteArrayList<>();
  private volatile StreamObserver<OperatorMessage> stream;
  private volatile Snapshot latest;

  ScriptedOperator() {
    try {
      server =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
              .addService(new Service())
              .permitKeepAliveTime(5, java.util.concurrent.TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Sends a snapshot (again after every reconnect) and waits until the forwarder applied it. */
  void apply(Snapshot snapshot) {
    latest = snapshot;
    awaitCondition(() -> stream != null, Duration.ofSeconds(60), "the forwarder never dialled");
    synchronized (this) {
      stream.onNext(OperatorMessage.newBuilder().setSnapshot(snapshot).build());
    }
    awaitCondition(
        () -> acks.stream().anyMatch(a -> a.getSnapshotVersion() == snapshot.getSnapshotVersion()),
        Duration.ofSeconds(10),
        "no ack for generation " + snapshot.getSnapshotVersion());
    Ack ack =
        acks.stream()
            .filter(a -> a.getSnapshotVersion() == snapshot.getSnapshotVersion())
            .findFirst()
            .get();
    if (!ack.getApplied()) {
      throw new AssertionError("snapshot refused: " + ack.getError());
    }
  }

  /** The first health report matching, waiting for it up to {@code within}. */
  HealthReport awaitHealth(Predicate<BackendHealth> wanted, Duration within) {
    awaitCondition(
        () -> health.stream().anyMatch(r -> wanted.test(r.health())),
        within,
        "no such health report; got " + health);
    return health.stream().filter(r -> wanted.test(r.health())).findFirst().get();
  }

  List<HealthReport> healthReports() {
    return List.copyOf(health);
  }

  void forgetHealth() {
    health.clear();
  }

  private static void awaitCondition(
      java.util.function.BooleanSupplier condition, Duration within, String failure) {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private final class Service extends ControlPlaneGrpc.ControlPlaneImplBase {
    @Override
    public StreamObserver<ForwarderMessage> connect(StreamObserver<OperatorMessage> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ForwarderMessage m) {
          long now = System.currentTimeMillis();
          switch (m.getKindCase()) {
            case HELLO -> {
              stream = out;
              Snapshot s = latest;
              if (s != null) {
                synchronized (ScriptedOperator.this) {
                  out.onNext(OperatorMessage.newBuilder().setSnapshot(s).build());
                }
              }
            }
            case ACK -> acks.add(m.getAck());
            case OBSERVATION -> {
              if (!m.getObservation().getCompleteHealth()) {
                m.getObservation()
                    .getBackendHealthList()
                    .forEach(h -> health.add(new HealthReport(h, now)));
              }
            }
            default -> {}
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          out.onCompleted();
        }
      };
    }
  }
}
