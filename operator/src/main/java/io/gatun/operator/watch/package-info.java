/**
 * Informer filters that more than one reconciler's watches share, such as passing only the updates
 * that change a watched object's spec.
 */
package io.gatun.operator.watch;
