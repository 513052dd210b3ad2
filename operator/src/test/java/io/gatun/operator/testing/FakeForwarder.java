package io.gatun.operator.testing;

import static org.awaitility.Awaitility.await;

import io.gatun.control.delta.DeltaAssembly;
import io.gatun.control.delta.SentObservations;
import io.gatun.control.v1.Ack;
import io.gatun.control.v1.Capabilities;
import io.gatun.control.v1.ControlPlaneGrpc;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwarderMessage;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.ObservationTerms;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Port;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.RefusedService;
import io.gatun.control.v1.Scheduling;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A forwarder that speaks the real protocol over a real gRPC connection: says Hello, records every
 * snapshot, and acknowledges on demand or, with {@code autoAck}, each one as it arrives; told to,
 * it refuses chosen services as a data plane would (the rest of the snapshot runs).
 */
public final class FakeForwarder implements AutoCloseable {

  /** What the real forwarder advertises, and what the ITs' LoadBalancers need. */
  public static final Capabilities CAPABILITIES =
      Capabilities.newBuilder()
          .addAllFamilies(List.of(Family.IPV4, Family.IPV6))
          .addAllProtocols(List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP))
          .addModes(ForwardingMode.FULL_NAT)
          .addSchedulings(Scheduling.MAGLEV)
          .build();

  /**
   * {@link #CAPABILITIES} and the delta channel, as the real forwarder offers it: after a complete
   * snapshot, only what changed arrives; {@link #received} still lists complete snapshots (each
   * delta assembled into the snapshot it stands for), the fleet's and the BGP configuration's
   * changes included.
   */
  public static final Capabilities DELTA_CAPABLE =
      CAPABILITIES.toBuilder()
          .addFeatures(Feature.DELTA_SNAPSHOTS)
          .addFeatures(Feature.FLEET_DELTAS)
          .addFeatures(Feature.BGP_DELTAS)
          .build();

  /**
   * {@link #CAPABILITIES} and observation changes, as the real forwarder offers them: once the
   * operator's terms take them, what {@link #observe} is given (every VIP owned and advertised)
   * goes as the agent sends it — numbered, only the VIPs changed — and a request for a complete one
   * is answered at once.
   */
  public static final Capabilities OBSERVATION_CHANGES_CAPABLE =
      CAPABILITIES.toBuilder().addFeatures(Feature.OBSERVATION_CHANGES).build();

  /** {@link #CAPABILITIES} and draining backends. */
  public static final Capabilities DRAINING_CAPABLE =
      CAPABILITIES.toBuilder().addFeatures(Feature.DRAINING).build();

  private final String name;
  private final ManagedChannel channel;
  private final List<Snapshot> received = new CopyOnWriteArrayList<>();
  private final AtomicReference<Status> ended = new AtomicReference<>();
  private final Map<String, String> refusing = new ConcurrentHashMap<>(); // service key -> why
  private final boolean autoAck;
  // Null: it reports no VIPs; zero: before the Ack; else this long after it.
  private volatile Duration announcesAfterAck;
  private List<String> announced = List.of();
  private final DeltaAssembly assembly = new DeltaAssembly();
  private final AtomicInteger deltas = new AtomicInteger();
  // What the operator was told of the VIPs, as the agent's channel keeps it (guarded by this).
  private final SentObservations observations = new SentObservations();
  private Observation lastObserved; // the last whole observation given (guarded by this)
  private int changesSent; // guarded by this
  private final StreamObserver<ForwarderMessage> requests;

  private FakeForwarder(String name, int port, ChannelCredentials credentials, boolean autoAck) {
    this.name = name;
    this.autoAck = autoAck;
    this.channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    this.requests =
        ControlPlaneGrpc.newStub(channel)
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(OperatorMessage message) {
                    if (message.hasObservationTerms()) {
                      terms(message.getObservationTerms());
                      return;
                    }
                    // A delta (to a forwarder whose capabilities offer them) is assembled into
                    // the complete snapshot it stands for, as the agent does.
                    Snapshot snapshot;
                    synchronized (assembly) {
                      snapshot =
                          message.hasDelta()
                              ? assembly.delta(message.getDelta()).orElse(null)
                              : assembly.complete(message.getSnapshot());
                    }
                    if (snapshot == null) {
                      askForComplete(message.getDelta().getSnapshotVersion());
                      return;
                    }
                    deltas.addAndGet(message.hasDelta() ? 1 : 0);
                    received.add(snapshot);
                    Duration after = FakeForwarder.this.announcesAfterAck;
                    if (after == null) {
                      if (FakeForwarder.this.autoAck) {
                        ack(snapshot.getSnapshotVersion());
                      }
                      return;
                    }
                    if (after.isZero()) {
                      announce(snapshot);
                    }
                    if (FakeForwarder.this.autoAck) {
                      ack(snapshot.getSnapshotVersion());
                    }
                    if (after.isPositive()) {
                      Thread.ofVirtual()
                          .start(
                              () -> {
                                try {
                                  Thread.sleep(after);
                                  announce(snapshot);
                                } catch (InterruptedException e) {
                                  Thread.currentThread().interrupt();
                                }
                              });
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.set(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    ended.set(Status.OK);
                  }
                });
  }

  /** A forwarder named {@code name} on node {@code node-<name>}, acking by hand. */
  public static FakeForwarder connect(String name, int port) {
    return connect(name, "node-" + name, port, CAPABILITIES, false);
  }

  public static FakeForwarder connect(
      String name, String node, int port, Capabilities capabilities, boolean autoAck) {
    return connect(name, node, port, capabilities, autoAck, InsecureChannelCredentials.create());
  }

  public static FakeForwarder connect(
      String name,
      String node,
      int port,
      Capabilities capabilities,
      boolean autoAck,
      ChannelCredentials credentials) {
    var forwarder = new FakeForwarder(name, port, credentials, autoAck);
    forwarder.send(
        ForwarderMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setForwarderName(name)
                    .setNodeName(node)
                    .setCapabilities(capabilities)
                    .addPorts(
                        Port.newBuilder()
                            .setName("net_af_packet0")
                            .setMac("02:00:00:00:00:01")
                            .addAddresses("198.18.0.2/24")
                            .setLinkUp(true)))
            .build());
    return forwarder;
  }

  /**
   * From now on, answers for every VIP it is given and says so as the agent without a fleet does:
   * an observation naming them all, sent before the Ack of a snapshot that changed them.
   */
  public FakeForwarder announcing() {
    announcesAfterAck = Duration.ZERO;
    return this;
  }

  /**
   * From now on, answers for every VIP it is given and says so {@code delay} after acknowledging
   * the snapshot that brought them, as a fleet member electing owners on its own thread may.
   */
  public FakeForwarder announcingAfterAck(Duration delay) {
    announcesAfterAck = delay;
    return this;
  }

  private void announce(Snapshot snapshot) {
    List<String> vips =
        snapshot.getServicesList().stream()
            .map(VirtualService::getVip)
            .distinct()
            .sorted()
            .toList();
    synchronized (this) {
      if (vips.equals(announced)) {
        return;
      }
      announced = vips;
    }
    observe(Observation.newBuilder().addAllVipsOwned(vips).build());
  }

  /** Waits for a snapshot matching {@code test} and returns the latest such. */
  public Snapshot awaitSnapshot(Predicate<Snapshot> test) {
    return await()
        .atMost(Patience.PATIENCE)
        .until(
            () -> received.reversed().stream().filter(test).findFirst().orElse(null),
            s -> s != null);
  }

  /** How many of the snapshots received came as deltas. */
  public int deltasReceived() {
    return deltas.get();
  }

  public Snapshot latest() {
    return received.getLast();
  }

  public List<Snapshot> received() {
    return List.copyOf(received);
  }

  /** How the operator ended the stream; null while it is open. */
  public Status ended() {
    return ended.get();
  }

  /**
   * From now on, acknowledges snapshots as a data plane that refuses the service {@code key} (when
   * the snapshot has it) and runs the rest.
   */
  public void refuse(String key, String error) {
    refusing.put(key, error);
  }

  /** Stops refusing {@code key} from the next acknowledgement on. */
  public void stopRefusing(String key) {
    refusing.remove(key);
  }

  /** Applies {@code snapshotVersion}, minus the services it is told to {@link #refuse}. */
  public void ack(long snapshotVersion) {
    var ack = Ack.newBuilder().setSnapshotVersion(snapshotVersion).setApplied(true);
    received.stream()
        .filter(s -> s.getSnapshotVersion() == snapshotVersion)
        .findFirst()
        .ifPresent(
            snapshot ->
                snapshot.getServicesList().stream()
                    .filter(service -> refusing.containsKey(service.getKey()))
                    .forEach(
                        service ->
                            ack.addRefused(
                                RefusedService.newBuilder()
                                    .setServiceKey(service.getKey())
                                    .setError(refusing.get(service.getKey())))));
    send(ForwarderMessage.newBuilder().setAck(ack).build());
  }

  /** A delta that does not build on what it has: applies nothing, asks for a complete one. */
  private void askForComplete(long snapshotVersion) {
    send(
        ForwarderMessage.newBuilder()
            .setAck(
                Ack.newBuilder()
                    .setSnapshotVersion(snapshotVersion)
                    .setApplied(false)
                    .setFullSnapshotWanted(true)
                    .setError("delta on a base this forwarder does not have"))
            .build());
  }

  public void reject(long snapshotVersion, String error) {
    send(
        ForwarderMessage.newBuilder()
            .setAck(
                Ack.newBuilder()
                    .setSnapshotVersion(snapshotVersion)
                    .setApplied(false)
                    .setError(error))
            .build());
  }

  /**
   * Reports {@code observation}, which lists every VIP owned and advertised: whole, or as the
   * changes since the last one once the operator's terms take them.
   */
  public synchronized void observe(Observation observation) {
    lastObserved = observation;
    Observation sent = observations.next(observation);
    changesSent += sent.hasVipChanges() ? 1 : 0;
    send(ForwarderMessage.newBuilder().setObservation(sent).build());
  }

  /** How many observations went as changes (the operator's terms took them). */
  public synchronized int changesSent() {
    return changesSent;
  }

  private synchronized void terms(ObservationTerms terms) {
    observations.terms(terms);
    if (terms.getCompleteWantedAfter() > 0 && observations.completeNext() && lastObserved != null) {
      observe(lastObserved);
    }
  }

  public String name() {
    return name;
  }

  private synchronized void send(ForwarderMessage message) {
    if (ended.get() == null) {
      requests.onNext(message);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (ended.get() == null) {
        requests.onCompleted();
      }
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
