package io.gatun.forwarder.dataplane;

import java.util.Arrays;

/**
 * Tells a stuck data-plane worker from a busy one: a worker's loop count must have moved since the
 * previous look. (A worker busy-polls, so even an idle one loops millions of times a second.)
 */
public final class WorkerWatch {
  private long[] previous;

  /** Null when every worker moved since the last call, else which did not. */
  public synchronized String stuck(long[] loops) {
    long[] before = previous;
    previous = loops.clone();
    if (before == null || before.length != loops.length) {
      return null;
    }
    int[] still =
        java.util.stream.IntStream.range(0, loops.length)
            .filter(i -> loops[i] == before[i])
            .toArray();
    return still.length == 0
        ? null
        : "data-plane worker(s) " + Arrays.toString(still) + " stopped looping";
  }
}
