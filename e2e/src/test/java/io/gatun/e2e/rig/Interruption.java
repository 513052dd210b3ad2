package io.gatun.e2e.rig;

import java.util.Comparator;
import java.util.List;

/**
 * What a client sending steady traffic through a VIP saw of a disturbance (an upgrade, a roll): how
 * many requests failed, and the longest time without an answer, from the last request answered
 * before it to the first answered after.
 *
 * @param requests requests sent
 * @param failed requests that got no answer
 * @param longestGapMillis the longest time between two answered requests (or from the first
 *     request, or to the last one, when those failed)
 * @param gapFromMillis wall clock when that longest gap began (the last answer before it)
 */
public record Interruption(int requests, int failed, long longestGapMillis, long gapFromMillis) {

  public static Interruption of(List<Traffic.Request> timeline) {
    List<Traffic.Request> inOrder =
        timeline.stream().sorted(Comparator.comparingLong(Traffic.Request::atMillis)).toList();
    if (inOrder.isEmpty()) {
      return new Interruption(0, 0, 0, 0);
    }
    long lastAnswer = inOrder.getFirst().atMillis();
    long longest = 0;
    long from = lastAnswer;
    int failed = 0;
    for (Traffic.Request r : inOrder) {
      if (r.failed()) {
        failed++;
        continue;
      }
      if (r.atMillis() - lastAnswer > longest) {
        longest = r.atMillis() - lastAnswer;
        from = lastAnswer;
      }
      lastAnswer = r.atMillis();
    }
    long end = inOrder.getLast().atMillis();
    if (end - lastAnswer > longest) {
      longest = end - lastAnswer;
      from = lastAnswer;
    }
    return new Interruption(inOrder.size(), failed, longest, from);
  }

  /** The requests that left before {@code millis} (wall clock) and failed. */
  public static long failedBefore(List<Traffic.Request> timeline, long millis) {
    return timeline.stream().filter(r -> r.atMillis() < millis && r.failed()).count();
  }

  /**
   * The requests that left before {@code millis} and failed, each as "at MS before PROTOCOL:
   * OUTCOME", for a failure message that says what failed and when.
   */
  public static List<String> failuresBefore(List<Traffic.Request> timeline, long millis) {
    return timeline.stream()
        .filter(r -> r.atMillis() < millis && r.failed())
        .map(r -> (millis - r.atMillis()) + " ms before: " + r.protocol() + " " + r.outcome())
        .toList();
  }

  /** One line for the test log and the README. */
  public String summary() {
    return failed
        + " of "
        + requests
        + " requests failed, longest time without an answer "
        + longestGapMillis
        + " ms";
  }
}
