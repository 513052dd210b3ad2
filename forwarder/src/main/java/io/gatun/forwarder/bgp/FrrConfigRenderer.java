package io.gatun.forwarder.bgp;

import io.gatun.forwarder.bgp.BgpPlan.Advertisement;
import io.gatun.forwarder.bgp.BgpPlan.BfdTimers;
import io.gatun.forwarder.bgp.BgpPlan.Neighbor;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * FRR's configuration (frr.conf, FRR 8.4) for one forwarder: what {@link FrrDirectory} hands to
 * frr-reload. Deterministic (the same plan and advertised set give the same text, so an unchanged
 * plan is not reloaded) and named stably (route-maps and prefix-lists after the addresses they
 * concern, so a change reloads only what changed).
 *
 * <p>VIPs are advertised with {@code network x/32} under {@code no bgp network import-check}, not
 * with a static blackhole route redistributed: the forwarder needs no route to the VIP in its own
 * kernel (its data plane, not the kernel, receives the VIP's traffic), staticd need not run, and
 * withdrawing is removing one line. Routes from peers are refused ({@code GATUN-IN} denies all, and
 * bgpd runs with {@code --no_kernel}): a forwarder only announces.
 */
public final class FrrConfigRenderer {

  /** How soon a failed session is tried again (FRR's default: 120 s). */
  static final int CONNECT_RETRY_SECONDS = 5;

  static final String IN_POLICY = "GATUN-IN";

  private FrrConfigRenderer() {}

  /**
   * @param hostname the forwarder's name (letters, digits and dashes kept)
   * @param routerId the BGP router id: the data port's IPv4 address
   * @param advertised the prefixes of {@code plan} to advertise now ({@link Advertising})
   */
  public static String render(
      BgpPlan plan, String hostname, String routerId, Set<String> advertised) {
    return render(plan, hostname, routerId, advertised, List.of());
  }

  /** BGP off: no session, no address on the kernel interfaces. */
  public static String off(String hostname) {
    return render(BgpPlan.OFF, hostname, "", Set.of());
  }

  /**
   * @param interfaces the data ports' kernel interfaces: zebra gives them the ports' addresses
   *     while BGP is on
   */
  public static String render(
      BgpPlan plan,
      String hostname,
      String routerId,
      Set<String> advertised,
      List<KernelInterfaces.KernelInterface> interfaces) {
    StringBuilder c = new StringBuilder();
    c.append("frr defaults traditional\n");
    c.append("hostname ").append(hostname.replaceAll("[^A-Za-z0-9-]", "-")).append('\n');
    c.append("!\n");
    if (!plan.on()) {
      return c.toString();
    }
    for (KernelInterfaces.KernelInterface i : interfaces) {
      c.append("interface ").append(i.name()).append('\n');
      for (String a : i.addresses()) {
        c.append(a.contains(":") ? " ipv6" : " ip").append(" address ").append(a).append('\n');
      }
      c.append("exit\n!\n");
    }
    Set<BfdTimers> profiles = new java.util.LinkedHashSet<>();
    plan.neighbors().forEach(n -> n.bfd().ifPresent(profiles::add));
    if (!profiles.isEmpty()) {
      c.append("bfd\n");
      for (BfdTimers t : profiles) {
        c.append(" profile ").append(t.profile()).append('\n');
        c.append("  receive-interval ").append(t.receiveMillis()).append('\n');
        c.append("  transmit-interval ").append(t.transmitMillis()).append('\n');
        c.append("  detect-multiplier ").append(t.multiplier()).append('\n');
        c.append(" exit\n");
      }
      c.append("exit\n!\n");
    }
    c.append("router bgp ").append(plan.localAsn()).append('\n');
    c.append(" bgp router-id ").append(routerId).append('\n');
    // Sessions are activated per address family below, only where they carry something.
    c.append(" no bgp default ipv4-unicast\n");
    c.append(" no bgp network import-check\n");
    for (Neighbor n : plan.neighbors()) {
      String p = " neighbor " + n.text() + " ";
      c.append(p).append("remote-as ").append(n.asn()).append('\n');
      // A session that failed (a peer restarting, a wrong AS or password being fixed) is tried
      // again after 5 s, not FRR's default 120 s: the route is the VIP's way in. (BgpE2E once
      // waited 60 s in vain: FRR sat in Connect with no socket until its 120-s timer.)
      c.append(p).append("timers connect ").append(CONNECT_RETRY_SECONDS).append('\n');
      if (n.port() != BgpPlan.DEFAULT_PORT) {
        c.append(p).append("port ").append(n.port()).append('\n');
      }
      if (!n.password().isEmpty()) {
        c.append(p).append("password ").append(n.password()).append('\n');
      }
      if (n.holdSeconds() != 0) {
        int keepalive = n.keepaliveSeconds() != 0 ? n.keepaliveSeconds() : n.holdSeconds() / 3;
        c.append(p)
            .append("timers ")
            .append(keepalive)
            .append(' ')
            .append(n.holdSeconds())
            .append('\n');
      }
      if (n.ebgpMultihop() != 0) {
        c.append(p).append("ebgp-multihop ").append(n.ebgpMultihop()).append('\n');
      }
      n.bfd()
          .ifPresent(
              t -> {
                c.append(p).append("bfd\n");
                c.append(p).append("bfd profile ").append(t.profile()).append('\n');
              });
    }
    for (boolean v6 : new boolean[] {false, true}) {
      addressFamily(c, plan, advertised, v6);
    }
    c.append("exit\n!\n");
    for (Advertisement a : plan.advertisements()) {
      c.append(a.ipv6() ? "ipv6" : "ip")
          .append(" prefix-list ")
          .append(prefixList(a))
          .append(" seq 5 permit ")
          .append(a.prefix())
          .append('\n');
    }
    c.append("!\n");
    c.append("route-map ").append(IN_POLICY).append(" deny 10\nexit\n!\n");
    for (Neighbor n : plan.neighbors()) {
      List<Advertisement> its =
          plan.advertisements().stream().filter(a -> a.neighbors().contains(n.text())).toList();
      if (its.isEmpty()) {
        c.append("route-map ").append(outPolicy(n)).append(" deny 10\nexit\n!\n");
        continue;
      }
      int seq = 10;
      for (Advertisement a : its) {
        c.append("route-map ").append(outPolicy(n)).append(" permit ").append(seq).append('\n');
        c.append(" match ")
            .append(a.ipv6() ? "ipv6" : "ip")
            .append(" address prefix-list ")
            .append(prefixList(a))
            .append('\n');
        if (!a.standardCommunities().isEmpty()) {
          c.append(" set community ")
              .append(String.join(" ", a.standardCommunities()))
              .append('\n');
        }
        if (!a.largeCommunities().isEmpty()) {
          c.append(" set large-community ")
              .append(String.join(" ", a.largeCommunities()))
              .append('\n');
        }
        if (a.localPref() != 0) {
          c.append(" set local-preference ").append(a.localPref()).append('\n');
        }
        c.append("exit\n!\n");
        seq += 10;
      }
    }
    return c.toString();
  }

  private static void addressFamily(
      StringBuilder c, BgpPlan plan, Set<String> advertised, boolean v6) {
    // Sorted: the order of the set given must not change the text.
    Set<String> networks = new TreeSet<>();
    plan.advertisements().stream()
        .filter(a -> a.ipv6() == v6 && advertised.contains(a.prefix()))
        .forEach(a -> networks.add(a.prefix()));
    List<Neighbor> active =
        plan.neighbors().stream()
            .filter(
                n ->
                    n.ipv6() == v6
                        || plan.advertisements().stream()
                            .anyMatch(a -> a.ipv6() == v6 && a.neighbors().contains(n.text())))
            .toList();
    if (networks.isEmpty() && active.isEmpty()) {
      return;
    }
    c.append(" !\n address-family ").append(v6 ? "ipv6" : "ipv4").append(" unicast\n");
    for (String prefix : networks) {
      c.append("  network ").append(prefix).append('\n');
    }
    for (Neighbor n : active) {
      String p = "  neighbor " + n.text() + " ";
      c.append(p).append("activate\n");
      c.append(p).append("route-map ").append(IN_POLICY).append(" in\n");
      c.append(p).append("route-map ").append(outPolicy(n)).append(" out\n");
    }
    c.append(" exit-address-family\n");
  }

  /** The route-map of what goes to {@code n}: its prefixes with their communities. */
  static String outPolicy(Neighbor n) {
    return "GATUN-OUT-" + n.text().replace('.', '-').replace(':', '-');
  }

  static String prefixList(Advertisement a) {
    return "GATUN-P-" + a.prefix().replace('.', '-').replace(':', '-').replace('/', '-');
  }
}
