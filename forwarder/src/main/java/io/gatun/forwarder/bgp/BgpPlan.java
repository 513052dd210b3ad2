package io.gatun.forwarder.bgp;

import io.gatun.control.Address;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpNeighbor;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's {@code BgpConfig}, checked and in the agent's terms. Everything here ends up in
 * FRR's configuration text, so every string is checked against what FRR takes: a value that would
 * not parse (or would inject another command) sets its neighbour or prefix aside, named in {@link
 * #problems()} with what to write instead, and everything else runs.
 *
 * @param localAsn 0: BGP off (an empty {@code BgpConfig})
 * @param problems "neighbor 198.18.1.1" or "advertisement 198.18.9.1/32" to what is wrong with it
 */
public record BgpPlan(
    long localAsn,
    List<Neighbor> neighbors,
    List<Advertisement> advertisements,
    Map<String, String> problems) {

  public static final BgpPlan OFF = new BgpPlan(0, List.of(), List.of(), Map.of());

  static final int DEFAULT_PORT = 179;
  private static final long MAX_ASN = 4_294_967_295L;
  private static final Pattern PASSWORD = Pattern.compile("[!-~]{1,80}"); // printable, no space
  private static final Pattern STANDARD_COMMUNITY = Pattern.compile("(\\d{1,5}):(\\d{1,5})");
  private static final Pattern LARGE_COMMUNITY =
      Pattern.compile("(\\d{1,10}):(\\d{1,10}):(\\d{1,10})");

  /** RFC 5880 timers of a BFD session; sessions with the same timers share an FRR profile. */
  public record BfdTimers(int receiveMillis, int transmitMillis, int multiplier) {
    /** The FRR profile carrying these timers. */
    public String profile() {
      return "gatun-" + receiveMillis + "-" + transmitMillis + "-" + multiplier;
    }
  }

  /**
   * One BGP peer.
   *
   * @param text the address as FRR writes it (RFC 5952)
   * @param password TCP MD5 key, empty for none
   * @param holdSeconds 0: FRR's default
   * @param keepaliveSeconds 0: hold time / 3
   * @param ebgpMultihop 0: directly connected
   */
  public record Neighbor(
      InetAddress address,
      String text,
      long asn,
      int port,
      String password,
      int holdSeconds,
      int keepaliveSeconds,
      int ebgpMultihop,
      Optional<BfdTimers> bfd,
      List<String> pools) {
    public boolean ipv6() {
      return address.getAddress().length == 16;
    }
  }

  /**
   * One prefix this forwarder may advertise, and to whom.
   *
   * @param prefix normalised ("198.18.9.1/32", "2001:2:9::1/128")
   * @param communities standard ("65000:100") and large ("65000:1:2") communities
   * @param localPref 0: unset
   * @param neighbors the neighbours (their {@link Neighbor#text()}) to advertise it to
   * @param serviceKeys advertised while one of these services has a healthy backend
   */
  public record Advertisement(
      String prefix,
      boolean ipv6,
      List<String> communities,
      long localPref,
      List<String> neighbors,
      List<String> serviceKeys,
      String pool) {
    public List<String> standardCommunities() {
      return communities.stream().filter(c -> STANDARD_COMMUNITY.matcher(c).matches()).toList();
    }

    public List<String> largeCommunities() {
      return communities.stream().filter(c -> LARGE_COMMUNITY.matcher(c).matches()).toList();
    }
  }

  public boolean on() {
    return localAsn != 0;
  }

  /** Checks {@code config}; never throws for bad content (see {@link #problems()}). */
  public static BgpPlan of(BgpConfig config) {
    if (config.getLocalAsn() == 0 && config.getNeighborsCount() == 0) {
      return OFF;
    }
    Map<String, String> problems = new LinkedHashMap<>();
    long localAsn = Integer.toUnsignedLong(config.getLocalAsn());
    if (localAsn == 0) {
      problems.put("bgp", "local_asn is 0: give the forwarder's AS number (1 to 4294967295)");
      return new BgpPlan(0, List.of(), List.of(), problems);
    }
    List<Neighbor> neighbors = new ArrayList<>();
    Set<String> known = new LinkedHashSet<>();
    for (BgpNeighbor n : config.getNeighborsList()) {
      try {
        Neighbor neighbor = neighbor(n);
        if (!known.add(neighbor.text())) {
          throw new IllegalArgumentException("listed twice: give each peer address once");
        }
        neighbors.add(neighbor);
      } catch (IllegalArgumentException e) {
        problems.put("neighbor " + n.getAddress(), e.getMessage());
      }
    }
    List<Advertisement> advertisements = new ArrayList<>();
    Set<String> prefixes = new LinkedHashSet<>();
    for (BgpAdvertisement a : config.getAdvertisementsList()) {
      try {
        Advertisement ad = advertisement(a, known, problems);
        if (!prefixes.add(ad.prefix())) {
          throw new IllegalArgumentException("listed twice: give each prefix once");
        }
        advertisements.add(ad);
      } catch (IllegalArgumentException e) {
        problems.put("advertisement " + a.getPrefix(), e.getMessage());
      }
    }
    return new BgpPlan(
        localAsn, List.copyOf(neighbors), List.copyOf(advertisements), Map.copyOf(problems));
  }

  private static Neighbor neighbor(BgpNeighbor n) {
    InetAddress address = literal(n.getAddress(), "address");
    long asn = Integer.toUnsignedLong(n.getAsn());
    if (asn == 0) {
      throw new IllegalArgumentException("asn is 0: give the peer's AS number (1 to 4294967295)");
    }
    int port = n.getPort() == 0 ? DEFAULT_PORT : n.getPort();
    if (port > 65535) {
      throw new IllegalArgumentException("port " + n.getPort() + " is not a TCP port (1-65535)");
    }
    String password = n.getPassword();
    if (!password.isEmpty() && !PASSWORD.matcher(password).matches()) {
      throw new IllegalArgumentException(
          "password: FRR takes 1 to 80 printable ASCII characters without spaces");
    }
    int hold = n.getHoldTimeSeconds();
    if (hold != 0 && (hold < 3 || hold > 65535)) {
      throw new IllegalArgumentException(
          "hold_time_seconds " + hold + ": write 0 (FRR's default) or 3 to 65535");
    }
    int keepalive = n.getKeepaliveSeconds();
    if (keepalive > 65535 || (hold != 0 && keepalive >= hold)) {
      throw new IllegalArgumentException(
          "keepalive_seconds " + keepalive + ": write less than the hold time, or 0 (hold / 3)");
    }
    if (hold == 0 && keepalive != 0) {
      throw new IllegalArgumentException(
          "keepalive_seconds without hold_time_seconds: give both, or neither");
    }
    if (n.getEbgpMultihop() > 255) {
      throw new IllegalArgumentException(
          "ebgp_multihop " + n.getEbgpMultihop() + " is not a TTL: write 1 to 255 (0: off)");
    }
    Optional<BfdTimers> bfd = Optional.empty();
    if (n.hasBfd()) {
      var b = n.getBfd();
      int rx = b.getReceiveIntervalMillis(), tx = b.getTransmitIntervalMillis();
      int mult = b.getDetectMultiplier();
      if (rx < 10 || rx > 60_000 || tx < 10 || tx > 60_000) {
        throw new IllegalArgumentException(
            "bfd: receive and transmit intervals must be 10 to 60000 ms (FRR's range)");
      }
      if (mult < 2 || mult > 255) {
        throw new IllegalArgumentException("bfd: detect_multiplier " + mult + ": write 2 to 255");
      }
      bfd = Optional.of(new BfdTimers(rx, tx, mult));
    }
    return new Neighbor(
        address,
        Address.text(address),
        asn,
        port,
        password,
        hold,
        keepalive,
        n.getEbgpMultihop(),
        bfd,
        List.copyOf(n.getPoolsList()));
  }

  private static Advertisement advertisement(
      BgpAdvertisement a, Set<String> known, Map<String, String> problems) {
    String prefix = a.getPrefix();
    int slash = prefix.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "prefix needs a length: write 198.18.9.1/32 or 2001:2:9::1/128");
    }
    InetAddress address = literal(prefix.substring(0, slash), "prefix");
    int bits = address.getAddress().length * 8;
    int length;
    try {
      length = Integer.parseInt(prefix.substring(slash + 1));
    } catch (NumberFormatException e) {
      length = -1;
    }
    if (length < 0 || length > bits) {
      throw new IllegalArgumentException("prefix length must be 0 to " + bits);
    }
    byte[] b = address.getAddress();
    for (int i = length; i < bits; i++) {
      if ((b[i / 8] & (0x80 >>> (i % 8))) != 0) {
        throw new IllegalArgumentException(
            "host bits set after /" + length + ": write the network address");
      }
    }
    for (String c : a.getCommunitiesList()) {
      if (!community(c)) {
        throw new IllegalArgumentException(
            "community '"
                + c
                + "': write ASN:VALUE (each 0-65535) or, large, GLOBAL:LOCAL1:LOCAL2 (each"
                + " 0-4294967295)");
      }
    }
    List<String> to = new ArrayList<>();
    for (String n : a.getNeighborsList()) {
      String text;
      try {
        text = Address.text(literal(n, "neighbors"));
      } catch (IllegalArgumentException e) {
        text = n;
      }
      if (known.contains(text)) {
        to.add(text);
      } else {
        problems.put(
            "advertisement " + prefix + " to " + n,
            "no usable neighbour " + n + " in this configuration: not advertised to it");
      }
    }
    return new Advertisement(
        Address.text(address) + "/" + length,
        bits == 128,
        List.copyOf(a.getCommunitiesList()),
        Integer.toUnsignedLong(a.getLocalPref()),
        List.copyOf(to),
        List.copyOf(a.getServiceKeysList()),
        a.getPool());
  }

  private static boolean community(String c) {
    var s = STANDARD_COMMUNITY.matcher(c);
    if (s.matches()) {
      return Long.parseLong(s.group(1)) <= 65535 && Long.parseLong(s.group(2)) <= 65535;
    }
    var l = LARGE_COMMUNITY.matcher(c);
    if (l.matches()) {
      for (int g = 1; g <= 3; g++) {
        if (Long.parseLong(l.group(g)) > MAX_ASN) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  private static InetAddress literal(String text, String field) {
    try {
      return Address.parse(text).toInetAddress();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is not an IPv4 or IPv6 address: write e.g. 198.18.1.1");
    }
  }
}
