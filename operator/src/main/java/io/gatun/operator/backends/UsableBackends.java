package io.gatun.operator.backends;

import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Narrows a LoadBalancer's backends to what forwarders can run once its VIPs are known, and says
 * what was left out: a forwarder refuses a service with a backend of another family than its VIP, a
 * DSR backend listening on another port than the VIP's, or more backends than its Maglev table has
 * entries. Observed backends (endpoints, pods) are filtered rather than refused, since they change
 * without the spec changing; static ones are refused by the LoadBalancer validator.
 */
public final class UsableBackends {

  /** How many left-out backends a message names before it counts the rest. */
  private static final int NAMED = 3;

  private final LoadBalancerSpec spec;
  private List<BackendCandidate> all;
  private List<BackendCandidate> inRotation;
  private String whyNone;
  private final List<String> notes = new ArrayList<>();

  private UsableBackends(BackendSet backends, LoadBalancerSpec spec) {
    this.spec = spec;
    this.all = backends.all();
    this.inRotation = backends.inRotation();
    this.whyNone = backends.whyNoneHealthy();
  }

  public static BackendSet of(BackendSet backends, LoadBalancerSpec spec, List<IpAddress> vips) {
    var usable = new UsableBackends(backends, spec);
    usable.ofTheVipsFamilies(vips.stream().map(IpAddress::family).collect(Collectors.toSet()));
    if (spec.keepsPorts()) {
      usable.onTheVipsPorts();
    }
    usable.withinTheTable();
    return new BackendSet(
        usable.all, usable.inRotation, usable.whyNone, usable.notes, spec.keepsPorts());
  }

  /** Backends of a family without a VIP are not this LoadBalancer's: out of the counts too. */
  private void ofTheVipsFamilies(Set<IpFamily> families) {
    var other = all.stream().filter(b -> !families.contains(b.address().family())).toList();
    if (other.isEmpty()) {
      return;
    }
    all = all.stream().filter(b -> families.contains(b.address().family())).toList();
    inRotation = inRotation.stream().filter(b -> families.contains(b.address().family())).toList();
    String sentence =
        count(other.size(), "backend")
            + " of another family than the VIP ("
            + families.stream().sorted().map(IpFamily::apiName).collect(Collectors.joining(" and "))
            + " only) "
            + (other.size() == 1 ? "is" : "are")
            + " left out, since forwarders do not translate between families: "
            + named(other, b -> b.address().toString());
    if (all.isEmpty()) {
      whyNone =
          sentence
              + ": give the LoadBalancer a VIP of their family (spec.ipFamilies,"
              + " spec.ipFamilyPolicy) or backends of the VIP's";
    } else {
      notes.add(sentence);
    }
  }

  /**
   * Under DSR a backend gets traffic only for the ports it listens on as the VIP does; one that
   * matches no port takes none and leaves the rotation (it still counts as a backend).
   */
  private void onTheVipsPorts() {
    var misfits =
        inRotation.stream()
            .filter(b -> spec.ports().stream().anyMatch(p -> b.port(p) != p.port()))
            .toList();
    if (misfits.isEmpty()) {
      return;
    }
    Set<BackendCandidate> idle =
        new HashSet<>(
            misfits.stream()
                .filter(b -> spec.ports().stream().noneMatch(p -> b.port(p) == p.port()))
                .toList());
    inRotation = inRotation.stream().filter(b -> !idle.contains(b)).toList();
    String sentence =
        count(misfits.size(), "backend")
            + " listen"
            + (misfits.size() == 1 ? "s" : "")
            + " on another port than the VIP's and DSR cannot translate ports, so "
            + (misfits.size() == 1 ? "it gets" : "they get")
            + " no traffic for that port: "
            + named(misfits, this::misfitPorts)
            + ": make the backends listen on the VIP's ports (the Service's targetPort equal to"
            + " its port) or use forwarding mode FullNAT or NAT";
    if (inRotation.isEmpty()) {
      whyNone = sentence;
    } else {
      notes.add(sentence);
    }
  }

  /** A forwarder builds a service with fewer backends than its Maglev table has entries. */
  private void withinTheTable() {
    int size = spec.maglevTableSizeFor(inRotation.size());
    int limit = Math.min(size - 1, LoadBalancerSpec.MAX_BACKENDS_PER_SERVICE);
    if (inRotation.size() <= limit) {
      return;
    }
    int total = inRotation.size();
    inRotation =
        inRotation.stream()
            .sorted(Comparator.comparing(BackendCandidate::address))
            .limit(limit)
            .toList();
    notes.add(
        (total - limit)
            + " of "
            + total
            + " backends are left out: a Maglev table of "
            + size
            + " entries holds "
            + limit
            + ": set spec.maglevTableSize to a prime about 100 times the backends, such as "
            + suggestedTableSize(total));
  }

  /** A prime about 100 times {@code backends}, within what forwarders build. */
  public static int suggestedTableSize(int backends) {
    long target = Math.min(100L * backends, LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE);
    var prime = BigInteger.valueOf(target - 1).nextProbablePrime();
    return prime.intValueExact() > LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE
        ? LoadBalancerSpec.MAX_MAGLEV_TABLE_SIZE
        : prime.intValueExact();
  }

  private String misfitPorts(BackendCandidate backend) {
    return spec.ports().stream()
        .filter(p -> backend.port(p) != p.port())
        .map(p -> backend.address() + ":" + backend.port(p) + " for " + p.name() + " " + p.port())
        .collect(Collectors.joining(", "));
  }

  private static String named(
      List<BackendCandidate> backends, Function<BackendCandidate, String> text) {
    String names = backends.stream().limit(NAMED).map(text).collect(Collectors.joining(", "));
    return backends.size() > NAMED ? names + " and " + (backends.size() - NAMED) + " more" : names;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
