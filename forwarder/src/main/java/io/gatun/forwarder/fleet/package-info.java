/**
 * Forwarders as a fleet (issue 12): which forwarder answers for which VIP, learned among the
 * forwarders themselves. Each forwarder sends authenticated VRRPv3-style advertisements on the data
 * segment ({@link io.gatun.forwarder.fleet.AdvertisementCodec}), keeps the peers it hears ({@link
 * io.gatun.forwarder.fleet.PeerTable}), and owns the VIPs that rendezvous hashing gives it among
 * the live ones ({@link io.gatun.forwarder.fleet.Rendezvous}); {@link
 * io.gatun.forwarder.fleet.Fleet} is the loop that does it, {@link
 * io.gatun.forwarder.fleet.LoneAnnouncer} the forwarder without a fleet. Neither the operator nor
 * the API server takes part.
 */
package io.gatun.forwarder.fleet;
