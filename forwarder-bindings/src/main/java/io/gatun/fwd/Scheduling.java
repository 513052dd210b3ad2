package io.gatun.fwd;

import io.gatun.fwd.raw.GatunFwd;

/** How new connections pick a backend: {@code enum gfwd_sched}. */
public enum Scheduling implements NativeCode {
  MAGLEV(GatunFwd.SCHED_MAGLEV),
  ROUND_ROBIN(GatunFwd.SCHED_ROUND_ROBIN),
  WEIGHTED_ROUND_ROBIN(GatunFwd.SCHED_WEIGHTED_ROUND_ROBIN),
  LEAST_CONNECTIONS(GatunFwd.SCHED_LEAST_CONNECTIONS),
  SOURCE_HASH(GatunFwd.SCHED_SOURCE_HASH);

  private final int code;

  Scheduling(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  public static Scheduling of(int code) {
    return NativeCode.of(Scheduling.class, code);
  }
}
