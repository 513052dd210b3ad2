/**
 * The {@code lb.gatun.io/v1alpha1} API: custom resource classes, their specs and statuses.
 *
 * <p>The CRDs in {@code crds/} are generated from these classes; the build fails when they drift.
 * Spec and status types are immutable records: a reconciler builds a whole new status and compares
 * it with the observed one, so equality has to be structural.
 */
package io.gatun.operator.api;
