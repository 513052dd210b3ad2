package io.gatun.forwarder.metrics;

import io.gatun.fwd.PassiveCounters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;

/**
 * One backend's passive health counters as Prometheus counters, with the labels of its traffic
 * meters: what the outlier detector judged, so an ejection can be read against the raw answers
 * (e.g. {@code syn_resets} rising with {@code syns} is a refusing backend; {@code syns} without
 * {@code syn_acks} a silent one). Each never goes down, as the traffic counters.
 */
final class PassiveTotals {
  private final MonotonicTotal syns = new MonotonicTotal();
  private final MonotonicTotal synRetransmits = new MonotonicTotal();
  private final MonotonicTotal synAcks = new MonotonicTotal();
  private final MonotonicTotal synResets = new MonotonicTotal();
  private final MonotonicTotal unreachable = new MonotonicTotal();
  private final MonotonicTotal udpPortUnreachable = new MonotonicTotal();

  /** Registers the six counters; returns them, for removal with the backend's other meters. */
  List<Meter> register(MeterRegistry registry, Tags tags) {
    return List.of(
        counter(
            registry,
            "gatun.backend.syns",
            "New TCP connections forwarded to the backend (their opening SYN)",
            tags,
            syns),
        counter(
            registry,
            "gatun.backend.syn.retransmits",
            "SYNs again on a connection to the backend still waiting for its SYN-ACK",
            tags,
            synRetransmits),
        counter(
            registry,
            "gatun.backend.syn.acks",
            "SYN-ACKs the backend returned to a waiting connection (NAT and full NAT only)",
            tags,
            synAcks),
        counter(
            registry,
            "gatun.backend.syn.resets",
            "RSTs the backend returned to a waiting connection (NAT and full NAT only)",
            tags,
            synResets),
        counter(
            registry,
            "gatun.backend.icmp.unreachable",
            "ICMP/ICMPv6 destination unreachable about a packet sent to the backend",
            tags,
            unreachable),
        counter(
            registry,
            "gatun.backend.udp.port.unreachable",
            "Of those, port unreachable about a UDP datagram",
            tags,
            udpPortUnreachable));
  }

  void observe(PassiveCounters p) {
    syns.observe(p.syns());
    synRetransmits.observe(p.synRetransmits());
    synAcks.observe(p.synAcks());
    synResets.observe(p.synResets());
    unreachable.observe(p.unreachable());
    udpPortUnreachable.observe(p.udpPortUnreachable());
  }

  void absent() {
    syns.absent();
    synRetransmits.absent();
    synAcks.absent();
    synResets.absent();
    unreachable.absent();
    udpPortUnreachable.absent();
  }

  private static Meter counter(
      MeterRegistry registry, String name, String description, Tags tags, MonotonicTotal total) {
    return FunctionCounter.builder(name, total, MonotonicTotal::value)
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
