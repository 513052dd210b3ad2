package io.gatun.forwarder.health;

import io.gatun.forwarder.health.raw.RawExchange;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeoutException;

/** What ICMP and SCTP probes share: an IPv4 target and one request / reply on a raw socket. */
abstract class RawProbe implements Probe {
  /** Opens the shared raw socket on first use (and says why it cannot). */
  @FunctionalInterface
  interface ExchangeSource {
    RawExchange get() throws IOException;
  }

  private final ExchangeSource exchange;

  RawProbe(ExchangeSource exchange) {
    this.exchange = exchange;
  }

  @Override
  public final ProbeResult check(InetSocketAddress target, HealthCheckSpec spec) {
    long started = System.nanoTime();
    if (!(target.getAddress() instanceof Inet4Address address)) {
      return ProbeResult.failure(name() + " probes reach IPv4 backends only", started);
    }
    try {
      return exchange(exchange.get(), address, target.getPort(), spec, started);
    } catch (TimeoutException e) {
      return ProbeResult.failure(
          "no " + expected() + " within " + spec.timeout().toMillis() + " ms", started);
    } catch (IOException e) {
      return ProbeResult.failure(e.getMessage(), started);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.failure("interrupted", started);
    }
  }

  abstract ProbeResult exchange(
      RawExchange exchange, Inet4Address address, int port, HealthCheckSpec spec, long started)
      throws IOException, TimeoutException, InterruptedException;

  abstract String name();

  /** The answer a timeout reason says never came. */
  abstract String expected();
}
