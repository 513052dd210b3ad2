package io.gatun.forwarder.health;

import io.gatun.control.v1.HealthCheck;
import io.gatun.forwarder.health.raw.IcmpEcho;
import io.gatun.forwarder.health.raw.RawExchange;
import io.gatun.forwarder.health.raw.SctpPackets;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.SSLContext;

/**
 * One probe per type, shared by every backend checked with it; owns the raw sockets of the ICMP and
 * SCTP probes, opened the first time one is needed.
 */
public final class Probes implements ProbeSet, AutoCloseable {
  private final Probe tcp = new TcpProbe();
  private final Probe udp = new UdpProbe();
  private final Probe http;
  private final Probe https;
  private final Probe icmp = new IcmpProbe(this::icmpExchange);
  private final Probe sctp = new SctpProbe(this::sctpExchange);
  private RawExchange icmpExchange;
  private RawExchange sctpExchange;

  /** {@code verifying}: how HTTPS probes check certificates unless told to skip it. */
  public Probes(SSLContext verifying) {
    this.http = new HttpProbe(false, verifying);
    this.https = new HttpProbe(true, verifying);
  }

  /** HTTPS verification against the JVM's trust store. */
  public static Probes withDefaultTrust() {
    try {
      return new Probes(SSLContext.getDefault());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no default TLS context in this JVM", e);
    }
  }

  @Override
  public Probe forType(HealthCheck.Type type) {
    return switch (type) {
      case TCP -> tcp;
      case UDP -> udp;
      case HTTP -> http;
      case HTTPS -> https;
      case ICMP -> icmp;
      case SCTP -> sctp;
      case PASSIVE, TYPE_UNSPECIFIED, UNRECOGNIZED ->
          throw new IllegalArgumentException("no probe of type " + type);
    };
  }

  private synchronized RawExchange icmpExchange() throws IOException {
    if (icmpExchange == null) {
      icmpExchange = RawExchange.open(IcmpEcho.PROTOCOL, IcmpEcho::replyKey);
    }
    return icmpExchange;
  }

  private synchronized RawExchange sctpExchange() throws IOException {
    if (sctpExchange == null) {
      sctpExchange = RawExchange.open(SctpPackets.PROTOCOL, SctpPackets::replyKey);
    }
    return sctpExchange;
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (icmpExchange != null) {
      icmpExchange.close();
    }
    if (sctpExchange != null) {
      sctpExchange.close();
    }
  }
}
