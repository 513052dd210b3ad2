package io.gatun.operator.reconciler;

import io.gatun.operator.api.LoadBalancerPort;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Narrows a LoadBalancer's backends to what forwarders can run once its VIPs are known, and says
 * what was left out: a forwarder refuses a service with a backend of another family than its VIP, a
 * DSR backend listening on another port than the VIP's, or more backends than its Maglev table has
 * entries. Observed backends (endpoints, pods) are filtered rather than refused, since they change
 * without the spec changing; static ones are refused by {@link LoadBalancerValidator}.
 */
final class UsableBackends {

  /** How many left-out backends a message names before it counts the rest. */
  private static final int NAMED = 3;

  private UsableBackends() {}

  static BackendSet of(BackendSet backends, LoadBalancerSpec spec, List<IpAddress> vips) {
    Set<IpFamily> families = vips.stream().map(IpAddress::family).collect(Collectors.toSet());
    var notes = new ArrayList<String>();
    String whyNone = backends.whyNoneHealthy();

    var all = backends.all().stream().filter(b -> families.contains(b.address().family())).toList();
    var otherFamily =
        backends.all().stream().filter(b -> !families.contains(b.address().family())).toList();
    String vipFamilies = familyNames(families);
    if (!otherFamily.isEmpty()) {
      String sentence =
          count(otherFamily.size(), "backend")
              + " of another family than the VIP ("
              + vipFamilies
              + " only) "
              + (otherFamily.size() == 1 ? "is" : "are")
              + " left out, since forwarders do not translate between families: "
              + named(otherFamily, b -> b.address().toString());
      if (all.isEmpty()) {
        whyNone =
            sentence
                + ": give the LoadBalancer a VIP of their family (spec.ipFamilies,"
                + " spec.ipFamilyPolicy) or backends of the VIP's";
      } else {
        notes.add(sentence);
      }
    }
    var inRotation =
        backends.inRotation().stream()
            .filter(b -> families.contains(b.address().family()))
            .toList();

    if (spec.keepsPorts()) {
      var elsewhere =
          inRotation.stream()
              .filter(b -> spec.ports().stream().noneMatch(p -> b.port(p) == p.port()))
              .toList();
      var partly =
          inRotation.stream()
              .filter(b -> !elsewhere.contains(b))
              .filter(b -> spec.ports().stream().anyMatch(p -> b.port(p) != p.port()))
              .toList();
      if (!elsewhere.isEmpty() || !partly.isEmpty()) {
        var named = new ArrayList<>(elsewhere);
        named.addAll(partly);
        String sentence =
            count(named.size(), "backend")
                + " listen"
                + (named.size() == 1 ? "s" : "")
                + " on another port than the VIP's and DSR cannot translate ports, so "
                + (named.size() == 1 ? "it gets" : "they get")
                + " no traffic for that port: "
                + named(named, b -> describePorts(b, spec.ports()))
                + ": make the backends listen on the VIP's ports (the Service's targetPort equal"
                + " to its port) or use forwarding mode FullNAT or NAT";
        inRotation = inRotation.stream().filter(b -> !elsewhere.contains(b)).toList();
        if (inRotation.isEmpty()) {
          whyNone = sentence;
        } else {
          notes.add(sentence);
        }
      }
    }

    int limit =
        Math.min(spec.maglevTableSizeOrDefault() - 1, LoadBalancerSpec.MAX_BACKENDS_PER_SERVICE);
    if (inRotation.size() > limit) {
      int over = inRotation.size() - limit;
      inRotation =
          inRotation.stream()
              .sorted(Comparator.comparing(BackendCandidate::address))
              .limit(limit)
              .toList();
      notes.add(
          over
              + " of "
              + (limit + over)
              + " backends are left out: a Maglev table of "
              + spec.maglevTableSizeOrDefault()
              + " entries holds "
              + limit
              + ": set spec.maglevTableSize to a prime about 100 times the backends, such as "
              + LoadBalancerValidator.suggestedTableSize(limit + over));
    }
    return new BackendSet(all, inRotation, whyNone, notes, spec.keepsPorts());
  }

  private static String describePorts(BackendCandidate backend, List<LoadBalancerPort> ports) {
    return ports.stream()
        .filter(p -> backend.port(p) != p.port())
        .map(p -> backend.address() + ":" + backend.port(p) + " for " + p.name() + " " + p.port())
        .collect(Collectors.joining(", "));
  }

  private static String named(
      List<BackendCandidate> backends, java.util.function.Function<BackendCandidate, String> text) {
    String names = backends.stream().limit(NAMED).map(text).collect(Collectors.joining(", "));
    return backends.size() > NAMED ? names + " and " + (backends.size() - NAMED) + " more" : names;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static String familyNames(Set<IpFamily> families) {
    return families.stream().sorted().map(IpFamily::apiName).collect(Collectors.joining(" and "));
  }
}
