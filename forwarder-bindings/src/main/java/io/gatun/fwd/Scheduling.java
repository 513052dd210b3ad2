package io.gatun.fwd;

/** How new connections pick a backend; codes mirror {@code enum gfwd_sched}. */
public enum Scheduling {
  MAGLEV(1);

  final int code;

  Scheduling(int code) {
    this.code = code;
  }
}
