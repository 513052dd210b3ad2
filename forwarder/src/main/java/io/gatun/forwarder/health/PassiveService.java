package io.gatun.forwarder.health;

import io.gatun.forwarder.health.passive.PassiveSpec;
import io.gatun.fwd.Protocol;
import java.net.InetAddress;
import java.util.Set;

/**
 * A service whose backends the data plane's passive verdict may take out of rotation.
 *
 * @param members its serving backends (draining ones get no new connections to judge)
 * @param activeProbe an active probe runs too, and brings ejected backends back
 */
public record PassiveService(
    String key,
    InetAddress vip,
    Protocol protocol,
    int port,
    Set<BackendKey> members,
    PassiveSpec spec,
    boolean activeProbe) {
  public PassiveService {
    members = Set.copyOf(members);
  }
}
