package io.gatun.forwarder.health;

import io.gatun.forwarder.health.raw.IcmpEcho;
import io.gatun.forwarder.health.raw.RawExchange;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** An ICMP echo request; healthy on the matching echo reply. The backend port plays no part. */
final class IcmpProbe extends RawProbe {
  private static final byte[] DATA = "gatun-health-probe".getBytes(StandardCharsets.US_ASCII);

  // One identifier per agent, so replies to another program's pings are not taken for ours.
  private final int identifier = ThreadLocalRandom.current().nextInt(1 << 16);
  private final AtomicInteger sequence = new AtomicInteger();

  IcmpProbe(ExchangeSource exchange) {
    super(exchange);
  }

  @Override
  ProbeResult exchange(
      RawExchange exchange, Inet4Address address, int port, HealthCheckSpec spec, long started)
      throws IOException, TimeoutException, InterruptedException {
    int seq = sequence.incrementAndGet() & 0xffff;
    exchange.exchange(
        address,
        IcmpEcho.request(identifier, seq, DATA),
        new IcmpEcho.Key(address, identifier, seq),
        spec.timeout());
    return ProbeResult.success("echo reply", started);
  }

  @Override
  String name() {
    return "ICMP";
  }

  @Override
  String expected() {
    return "echo reply";
  }
}
