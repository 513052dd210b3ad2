package io.gatun.forwarder.testing;

import io.gatun.forwarder.health.HealthCheckSpec;
import io.gatun.forwarder.health.Probe;
import io.gatun.forwarder.health.ProbeResult;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A probe whose verdicts the test decides: every target answers unless marked down; while paused, a
 * check does not finish (as a probe of a target that does not answer yet).
 */
public final class ScriptedProbe implements Probe {
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private volatile CountDownLatch paused = new CountDownLatch(0);

  /** Checks from now on wait until {@link #resume()}. */
  public void pause() {
    paused = new CountDownLatch(1);
  }

  public void resume() {
    paused.countDown();
  }

  public void down(String address) {
    down.add(address);
  }

  public void up(String address) {
    down.remove(address);
  }

  @Override
  public ProbeResult check(InetSocketAddress target, HealthCheckSpec spec) {
    try {
      paused.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.failure("interrupted while paused", System.nanoTime());
    }
    long started = System.nanoTime();
    String address = target.getAddress().getHostAddress();
    return down.contains(address)
        ? ProbeResult.failure("scripted down", started)
        : ProbeResult.success("scripted up", started);
  }
}
