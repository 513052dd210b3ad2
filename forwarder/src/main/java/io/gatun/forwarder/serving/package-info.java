/**
 * What the data plane serves: {@link io.gatun.forwarder.serving.SnapshotApplier} turns operator
 * snapshots into desired services (snapshot versions, acks, refusals), {@link
 * io.gatun.forwarder.serving.ServingState} keeps "snapshot minus unhealthy backends" committed and
 * recommits on every health verdict, and tells the announcer which VIPs it serves.
 */
package io.gatun.forwarder.serving;
