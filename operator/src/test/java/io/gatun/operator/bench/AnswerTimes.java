package io.gatun.operator.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The time from each message the operator sends a forwarder to the forwarder's answer (an Ack of
 * that snapshot version or a later one), as the relay sees them: whether a LoadBalancer waited for
 * the forwarder, or for the operator, shows here.
 */
final class AnswerTimes {

  private record Sent(long version, long nanos) {}

  private final ArrayDeque<Sent> unanswered = new ArrayDeque<>();
  private final List<Double> millis = new ArrayList<>();

  synchronized void sent(long version, long nanos) {
    unanswered.addLast(new Sent(version, nanos));
  }

  synchronized void answered(long version, long nanos) {
    while (!unanswered.isEmpty() && unanswered.peekFirst().version() <= version) {
      millis.add((nanos - unanswered.removeFirst().nanos()) / 1e6);
    }
  }

  /** How many answers so far: pass it to {@link #since} to read the ones after it. */
  synchronized int mark() {
    return millis.size();
  }

  /** The answer times after {@code mark}, sorted, in milliseconds. */
  synchronized double[] since(int mark) {
    return millis.subList(mark, millis.size()).stream().mapToDouble(d -> d).sorted().toArray();
  }

  static String summary(double[] sorted) {
    if (sorted.length == 0) {
      return "no answers";
    }
    return String.format(
        "%d answers: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms",
        sorted.length,
        ChangeClock.percentile(sorted, 50),
        ChangeClock.percentile(sorted, 90),
        ChangeClock.percentile(sorted, 99),
        sorted[sorted.length - 1]);
  }
}
