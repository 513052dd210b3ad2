package io.gatun.forwarder.health.passive;

import io.gatun.fwd.PassiveCounters;

/**
 * One reading of a backend's counters (cumulative, as the data plane keeps them).
 *
 * @param newFlows connections (TCP) or flows (UDP) the data plane opened to it
 */
public record Sample(PassiveCounters counters, long newFlows) {}
