/**
 * The operator's own metrics, for Prometheus: reconciles and their errors and durations per
 * controller, addresses per pool and family, connected forwarders, the desired-state snapshot
 * version; and the HTTP endpoint that serves them with {@code /healthz} and {@code /readyz}.
 */
package io.gatun.operator.metrics;
