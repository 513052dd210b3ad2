package io.gatun.forwarder.health;

import io.gatun.forwarder.health.raw.RawExchange;
import io.gatun.forwarder.health.raw.SctpPackets;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * An SCTP INIT to the backend port: an INIT ACK means something listens (the half-open association
 * is then closed with an ABORT, so the backend keeps no state), an ABORT means nothing does.
 */
final class SctpProbe extends RawProbe {
  SctpProbe(ExchangeSource exchange) {
    super(exchange);
  }

  @Override
  ProbeResult exchange(
      RawExchange exchange, Inet4Address address, int port, HealthCheckSpec spec, long started)
      throws IOException, TimeoutException, InterruptedException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int ourPort = random.nextInt(32_768, 61_000);
    int tag = random.nextInt(1, Integer.MAX_VALUE); // an initiate tag must not be 0
    RawExchange.Packet answer =
        exchange.exchange(
            address,
            SctpPackets.init(ourPort, port, tag, random.nextInt()),
            new SctpPackets.Key(address, port, ourPort, tag),
            spec.timeout());
    byte[] packet = answer.payload();
    return switch (SctpPackets.firstChunkType(packet)) {
      case SctpPackets.INIT_ACK -> {
        exchange.send(address, SctpPackets.abort(ourPort, port, SctpPackets.initiateTag(packet)));
        yield ProbeResult.success("INIT ACK", started);
      }
      case SctpPackets.ABORT -> ProbeResult.failure("ABORT: nothing listens", started);
      default ->
          ProbeResult.failure(
              "unexpected SCTP chunk " + SctpPackets.firstChunkType(packet), started);
    };
  }

  @Override
  String name() {
    return "SCTP";
  }

  @Override
  String expected() {
    return "INIT ACK";
  }
}
