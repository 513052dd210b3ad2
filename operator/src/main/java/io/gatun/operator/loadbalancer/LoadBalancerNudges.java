package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.FleetListener;
import io.gatun.operator.control.ForwarderFleet;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.IpamListener;
import io.gatun.operator.ipam.Owner;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.util.Collection;
import java.util.Set;

/**
 * What wakes LoadBalancers from inside the operator rather than from the API: a forwarder connects,
 * leaves, acknowledges a snapshot version, refuses a service, reports backend health or who answers
 * for a VIP, or starts or stops advertising a VIP over BGP; addresses come free while they wait for
 * one; a LoadBalancer starts or stops sharing their VIP.
 */
final class LoadBalancerNudges {

  private LoadBalancerNudges() {}

  static SimpleInboundEventSource<LoadBalancer> from(
      ForwarderFleet fleet, DesiredState desiredState, Ipam ipam) {
    var nudges = new SimpleInboundEventSource<LoadBalancer>("nudges");
    fleet.addListener(
        new FleetListener() {
          @Override
          public void membershipChanged() {
            nudge(nudges, desiredState.owners());
          }

          @Override
          public void progressed(String forwarder, long after, long upTo) {
            nudge(nudges, desiredState.publishedBetween(after, upTo));
          }

          @Override
          public void refusalsChanged(Set<Owner> owners) {
            nudge(nudges, owners);
          }

          @Override
          public void healthChanged(Set<Owner> owners) {
            nudge(nudges, owners);
          }

          /**
           * The agent reports the VIPs it answers for just before its Ack of the snapshot that
           * changed them, so a new LoadBalancer's VIP is reported while the forwarder has yet to
           * answer its configuration: that answer wakes it ({@link #progressed}) and its reconcile
           * reads these announcements then. Waking it for the report as well cost a reconcile that
           * could only wait: one of the three each new LoadBalancer had (bench/controlplane.sh
           * prints the reconciles per LoadBalancer).
           */
          @Override
          public void announcementsChanged(Set<String> addresses) {
            nudge(
                nudges,
                desiredState.ownersOf(addresses).stream()
                    .filter(owner -> !answerAwaited(owner))
                    .toList());
          }

          private boolean answerAwaited(Owner owner) {
            var published = desiredState.snapshotVersionOf(owner);
            return published.isPresent() && fleet.answerAwaited(published.getAsLong());
          }

          @Override
          public void advertisedChanged(Set<String> vips) {
            nudge(nudges, desiredState.ownersOf(vips)); // their status.announcedBy
          }
        });
    ipam.addListener(
        new IpamListener() {
          @Override
          public void addressesFreed(Set<Owner> waiting) {
            nudge(nudges, waiting);
          }

          @Override
          public void sharingChanged(Set<Owner> owners) {
            nudge(nudges, owners); // their status.sharedWith must name the newcomer (or not)
          }
        });
    return nudges;
  }

  private static void nudge(
      SimpleInboundEventSource<LoadBalancer> nudges, Collection<Owner> owners) {
    owners.forEach(owner -> nudges.propagateEvent(new ResourceID(owner.name(), owner.namespace())));
  }
}
