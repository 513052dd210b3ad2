/**
 * The reconcilers and the stages they are made of.
 *
 * <p>Each reconciler reads top to bottom — observe, validate, reconcile, status — and each stage is
 * a small class handed in through the constructor or built from the stage before.
 */
package io.gatun.operator.reconciler;
