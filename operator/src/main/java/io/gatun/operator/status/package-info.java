/**
 * What every reconciler shares for reporting: the conditions builder (the one place that decides
 * {@code lastTransitionTime}), the status writer (patches only real changes) and the event recorder
 * ({@code kubectl describe}).
 */
package io.gatun.operator.status;
