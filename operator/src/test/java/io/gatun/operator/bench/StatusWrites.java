package io.gatun.operator.bench;

import io.gatun.operator.api.Condition;
import io.gatun.operator.api.LoadBalancer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * The LoadBalancer status writes the benchmark's watch sees, by what each wrote: its Programmed
 * condition's reason, and whether the LoadBalancer had been Programmed before. A run prints them,
 * so the writes beyond one per LoadBalancer say what they were for (a "Pending" written while a
 * forwarder's answer was late, a condition changing after Programmed, ...).
 */
final class StatusWrites {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final Set<String> programmedOnce = ConcurrentHashMap.newKeySet();

  /** A watch event: {@code before} is null for an add. */
  void seen(LoadBalancer before, LoadBalancer after) {
    var status = after.getStatus();
    if (status == null || (before != null && Objects.equals(before.getStatus(), status))) {
      return;
    }
    Condition programmed =
        status.conditions().stream()
            .filter(c -> c.type().equals(LoadBalancer.PROGRAMMED))
            .findFirst()
            .orElse(null);
    String name = after.getMetadata().getName();
    String what =
        programmed == null ? "no Programmed condition" : "Programmed " + programmed.reason();
    String key =
        programmedOnce.contains(name) ? "after Programmed: " + changed(before, after) : what;
    if (programmed != null && programmed.isTrue()) {
      programmedOnce.add(name);
    }
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** The conditions whose status or reason differ, or "other fields". */
  private static String changed(LoadBalancer before, LoadBalancer after) {
    if (before == null || before.getStatus() == null) {
      return "other fields";
    }
    var was =
        before.getStatus().conditions().stream()
            .collect(Collectors.toMap(Condition::type, c -> c.status() + " " + c.reason()));
    String conditions =
        after.getStatus().conditions().stream()
            .filter(c -> !Objects.equals(was.get(c.type()), c.status() + " " + c.reason()))
            .map(c -> c.type() + " " + c.reason())
            .collect(Collectors.joining(", "));
    return conditions.isEmpty() ? "other fields" : conditions;
  }

  /** The writes so far by kind. */
  Map<String, Long> byKind() {
    var copy = new TreeMap<String, Long>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }
}
