package io.gatun.forwarder.fleet;

import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.Observation;
import java.net.InetAddress;
import java.util.Collection;
import java.util.List;

/**
 * Decides which of the served VIPs this forwarder answers for and tells the network: {@link Fleet}
 * in L2 mode (one owner per VIP among the live forwarders), {@link LoneAnnouncer} without a fleet
 * (every VIP). A BGP mode (every eligible forwarder advertises a route) is a third implementation
 * beside them.
 */
public interface Announcer extends AutoCloseable {
  /** Begins (a thread of its own when it has a loop). */
  void start();

  /** The VIPs the data plane serves now (after refusals); called on every change. */
  void serve(Collection<InetAddress> vips);

  /**
   * The operator's per-Pool timers and per-VIP candidates (Snapshot.fleet; empty: none), given
   * before the snapshot's VIPs are {@link #serve served}. Only a fleet uses them.
   */
  default void configure(FleetConfig fleet) {}

  /**
   * Those of the served VIPs with a NAT-mode service (their backends answer clients through a
   * return-path gateway); told before {@link #serve} on every change. Only a fleet cares.
   */
  default void serveNat(Collection<InetAddress> natVips) {}

  /**
   * A snapshot from the operator is applied (called after each one): the data plane has services to
   * forward. A fleet member claims nothing before.
   */
  default void ready() {}

  /** The addresses this forwarder answers for now, as text (RFC 5952), sorted. */
  List<String> owned();

  /** Adds what it knows of the fleet to an observation for the operator (fields 30-39). */
  void describe(Observation.Builder observation);

  /**
   * A planned stop: hands every address over at once (peers take over without waiting for this
   * forwarder to fall silent) and stops answering for them; the data plane keeps forwarding what
   * still reaches it until the caller closes it after {@link #drainGrace}.
   */
  void leave();

  /** How long to keep forwarding after {@link #leave()}. */
  java.time.Duration drainGrace();

  @Override
  void close();
}
