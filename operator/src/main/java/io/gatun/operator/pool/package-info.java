/**
 * The Pool: its reconciler (validity, usage per family, addresses held outside its ranges), and the
 * catalog of checked pools that both it and the LoadBalancer reconciler read, so the two always
 * agree on which pool is valid and which pools may serve a LoadBalancer ({@link
 * io.gatun.operator.pool.PoolEligibility}). Allocation itself is the LoadBalancer's.
 */
package io.gatun.operator.pool;
