/**
 * What every reconciler shares for reporting: the conditions builder (the one place that decides
 * {@code lastTransitionTime}), the status writer (patches only real changes), a built status with
 * its transitions ({@link io.gatun.operator.status.StatusUpdate}), the throttle that spaces out a
 * busy resource's status writes, and the event recorder ({@code kubectl describe}).
 */
package io.gatun.operator.status;
