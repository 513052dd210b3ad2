package io.gatun.forwarder.control;

import io.gatun.control.delta.DeltaAssembly;
import io.gatun.control.delta.SentObservations;
import io.gatun.control.delta.SnapshotChange;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.SnapshotDelta;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarder's side of the control channel: dials the operator, says hello, reports the health
 * of every probed backend, applies every snapshot it receives and acknowledges it, sends
 * observations periodically and on every health transition, and redials with jittered exponential
 * backoff when the stream ends. A new stream is a full resync: the operator answers the Hello with
 * its complete latest snapshot, and after it sends only what changed ({@code SnapshotDelta}), which
 * a {@link DeltaAssembly} per stream turns back into the complete snapshot it stands for, handed on
 * with what it changed (so that applying it costs what changed). A delta that does not build on the
 * last message (a gap) is answered with a request for a complete one. The data plane keeps running
 * its last snapshot meanwhile.
 *
 * <p>Observations go the same way back: the first on a stream is complete; once the operator's
 * {@link ObservationTerms} say it takes changes, each later one carries only how the VIPs owned and
 * advertised changed ({@link SentObservations}), numbered so that the operator sees a gap and asks
 * for a complete one, which goes out at once.
 */
public final class ControlChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
  private static final Duration STABLE = Duration.ofSeconds(10);

  /** What the channel reports. */
  public interface Reports {
    Hello hello();

    /**
     * Ports, rates, every VIP owned and advertised: sent every observation period (the VIPs as
     * their changes to an operator that takes them).
     */
    Observation periodic();

    /** Periodic plus the health of every probed backend: sent after each (re)connect. */
    Observation complete();
  }

  private final ControlTransport transport;
  private final Function<SnapshotChange, Ack> onSnapshot;
  private final Reports reports;
  private final Duration observationPeriod;
  private final Duration maxBackoff;
  private final Counter streamsEnded;
  private final Counter completeSnapshots;
  private final Counter deltas;
  private final Counter gaps;
  private final Counter completeObservations;
  private final Counter changeObservations;
  private volatile boolean connected;
  private volatile boolean closed;
  private volatile Outbound current;
  private volatile ManagedChannel channel;

  public ControlChannel(
      ControlTransport transport,
      Function<SnapshotChange, Ack> onSnapshot,
      Reports reports,
      Duration observationPeriod,
      Duration maxBackoff,
      MeterRegistry registry) {
    this.transport = transport;
    this.onSnapshot = onSnapshot;
    this.reports = reports;
    this.observationPeriod = observationPeriod;
    this.maxBackoff = maxBackoff;
    Gauge.builder("gatun.control.connected", this, c -> c.connected ? 1 : 0)
        .description("1 while the control stream to the operator is up")
        .register(registry);
    this.streamsEnded =
        Counter.builder("gatun.control.disconnects")
            .description("Control streams to the operator that ended (each followed by a redial)")
            .register(registry);
    this.completeSnapshots = received(registry, "complete");
    this.deltas = received(registry, "delta");
    this.gaps = received(registry, "gap");
    this.completeObservations = observations(registry, "complete");
    this.changeObservations = observations(registry, "changes");
  }

  /** One stream's sending half and what was told on it (guarded by the channel's lock). */
  private record Outbound(StreamObserver<ForwarderMessage> out, SentObservations observations) {}

  private static Counter observations(MeterRegistry registry, String kind) {
    return Counter.builder("gatun.control.observations")
        .description(
            "Observations sent to the operator: complete (every VIP listed) or changes (only the"
                + " VIPs gained and lost, to an operator that takes them)")
        .tag("kind", kind)
        .register(registry);
  }

  private static Counter received(MeterRegistry registry, String kind) {
    return Counter.builder("gatun.control.snapshot.messages")
        .description(
            "Snapshot messages from the operator: complete, delta, or a delta that did not build"
                + " on the last one (gap: a complete snapshot is asked for)")
        .tag("kind", kind)
        .register(registry);
  }

  /** Whether a stream is up and the operator has spoken on it. */
  public boolean connected() {
    return connected;
  }

  /** Runs until {@link #close()}: one stream at a time, redialled with backoff. */
  public void run() throws InterruptedException {
    Thread observer = Thread.ofVirtual().name("observations").start(this::observeForever);
    try {
      Duration backoff = FIRST_BACKOFF;
      while (!closed) {
        long started = System.nanoTime();
        Throwable ended = streamOnce();
        if (closed) {
          break;
        }
        streamsEnded.increment();
        boolean wasStable = Duration.ofNanos(System.nanoTime() - started).compareTo(STABLE) > 0;
        backoff = wasStable ? FIRST_BACKOFF : min(backoff.multipliedBy(2), maxBackoff);
        long sleep =
            backoff.toMillis() / 2
                + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
        log.warn(
            "control stream to the operator ended ({}); the data plane keeps its last snapshot;"
                + " redialling in {} ms",
            describe(ended),
            sleep);
        Thread.sleep(sleep);
      }
    } finally {
      observer.interrupt();
    }
  }

  private Throwable streamOnce() throws InterruptedException {
    ManagedChannel ch;
    try {
      ch = transport.open();
    } catch (IOException | RuntimeException e) {
      return e;
    }
    channel = ch;
    CompletableFuture<Throwable> done = new CompletableFuture<>();
    try {
      current =
          new Outbound(
              ControlPlaneGrpc.newStub(ch).connect(new Inbound(done)), new SentObservations());
      send(ForwarderMessage.newBuilder().setHello(reports.hello()).build());
      report(reports.complete());
      log.info("dialled the operator at {}", transport);
      return done.get();
    } catch (ExecutionException e) {
      return e.getCause();
    } finally {
      connected = false;
      current = null;
      ch.shutdownNow();
    }
  }

  /**
   * Sends an observation now if a stream is up (e.g. a health transition); else drops it. {@code
   * whole} lists every VIP owned and advertised; what goes out may carry only their changes.
   */
  public void report(Observation whole) {
    Outbound stream = current;
    if (stream == null) {
      return;
    }
    // Numbered and sent under one lock: observations reach the operator in their numbers' order.
    synchronized (this) {
      Observation observation = stream.observations().next(whole);
      (observation.hasVipChanges() ? changeObservations : completeObservations).increment();
      send(stream, ForwarderMessage.newBuilder().setObservation(observation).build());
    }
  }

  private void send(ForwarderMessage message) {
    Outbound stream = current;
    if (stream != null) {
      send(stream, message);
    }
  }

  private void send(Outbound stream, ForwarderMessage message) {
    synchronized (this) { // a StreamObserver is not thread-safe
      try {
        stream.out().onNext(message);
      } catch (RuntimeException e) {
        // An observation lost here leaves a gap in the numbers: the operator asks for a whole one.
        log.debug("send failed: {}", e.getMessage());
      }
    }
  }

  /**
   * The operator's terms for observations on this stream; when it could not apply one, a complete
   * observation goes out now rather than at the next period.
   */
  private void terms(ObservationTerms terms) {
    Outbound stream = current;
    if (stream == null) {
      return;
    }
    boolean completeNow;
    synchronized (this) {
      boolean wasComplete = stream.observations().completeNext();
      stream.observations().terms(terms);
      completeNow = terms.getCompleteWantedAfter() > 0 && stream.observations().completeNext();
      if (completeNow && !wasComplete) {
        log.info(
            "the operator could not apply observation {}: sending a complete one",
            terms.getCompleteWantedAfter());
      }
    }
    if (completeNow) {
      report(reports.periodic());
    }
  }

  private void observeForever() {
    while (!closed) {
      try {
        Thread.sleep(observationPeriod);
        if (connected) {
          report(reports.periodic());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.debug("observation failed: {}", e.getMessage());
      }
    }
  }

  private final class Inbound implements StreamObserver<OperatorMessage> {
    private final CompletableFuture<Throwable> done;
    private final DeltaAssembly assembly = new DeltaAssembly();

    Inbound(CompletableFuture<Throwable> done) {
      this.done = done;
    }

    @Override
    public void onNext(OperatorMessage message) {
      if (!connected) {
        connected = true;
        log.info("control stream to {} is up", transport);
      }
      if (message.hasSnapshot()) {
        completeSnapshots.increment();
        Ack ack =
            onSnapshot.apply(SnapshotChange.complete(assembly.complete(message.getSnapshot())));
        send(ForwarderMessage.newBuilder().setAck(ack).build());
      } else if (message.hasDelta()) {
        SnapshotDelta delta = message.getDelta();
        deltas.increment();
        long had = assembly.version();
        Ack ack =
            assembly
                .change(delta)
                .map(onSnapshot)
                .orElseGet(
                    () -> {
                      gaps.increment();
                      log.warn(
                          "snapshot delta {} builds on {}, but {} came last: asking for a complete"
                              + " snapshot",
                          delta.getSnapshotVersion(),
                          delta.getBaseSnapshotVersion(),
                          had);
                      return Ack.newBuilder()
                          .setSnapshotVersion(delta.getSnapshotVersion())
                          .setError(
                              "delta builds on snapshot version "
                                  + delta.getBaseSnapshotVersion()
                                  + ", the forwarder has "
                                  + had
                                  + ": send a complete snapshot")
                          .setFullSnapshotWanted(true)
                          .build();
                    });
        send(ForwarderMessage.newBuilder().setAck(ack).build());
      } else if (message.hasObservationTerms()) {
        terms(message.getObservationTerms());
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
  }

  /** One line: the status code, its description, and the cause gRPC wrapped (e.g. TLS's). */
  private static String describe(Throwable ended) {
    if (ended == null) {
      return "closed by the operator";
    }
    Status status = Status.fromThrowable(ended);
    String description =
        status.getDescription() == null
            ? ""
            : ": " + status.getDescription().lines().findFirst().orElse("");
    Throwable cause = status.getCause();
    return status.getCode()
        + description
        + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  @Override
  public void close() {
    closed = true;
    Outbound stream = current;
    if (stream != null) {
      synchronized (this) {
        try {
          stream.out().onCompleted();
        } catch (RuntimeException e) {
          log.debug("closing the stream: {}", e.getMessage());
        }
      }
    }
    ManagedChannel ch = channel;
    if (ch != null) {
      ch.shutdownNow();
    }
  }
}
