package io.gatun.e2e.rig;

import io.gatun.control.v1.BackendHealth;
import io.gatun.forwarder.testing.FakeOperator;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * One backend failure under traffic, timed: client traffic through the VIP runs in the background,
 * the backend is broken, the forwarder's health report says when it left rotation, the backend is
 * restored, the report says when it came back.
 *
 * @param brokenAt wall clock just before the backend was broken
 * @param outAt when the forwarder's report that it took it out of rotation arrived
 * @param restoredAt wall clock once the backend was restored
 * @param backAt when the report that it is back arrived
 * @param traffic what the client saw during the whole run
 */
public record Failover(long brokenAt, long outAt, long restoredAt, long backAt, Traffic traffic) {

  /** How to break and restore backend N ("backend-N"). */
  public record Fault(int backend, Runnable breakIt, Runnable restore) {
    public String address() {
      return TestNetwork.backend(backend);
    }

    public String name() {
      return "backend-" + backend;
    }
  }

  /** Answers from every backend before the break, and from the victim once it is back. */
  public static final int ANSWERS = 3;

  /** How long traffic may take to get going, and the victim to answer again: a busy machine. */
  public static final Duration TRAFFIC_BOUND = Duration.ofSeconds(60);

  /**
   * Traffic runs until every backend answered {@link #ANSWERS} requests; then the backend is broken
   * and stays so for {@code brokenFor} or until it is out of rotation, whichever is later; traffic
   * runs on until the restored backend is back in rotation and answered again.
   *
   * @param trafficArgs traffic.py arguments (protocol choice, timeout, rate)
   */
  public static Failover run(
      TestNetwork network,
      FakeOperator operator,
      String vip,
      List<String> trafficArgs,
      Fault fault,
      Duration brokenFor) {
    operator.forgetHealth();
    try (LiveTraffic traffic = network.liveTraffic(vip, trafficArgs)) {
      traffic.awaitAnswers(
          network.backendNames(), ANSWERS, System.currentTimeMillis(), TRAFFIC_BOUND);
      List<FakeOperator.HealthReport> early = operator.healthReports();
      if (!early.isEmpty()) {
        // A verdict before anything broke (e.g. probes timing out on a starved machine) would
        // make every figure below meaningless.
        throw new AssertionError("health changed before the backend was broken: " + early);
      }
      long brokenAt = System.currentTimeMillis();
      fault.breakIt().run();
      // When the report arrived: the forwarder reports after its data plane runs without it.
      long outAt =
          operator
              .awaitHealth(is(fault.address(), false), Duration.ofSeconds(60))
              .receivedAtMillis();
      sleep(Math.max(0, brokenAt + brokenFor.toMillis() - System.currentTimeMillis()));
      fault.restore().run();
      long restoredAt = System.currentTimeMillis();
      long backAt =
          operator
              .awaitHealth(is(fault.address(), true), Duration.ofSeconds(60))
              .receivedAtMillis();
      traffic.awaitAnswers(List.of(fault.name()), 1, backAt, TRAFFIC_BOUND);
      return new Failover(brokenAt, outAt, restoredAt, backAt, traffic.stop());
    }
  }

  private static Predicate<BackendHealth> is(String address, boolean healthy) {
    return h -> h.getAddress().equals(address) && h.getHealthy() == healthy;
  }

  /** One line for the test log. */
  public String summary() {
    return "out of rotation "
        + outOfRotationMillis()
        + " ms after the break, back "
        + backInRotationMillis()
        + " ms after the restore, "
        + failures().size()
        + " of "
        + traffic.requests().size()
        + " requests failed";
  }

  public long outOfRotationMillis() {
    return outAt - brokenAt;
  }

  /**
   * From the first request that failed after the break to the forwarder's report that the backend
   * is out of rotation: how long new connections kept going to it once the first ones failed. An
   * upper bound (the data plane acted before the report left); -1 if no request failed.
   */
  public long firstFailureToOutMillis() {
    return traffic.requests().stream()
        .filter(Traffic.Request::failed)
        .mapToLong(Traffic.Request::atMillis)
        .filter(at -> at >= brokenAt)
        .min()
        .stream()
        .map(first -> outAt - first)
        .findFirst()
        .orElse(-1);
  }

  public long backInRotationMillis() {
    return backAt - restoredAt;
  }

  /** Failed requests that left outside the window in which the broken backend was in rotation. */
  public List<Traffic.Request> failuresOutsideTheWindow(long inFlightMillis) {
    return traffic.requests().stream()
        .filter(Traffic.Request::failed)
        .filter(r -> r.atMillis() < brokenAt - inFlightMillis || r.atMillis() > outAt)
        .toList();
  }

  /** For failure messages: each request with its time relative to the break and the report. */
  public String around(List<Traffic.Request> requests) {
    List<Traffic.Request> all = traffic.requests();
    StringBuilder b = new StringBuilder();
    for (Traffic.Request r : requests) {
      int i = all.indexOf(r);
      b.append(
          String.format(
              "%n  %+d ms after the break, %+d ms after the report: %s; neighbours: %s",
              r.atMillis() - brokenAt,
              r.atMillis() - outAt,
              r.outcome(),
              all.subList(Math.max(0, i - 3), Math.min(all.size(), i + 4)).stream()
                  .map(n -> (n.atMillis() - brokenAt) + " " + n.outcome())
                  .toList()));
    }
    return b.toString();
  }

  public List<Traffic.Request> failures() {
    return traffic.requests().stream().filter(Traffic.Request::failed).toList();
  }

  /** Requests a backend answered that left in [from, to). */
  public long answeredBy(String backend, long from, long to) {
    return traffic.requests().stream()
        .filter(r -> r.outcome().equals(backend) && r.atMillis() >= from && r.atMillis() < to)
        .count();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
