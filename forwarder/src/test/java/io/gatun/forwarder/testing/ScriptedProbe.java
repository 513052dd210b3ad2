package io.gatun.forwarder.testing;

import io.gatun.forwarder.health.HealthCheckSpec;
import io.gatun.forwarder.health.Probe;
import io.gatun.forwarder.health.ProbeResult;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A probe whose verdicts the test decides: every target answers unless marked down. */
public final class ScriptedProbe implements Probe {
  private final Set<String> down = ConcurrentHashMap.newKeySet();

  public void down(String address) {
    down.add(address);
  }

  public void up(String address) {
    down.remove(address);
  }

  @Override
  public ProbeResult check(InetSocketAddress target, HealthCheckSpec spec) {
    long started = System.nanoTime();
    String address = target.getAddress().getHostAddress();
    return down.contains(address)
        ? ProbeResult.failure("scripted down", started)
        : ProbeResult.success("scripted up", started);
  }
}
