package io.gatun.operator.schema;

import dev.cel.runtime.CelRuntime;

/**
 * One {@code x-kubernetes-validations} entry, compiled.
 *
 * @param path where in the object it applies, e.g. {@code spec.backends}
 */
record CelRule(String path, String rule, String message, CelRuntime.Program program) {}
