package io.gatun.forwarder.control;

import io.gatun.control.v1.Capabilities;
import io.gatun.control.v1.Family;
import io.gatun.control.v1.Feature;
import io.gatun.control.v1.ForwardingMode;
import io.gatun.control.v1.Hello;
import io.gatun.control.v1.Observation;
import io.gatun.control.v1.Port;
import io.gatun.control.v1.PortState;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Scheduling;
import io.gatun.forwarder.ForwarderConfig;
import io.gatun.forwarder.dataplane.DataPlaneControl;
import io.gatun.forwarder.fleet.Announcer;
import io.gatun.forwarder.health.HealthStatus;
import io.gatun.forwarder.metrics.DataPlaneMetrics;
import io.gatun.forwarder.serving.ServingState;
import io.gatun.forwarder.serving.SnapshotApplier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent tells the operator: who it is (Hello), how its ports and traffic are (periodic
 * observations, with the VIPs it answers for and the fleet as it sees it), and how its backends are
 * (health, complete after every (re)connect, else one transition at a time).
 *
 * <p>The data plane counts packets over all ports together: a port's rx / tx / drops are reported
 * when there is one port, and left at zero when there are several.
 */
public final class AgentReports implements ControlChannel.Reports {
  /**
   * What this data plane runs: every protocol, forwarding mode and scheduling the bindings know
   * (the channel's values of the same numbers), session affinity and draining backends (an operator
   * sends draining backends only to forwarders that offer it: any other would serve them). The
   * address families follow the ports' addresses.
   */
  static final Capabilities CAPABILITIES =
      Capabilities.newBuilder()
          .addAllProtocols(
              Arrays.stream(io.gatun.fwd.Protocol.values())
                  .map(p -> Protocol.forNumber(p.code()))
                  .toList())
          .addAllModes(
              Arrays.stream(io.gatun.fwd.ForwardingMode.values())
                  .map(m -> ForwardingMode.forNumber(m.code()))
                  .toList())
          .addAllSchedulings(
              Arrays.stream(io.gatun.fwd.Scheduling.values())
                  .map(s -> Scheduling.forNumber(s.code()))
                  .toList())
          .addFeatures(Feature.SESSION_AFFINITY)
          .addFeatures(Feature.DRAINING)
          .addFeatures(Feature.DELTA_SNAPSHOTS)
          .addFeatures(Feature.FLEET_DELTAS) // DeltaAssembly applies SnapshotDelta.fleet_changes
          .addFeatures(Feature.BGP_DELTAS) // and SnapshotDelta.bgp_changes
          .addFeatures(Feature.OBSERVATION_CHANGES) // ControlChannel sends VIPs as changes
          .build();

  private final ForwarderConfig config;
  private final List<Port> ports;
  private final DataPlaneControl dataPlane;
  private final DataPlaneMetrics metrics;
  private final SnapshotApplier applier;
  private final ServingState serving;
  private final Announcer announcer;
  private volatile java.util.function.Consumer<Observation.Builder> alsoDescribe = o -> {};
  private List<String> ownedReported = List.of();
  private long lastRxPackets = -1;
  private long lastRxAtNanos;

  /**
   * @param ports each port's name, MAC and addresses (its link state is read when reported)
   */
  public AgentReports(
      ForwarderConfig config,
      List<Port> ports,
      DataPlaneControl dataPlane,
      DataPlaneMetrics metrics,
      SnapshotApplier applier,
      ServingState serving,
      Announcer announcer) {
    this.config = config;
    this.ports = List.copyOf(ports);
    this.dataPlane = dataPlane;
    this.metrics = metrics;
    this.applier = applier;
    this.serving = serving;
    this.announcer = announcer;
  }

  /** Adds what another part of the agent reports (BGP: fields 60-69) to every observation. */
  public void describeAlso(java.util.function.Consumer<Observation.Builder> describe) {
    this.alsoDescribe = describe;
  }

  @Override
  public Hello hello() {
    Hello.Builder hello =
        Hello.newBuilder()
            .setForwarderName(config.name())
            .setNodeName(config.node())
            .setCapabilities(CAPABILITIES.toBuilder().addAllFamilies(families()))
            .setAppliedSnapshotVersion(applier.lastSnapshotVersion());
    for (int i = 0; i < ports.size(); i++) {
      hello.addPorts(ports.get(i).toBuilder().setLinkUp(dataPlane.linkUp(i)));
    }
    return hello.build();
  }

  /** The families the ports have addresses of. */
  private List<Family> families() {
    return ports.stream()
        .flatMap(p -> p.getAddressesList().stream())
        .map(cidr -> cidr.contains(":") ? Family.IPV6 : Family.IPV4)
        .distinct()
        .sorted()
        .toList();
  }

  @Override
  public synchronized Observation periodic() {
    metrics.refreshCounters();
    Map<String, Long> c = metrics.latest();
    long rx = c.getOrDefault("rx_packets", 0L);
    long now = System.nanoTime();
    double rate =
        lastRxPackets < 0 || now == lastRxAtNanos
            ? 0
            : (rx - lastRxPackets) * 1e9 / (now - lastRxAtNanos);
    lastRxPackets = rx;
    lastRxAtNanos = now;
    long drops =
        c.entrySet().stream()
            .filter(e -> e.getKey().startsWith("drop_"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    ownedReported = announcer.owned();
    Observation.Builder o =
        Observation.newBuilder()
            .setRxPacketsPerSecond(Math.max(0, rate))
            .addAllVipsOwned(ownedReported);
    announcer.describe(o);
    alsoDescribe.accept(o);
    boolean onePort = ports.size() == 1;
    for (int i = 0; i < ports.size(); i++) {
      var stats = dataPlane.portStats(i);
      PortState.Builder p =
          PortState.newBuilder()
              .setName(ports.get(i).getName())
              .setLinkUp(dataPlane.linkUp(i))
              .setRxPackets(stats.rxPackets())
              .setTxPackets(stats.txPackets())
              .setMissedPackets(stats.rxMissed());
      if (onePort) {
        p.setDroppedPackets(drops); /* the data plane's drop reasons are not per port */
      }
      o.addPorts(p);
    }
    return o.build();
  }

  /**
   * A periodic observation now if the VIPs this forwarder answers for changed since the last one
   * went out: sent before the Ack of the snapshot that changed them, it lets the operator write a
   * new LoadBalancer's status once, Programmed and Announced together, where waiting for the next
   * periodic observation (up to {@code OBSERVATION_PERIOD} later) cost a second status write for a
   * third of the LoadBalancers created in a burst (bench/controlplane.sh).
   */
  public synchronized Optional<Observation> ifOwnedChanged() {
    return announcer.owned().equals(ownedReported) ? Optional.empty() : Optional.of(periodic());
  }

  @Override
  public Observation complete() {
    Observation.Builder o = periodic().toBuilder().setCompleteHealth(true);
    serving.healthStatuses().forEach(s -> o.addBackendHealth(s.toProto()));
    return o.build();
  }

  /**
   * A backend's health changed: a periodic observation carrying it. Not the transition alone: the
   * operator takes every observation as the forwarder's whole state (fleet peers, BGP sessions, and
   * the VIPs owned: whole, or their changes once the operator takes those), so one naming no VIP
   * made it mark every LoadBalancer of this forwarder NotAnnounced until the next periodic
   * observation, two status writes each per health transition.
   */
  public synchronized Observation transition(HealthStatus status) {
    return periodic().toBuilder().addBackendHealth(status.toProto()).build();
  }
}
