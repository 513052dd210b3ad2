package io.gatun.operator.control;

import java.time.Instant;

/**
 * An address conflict reported recently enough to count as going on.
 *
 * @param news the latest report of it
 * @param until when it counts as over unless reported growing again
 */
public record CurrentConflict(ConflictNews news, Instant until) {}
