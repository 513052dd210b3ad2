package io.gatun.forwarder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatun.control.delta.SentServices;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.BackendHealth;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.Feature;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A real gRPC control-channel server on loopback standing in for the operator, for the agent's unit
 * tests (in-process agent) and the end-to-end tests (forwarder process) alike. Scripted two ways:
 * message by message on the streams the forwarder opens ({@link #nextStream}, {@link #next}), or by
 * the standing snapshot {@link #apply} sends, again on every Hello as the operator resyncs. Health
 * reports are kept with the wall-clock time they arrived. {@link #sendingDeltas} makes it send as
 * the operator does to a forwarder offering deltas: a complete snapshot first on each stream, then
 * what changed ({@link SentServices}).
 */
public final class FakeOperator implements AutoCloseable {
  /** A backend health report and when it arrived (this machine's wall clock). */
  public record HealthReport(BackendHealth health, long receivedAtMillis) {}

  /**
   * How long a wait for the forwarder may take: it observes every 5 s, and on a busy machine (tests
   * run beside builds and other tests) a dial or an ack can take many seconds.
   */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** Everything the forwarder sent, in order, for {@link #next}. */
  public final BlockingQueue<ForwarderMessage> received = new LinkedBlockingQueue<>();

  /** Every stream the forwarder opened, for {@link #nextStream}. */
  public final BlockingQueue<StreamObserver<OperatorMessage>> streams = new LinkedBlockingQueue<>();

  private final Server server;
  private final String host;
  private final List<Ack> acks = new CopyOnWriteArrayList<>();
  private final List<HealthReport> health = new CopyOnWriteArrayList<>();
  private volatile StreamObserver<OperatorMessage> latest;
  private volatile StreamObserver<OperatorMessage> greeted;
  private volatile Snapshot standing;
  private volatile boolean deltas;
  // Per stream, with deltas: what it was sent, as the operator's sender keeps it.
  private final Map<StreamObserver<OperatorMessage>, SentServices> sent = new ConcurrentHashMap<>();
  private final AtomicInteger bgpChangesSent = new AtomicInteger();

  public FakeOperator() {
    this(InsecureServerCredentials.create());
  }

  public FakeOperator(ServerCredentials credentials) {
    this(credentials, "127.0.0.1");
  }

  /** Plaintext, listening on {@code host} (a forwarder in another network namespace dials it). */
  public FakeOperator(String host) {
    this(InsecureServerCredentials.create(), host);
  }

  private FakeOperator(ServerCredentials credentials, String host) {
    this.host = host;
    try {
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress(host, 0), credentials)
              .addService(new Service())
              .permitKeepAliveTime(5, TimeUnit.SECONDS) // the agent pings every 10 s
              .permitKeepAliveWithoutCalls(true)
              .build()
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * From now on, to a forwarder whose Hello offers DELTA_SNAPSHOTS (and FLEET_DELTAS, BGP_DELTAS),
   * each stream gets a complete snapshot first and then deltas, built by the operator's {@link
   * SentServices}; a forwarder asking for a complete snapshot gets one.
   */
  public FakeOperator sendingDeltas() {
    deltas = true;
    return this;
  }

  /** Deltas sent carrying {@code bgp_changes}: the BGP configuration by what changed. */
  public int bgpChangesSent() {
    return bgpChangesSent.get();
  }

  public String target() {
    return host + ":" + server.getPort();
  }

  public StreamObserver<OperatorMessage> nextStream() throws InterruptedException {
    StreamObserver<OperatorMessage> s = streams.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
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
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (System.nanoTime() < deadline) {
      ForwarderMessage m = received.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && wanted.test(m)) {
        return m;
      }
    }
    throw new AssertionError(
        "no such message from the forwarder within " + PATIENCE.toSeconds() + " s");
  }

  public static OperatorMessage snapshot(Snapshot s) {
    return OperatorMessage.newBuilder().setSnapshot(s).build();
  }

  /**
   * Sends a snapshot now and after every reconnect; waits (60 s for a forwarder still starting)
   * until the forwarder acknowledged it, and fails if it did not apply it.
   */
  public void apply(Snapshot snapshot) {
    standing = snapshot;
    Await.until(() -> greeted != null, Duration.ofSeconds(60), () -> "the forwarder never dialled");
    send(greeted, snapshot);
    Await.until(
        () -> ackFor(snapshot.getSnapshotVersion()) != null,
        PATIENCE,
        () -> "no ack for snapshot version " + snapshot.getSnapshotVersion());
    Ack ack = ackFor(snapshot.getSnapshotVersion());
    if (!ack.getApplied()) {
      throw new AssertionError("snapshot refused: " + ack.getError());
    }
  }

  private Ack ackFor(long snapshotVersion) {
    return acks.stream()
        .filter(a -> a.getSnapshotVersion() == snapshotVersion)
        .findFirst()
        .orElse(null);
  }

  /** The first health transition reported that matches, waiting for it up to {@code within}. */
  public HealthReport awaitHealth(Predicate<BackendHealth> wanted, Duration within) {
    Await.until(
        () -> health.stream().anyMatch(r -> wanted.test(r.health())),
        within,
        () -> "no such health report; got " + health);
    return health.stream().filter(r -> wanted.test(r.health())).findFirst().orElseThrow();
  }

  /** Health transitions reported since the start or {@link #forgetHealth()}. */
  public List<HealthReport> healthReports() {
    return List.copyOf(health);
  }

  public void forgetHealth() {
    health.clear();
  }

  private synchronized void send(StreamObserver<OperatorMessage> out, Snapshot snapshot) {
    SentServices stream = sent.get(out);
    OperatorMessage message = stream == null ? snapshot(snapshot) : stream.next(snapshot);
    if (message.hasDelta() && message.getDelta().hasBgpChanges()) {
      bgpChangesSent.incrementAndGet();
    }
    out.onNext(message); // a StreamObserver is not thread-safe
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
          long now = System.currentTimeMillis();
          received.add(m);
          switch (m.getKindCase()) {
            case HELLO -> {
              if (deltas) {
                var features = m.getHello().getCapabilities().getFeaturesList();
                sent.put(
                    out,
                    new SentServices(
                        features.contains(Feature.DELTA_SNAPSHOTS),
                        features.contains(Feature.FLEET_DELTAS),
                        features.contains(Feature.BGP_DELTAS)));
              }
              greeted = out;
              Snapshot s = standing;
              if (s != null) {
                send(out, s);
              }
            }
            case ACK -> {
              acks.add(m.getAck());
              SentServices stream = sent.get(out);
              Snapshot s = standing;
              if (m.getAck().getFullSnapshotWanted() && stream != null && s != null) {
                stream.resync(m.getAck().getSnapshotVersion());
                send(out, s);
              }
            }
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
          try {
            out.onCompleted();
          } catch (IllegalStateException alreadyClosed) {
            // the test closed this stream first (nextStreamAfterClosingCurrent)
          }
        }
      };
    }
  }
}
