package io.gatun.forwarder.fleet;

import java.util.Set;

/**
 * Which live forwarders may own an address. Today every live forwarder of the cluster may own every
 * address it serves; the operator will narrow it per VIP (the Pool's announcement nodeSelector and
 * interfaces, forwarders with a ready endpoint for externalTrafficPolicy Local) and send the list
 * in the snapshot, which plugs in here without touching the election.
 */
@FunctionalInterface
public interface Candidates {
  /** The candidates for {@code address} among {@code live} (this forwarder included when live). */
  Set<String> among(String address, Set<String> live);

  Candidates EVERY_LIVE = (address, live) -> live;
}
