package io.gatun.fwd;

/** A port's counters as its driver keeps them ({@code rte_eth_stats}). */
public record PortStats(
    long rxPackets,
    long txPackets,
    long rxBytes,
    long txBytes,
    long rxMissed,
    long rxErrors,
    long txErrors,
    long rxNoMbuf) {}
