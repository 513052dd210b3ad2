package io.gatun.operator.bench;

/**
 * One figure of bench/results/controlplane.json: a value beside its baseline (or goal) and their
 * ratio, when it has one.
 */
record Figure(String name, double value, String unit, Double baseline, Double ratio) {

  static Figure of(String name, double value, String unit, Double baseline) {
    return new Figure(name, value, unit, baseline, baseline == null ? null : value / baseline);
  }
}
