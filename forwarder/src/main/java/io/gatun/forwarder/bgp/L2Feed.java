package io.gatun.forwarder.bgp;

import io.gatun.control.Address;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.forwarder.fleet.Announcer;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the L2 announcer (a fleet, or a lone forwarder) is told: the served VIPs less those a BGP
 * Pool advertises. A BGP VIP reaches the router by BGP, from every eligible forwarder at once; were
 * it also answered by ARP/NDP and announced by gratuitous ARP, every forwarder would claim it on
 * the segment, each would count the others as address conflicts, and a host on the segment would
 * send its traffic to whichever answered last instead of the router's ECMP choice.
 *
 * <p>The agent tells it each snapshot's BGP configuration before the snapshot's VIPs are served; a
 * change of the BGP VIPs alone (a Pool switched between L2 and BGP) is passed on at once.
 */
public final class L2Feed {
  private final Announcer announcer;
  private Set<String> bgpVips = Set.of();
  private List<InetAddress> served = List.of();
  private List<InetAddress> natServed = List.of();

  public L2Feed(Announcer announcer) {
    this.announcer = announcer;
  }

  /** The VIPs of {@code bgp}'s advertisements (prefixes /32 and /128), as text (RFC 5952). */
  static Set<String> vipsOf(BgpConfig bgp) {
    Set<String> vips = new TreeSet<>();
    for (BgpAdvertisement a : bgp.getAdvertisementsList()) {
      String prefix = a.getPrefix();
      int slash = prefix.indexOf('/');
      try {
        vips.add(Address.parse(slash < 0 ? prefix : prefix.substring(0, slash)).toString());
      } catch (IllegalArgumentException e) {
        // BgpPlan names the bad prefix; it matches no served VIP either way.
      }
    }
    return vips;
  }

  /** The snapshot's BGP configuration (empty: no BGP Pool). */
  public synchronized void bgp(BgpConfig bgp) {
    Set<String> next = vipsOf(bgp);
    if (!next.equals(bgpVips)) {
      bgpVips = next;
      announcer.serveNat(l2(natServed));
      announcer.serve(l2(served));
    }
  }

  /** The VIPs the data plane serves now with a NAT-mode service. */
  public synchronized void natServed(List<InetAddress> vips) {
    natServed = List.copyOf(vips);
    announcer.serveNat(l2(natServed));
  }

  /** The VIPs the data plane serves now. */
  public synchronized void served(List<InetAddress> vips) {
    served = List.copyOf(vips);
    announcer.serve(l2(served));
  }

  /** The VIPs withheld from L2 now, as text. */
  public synchronized Set<String> withheld() {
    return bgpVips;
  }

  private List<InetAddress> l2(List<InetAddress> vips) {
    if (bgpVips.isEmpty()) {
      return vips; // no BGP Pool: every VIP is L2's (and nothing to format per snapshot)
    }
    return vips.stream().filter(v -> !bgpVips.contains(Address.text(v))).toList();
  }
}
