package io.gatun.fwd;

/** How new connections pick a backend; codes mirror {@code enum gfwd_sched}. */
public enum Scheduling {
  MAGLEV(1),
  ROUND_ROBIN(2),
  WEIGHTED_ROUND_ROBIN(3),
  LEAST_CONNECTIONS(4),
  SOURCE_HASH(5);

  final int code;

  Scheduling(int code) {
    this.code = code;
  }
}
