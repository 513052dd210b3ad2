package io.gatun.operator.bench;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1beta1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Endpoint changes spread over the LoadBalancers, written at a steady rate, each timed from the
 * EndpointSlice write to the forwarder running it ({@link ChangeClock} through the {@link
 * ChannelTap}): change {@code k} replaces the second endpoint of LoadBalancer {@code k × size /
 * changes} (in turn when there are more changes than LoadBalancers) with an address of its own.
 * With the real forwarder, also what each change cost its data plane (gfwd_commit, from the agent's
 * meters) and the forwarder's memory.
 */
final class EndpointChurn {
  private static final Duration PATIENCE = Duration.ofMinutes(5);

  private EndpointChurn() {}

  /** The address change {@code k} brings: 10.3.0.1, 10.3.0.2, ... (none exists before). */
  static String newAddress(int k) {
    return "10.3." + (k / 250) + "." + (k % 250 + 1);
  }

  /** The LoadBalancer change {@code k} of {@code changes} touches, spread over {@code size}. */
  static int target(int k, int size, int changes) {
    return changes >= size ? k % size : (int) ((long) k * size / changes);
  }

  static List<Figure> run(
      KubernetesClient client,
      int size,
      int changes,
      double perSecond,
      ChannelTap tap,
      RealForwarder real,
      String label)
      throws InterruptedException, IOException {
    if (changes > 62_500) {
      throw new IllegalArgumentException("at most 62,500 changes (10.3.0.0/16 addresses)");
    }
    String commitsBefore = real == null ? null : real.scrape();
    var clock = new ChangeClock();
    tap.watch(clock);
    // A watch of the benchmark's own on the slices, beside the operator's: when it delivers a
    // change, the API server's share (write, watch) is over, and what follows is the operator's.
    // A plain watch from the current version, not an informer: no cache of every slice in this
    // JVM, whose pauses would land in the figures (it relays the channel and reads the clock).
    String sliceVersion =
        client
            .discovery()
            .v1beta1()
            .endpointSlices()
            .inNamespace("bench")
            .list(new ListOptionsBuilder().withLimit(1L).build())
            .getMetadata()
            .getResourceVersion();
    var sliceWatch =
        client
            .discovery()
            .v1beta1()
            .endpointSlices()
            .inNamespace("bench")
            .watch(
                new ListOptionsBuilder().withResourceVersion(sliceVersion).build(),
                new Watcher<EndpointSlice>() {
                  @Override
                  public void eventReceived(Action action, EndpointSlice slice) {
                    long now = System.nanoTime();
                    if (action == Action.MODIFIED) {
                      slice.getEndpoints().stream()
                          .flatMap(e -> e.getAddresses().stream())
                          .forEach(address -> clock.seen(address, now));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    var before = tap.totals();
    long start = System.nanoTime();
    long periodNanos = (long) (1e9 / perSecond);
    var failures = new ArrayList<Throwable>();
    // A few writers, so that one slow API response does not hold the next change back.
    try (var writers = Executors.newScheduledThreadPool(4)) {
      for (int k = 0; k < changes; k++) {
        int change = k;
        writers.schedule(
            () -> {
              try {
                write(client, target(change, size, changes), newAddress(change), clock);
              } catch (RuntimeException e) {
                synchronized (failures) {
                  failures.add(e);
                }
              }
            },
            k * periodNanos,
            TimeUnit.NANOSECONDS);
      }
    }
    double writing = (System.nanoTime() - start) / 1e9;
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          failures.size() + " EndpointSlice writes failed; the first:", failures.getFirst());
    }
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!clock.allApplied()) {
      if (clock.refused() != null) {
        throw new IllegalStateException("the forwarder refused " + clock.refused());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            clock.pending() + " of " + changes + " changes not running within " + PATIENCE);
      }
      Thread.sleep(10);
    }
    var sent = tap.totals().minus(before);
    tap.watch(null);
    sliceWatch.close();
    double[] millis = clock.sortedMillis();
    String n = String.format("%,d", size);
    String what =
        String.format("%,d LoadBalancers, %,d endpoint changes (%s)", size, changes, label);
    var figures = new ArrayList<Figure>();
    figures.add(
        Figure.of(
            what + ": written -> running, p50", ChangeClock.percentile(millis, 50), "ms", null));
    figures.add(
        Figure.of(
            what + ": written -> running, p99",
            ChangeClock.percentile(millis, 99),
            "ms",
            size == 10_000 ? 100.0 : null));
    figures.add(
        Figure.of(what + ": written -> running, max", millis[millis.length - 1], "ms", null));
    // Where the time goes: before the operator's message (API server, operator), and after it
    // (the forwarder applying it, and the messages queued before it).
    double[] toSent = clock.sortedMillisToSent();
    double[] fromSent = clock.sortedMillisSentToRunning();
    double[] toSeen = clock.sortedMillisToSeen();
    double[] seenToSent = clock.sortedMillisSeenToSent();
    for (int p : new int[] {50, 99}) {
      figures.add(
          Figure.of(
              what + ": written -> operator's message, p" + p,
              ChangeClock.percentile(toSent, p),
              "ms",
              null));
      if (toSeen.length > 0) {
        figures.add(
            Figure.of(
                what + ": written -> seen on a watch, p" + p,
                ChangeClock.percentile(toSeen, p),
                "ms",
                null));
        figures.add(
            Figure.of(
                what + ": seen on a watch -> operator's message, p" + p,
                ChangeClock.percentile(seenToSent, p),
                "ms",
                null));
      }
      figures.add(
          Figure.of(
              what + ": operator's message -> running, p" + p,
              ChangeClock.percentile(fromSent, p),
              "ms",
              null));
    }
    figures.add(
        Figure.of(
            what + ": bytes to the forwarder per change",
            sent.operatorBytes() / (double) changes,
            "bytes",
            null));
    figures.add(
        Figure.of(
            what + ": operator messages per change",
            sent.operatorMessages() / (double) changes,
            "messages",
            null));
    figures.add(
        Figure.of(what + ": complete snapshots sent", sent.completeSnapshots(), "snapshots", null));
    System.out.printf(
        "%s LoadBalancers, %s: %,d changes written over %.1f s; written -> running p50 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms; %,d messages (%,d complete), %.0f bytes per change%n",
        n,
        label,
        changes,
        writing,
        ChangeClock.percentile(millis, 50),
        ChangeClock.percentile(millis, 99),
        millis[millis.length - 1],
        sent.operatorMessages(),
        sent.completeSnapshots(),
        sent.operatorBytes() / (double) changes);
    System.out.printf(
        "  of which written -> operator's message p50 %.1f ms, p99 %.1f ms; operator's message"
            + " -> running p50 %.1f ms, p99 %.1f ms%n",
        ChangeClock.percentile(toSent, 50),
        ChangeClock.percentile(toSent, 99),
        ChangeClock.percentile(fromSent, 50),
        ChangeClock.percentile(fromSent, 99));
    if (toSeen.length > 0) {
      System.out.printf(
          "  %,d of the changes seen on the benchmark's watch: written -> seen p50 %.1f ms, p99"
              + " %.1f ms; seen -> operator's message p50 %.1f ms, p99 %.1f ms%n",
          toSeen.length,
          ChangeClock.percentile(toSeen, 50),
          ChangeClock.percentile(toSeen, 99),
          ChangeClock.percentile(seenToSent, 50),
          ChangeClock.percentile(seenToSent, 99));
    }
    if (real != null) {
      figures.addAll(commits(real, commitsBefore, real.scrape(), changes, what));
    }
    return figures;
  }

  /** What the changes cost the data plane: gfwd_commit as the agent's meters time it. */
  private static List<Figure> commits(
      RealForwarder real, String before, String after, int changes, String what)
      throws IOException {
    double count =
        RealForwarder.sample(after, "gatun_commit_duration_seconds_count")
            - RealForwarder.sample(before, "gatun_commit_duration_seconds_count");
    double seconds =
        RealForwarder.sample(after, "gatun_commit_duration_seconds_sum")
            - RealForwarder.sample(before, "gatun_commit_duration_seconds_sum");
    double built =
        RealForwarder.sample(after, "gatun_commit_tables_built_total")
            - RealForwarder.sample(before, "gatun_commit_tables_built_total");
    if (count <= 0) {
      throw new IllegalStateException(
          "the forwarder counted no commit while the changes ran: its meters are not"
              + " gatun_commit_duration_seconds (log:\n"
              + real.logTail()
              + ")");
    }
    long[] rss = real.residentKiB();
    JvmHeap heap;
    try {
      heap = real.heap(); // after the RSS reading: its full GC does not return memory to it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    System.out.printf(
        "  data plane: %.0f commits, %.2f ms each on average, %.1f tables built per commit;"
            + " forwarder RSS %.0f MiB (peak %.0f MiB), its Java heap %.0f MiB used after GC of"
            + " %.0f MiB committed%n",
        count,
        seconds * 1e3 / count,
        built / count,
        rss[0] / 1024.0,
        rss[1] / 1024.0,
        heap.usedMiB(),
        heap.committedMiB());
    return List.of(
        Figure.of(what + ": data-plane commits per change", count / changes, "commits", null),
        Figure.of(what + ": gfwd_commit time, mean", seconds * 1e3 / count, "ms", null),
        Figure.of(what + ": tables built per commit", built / count, "tables", null),
        Figure.of(what + ": forwarder RSS", rss[0] / 1024.0, "MiB", null),
        Figure.of(what + ": forwarder peak RSS", rss[1] / 1024.0, "MiB", null),
        Figure.of(what + ": forwarder Java heap used after GC", heap.usedMiB(), "MiB", null),
        Figure.of(what + ": forwarder Java heap committed", heap.committedMiB(), "MiB", null));
  }

  /**
   * LoadBalancer {@code lb}'s slice now lists its first endpoint and {@code address}: one JSON
   * patch, as the EndpointSlice controller's update is one write (one request: {@link PlainPatch}).
   * (The 1.20 API server serves EndpointSlices as v1beta1 only.)
   */
  private static void write(KubernetesClient client, int lb, String address, ChangeClock clock) {
    String patch =
        "[{\"op\":\"replace\",\"path\":\"/endpoints/1\",\"value\":"
            + "{\"addresses\":[\""
            + address
            + "\"],\"conditions\":{\"ready\":true}}}]";
    clock.writing(address, System.nanoTime());
    PlainPatch.json(
        client, "/apis/discovery.k8s.io/v1beta1/namespaces/bench/endpointslices/lb-" + lb, patch);
  }
}
