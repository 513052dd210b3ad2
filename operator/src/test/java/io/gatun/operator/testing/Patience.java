package io.gatun.operator.testing;

import java.time.Duration;

/**
 * How long tests wait for something that should happen: generous, since the suite shares its
 * machine with builds and other test runs and must hold there. A passing test never waits it out;
 * only a failing one takes this long to say so. Tests wait for conditions, never for fixed times.
 */
public final class Patience {

  public static final Duration PATIENCE = Duration.ofSeconds(60);

  private Patience() {}
}
