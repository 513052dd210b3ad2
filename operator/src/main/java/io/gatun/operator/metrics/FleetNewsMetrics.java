package io.gatun.operator.metrics;

import io.gatun.operator.control.ConflictNews;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.VipMoveNews;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The fleet's news as the operator hears it, across every forwarder: {@code
 * gatun_operator_vip_moves_total} (each move once, though two forwarders report it) and {@code
 * gatun_operator_address_conflicts_total{source}} ({@code peer}: another forwarder of the fleet
 * answered too, a healing partition; {@code foreign}: some other device). The forwarders export
 * their own views (gatun_fleet_*); these are the cluster's.
 */
public final class FleetNewsMetrics implements FleetListener {

  private final Counter moves;
  private final Counter peerConflicts;
  private final Counter foreignConflicts;

  public FleetNewsMetrics(MeterRegistry registry) {
    this.moves =
        Counter.builder("gatun_operator_vip_moves_total")
            .description("VIPs that changed hands between forwarders, as reported to the operator")
            .register(registry);
    this.peerConflicts = conflicts(registry, "peer");
    this.foreignConflicts = conflicts(registry, "foreign");
  }

  private static Counter conflicts(MeterRegistry registry, String source) {
    return Counter.builder("gatun_operator_address_conflicts_total")
        .description("Reports of another MAC answering for an address a forwarder owns")
        .tag("source", source)
        .register(registry);
  }

  @Override
  public void vipsMoved(List<VipMoveNews> news) {
    moves.increment(news.size());
  }

  @Override
  public void addressConflicts(List<ConflictNews> news) {
    for (ConflictNews conflict : news) {
      (conflict.peer() == null ? foreignConflicts : peerConflicts).increment();
    }
  }
}
