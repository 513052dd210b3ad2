package io.gatun.operator.loadbalancer;

import io.gatun.operator.api.ExternalTrafficPolicy;
import io.gatun.operator.api.IpFamilyName;
import io.gatun.operator.api.LoadBalancer;
import io.gatun.operator.api.LoadBalancerSpec;
import io.gatun.operator.ipam.AddressRequest;
import io.gatun.operator.ipam.Allocation;
import io.gatun.operator.ipam.FamilyPolicy;
import io.gatun.operator.ipam.IpAddress;
import io.gatun.operator.ipam.IpFamily;
import io.gatun.operator.ipam.Ipam;
import io.gatun.operator.ipam.Lease;
import io.gatun.operator.ipam.Owner;
import io.gatun.operator.ipam.PoolAddresses;
import io.gatun.operator.ipam.PoolUsage;
import io.gatun.operator.ipam.PortKey;
import io.gatun.operator.ipam.SharingGroup;
import io.gatun.operator.pool.PoolCatalog;
import io.gatun.operator.pool.PoolEligibility;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a LoadBalancer's spec and the pools into an IPAM request, and IPAM's answer into an {@link
 * AddressOutcome} whose message says what to do about a failure.
 *
 * <p>A request that cannot even be put (its pool is missing, broken or not for this LoadBalancer)
 * lets go of what the LoadBalancer holds, like a request that fails.
 */
final class AddressAllocator {

  private final Ipam ipam;

  AddressAllocator(Ipam ipam) {
    this.ipam = ipam;
  }

  /**
   * @param previous the addresses it had before it was made anew ({@link
   *     io.gatun.operator.api.LoadBalancer#PREVIOUS_ADDRESSES}), taken again when it holds none,
   *     asks for none and they are free; may be empty
   */
  AddressOutcome allocate(
      Owner owner,
      LoadBalancerSpec spec,
      List<IpAddress> previous,
      PoolCatalog catalog,
      PoolEligibility eligibility) {
    boolean requested = !spec.addressesOrEmpty().isEmpty();
    List<PoolAddresses> candidates;
    if (spec.poolRef() != null) {
      Optional<PoolCatalog.Entry> entry = catalog.entry(spec.poolRef());
      if (entry.isEmpty()) {
        return refuse(
            owner,
            AddressOutcome.POOL_NOT_FOUND,
            "Pool " + spec.poolRef() + " does not exist: create it, or fix spec.poolRef");
      }
      if (!entry.get().usable()) {
        return refuse(
            owner,
            AddressOutcome.POOL_INVALID,
            "Pool "
                + spec.poolRef()
                + " is not valid ("
                + entry.get().validation().message()
                + "): fix the Pool (kubectl describe pool "
                + spec.poolRef()
                + ")");
      }
      if (!eligibility.allows(entry.get())) {
        return refuse(
            owner,
            AddressOutcome.POOL_NOT_ALLOWED,
            "Pool "
                + spec.poolRef()
                + " only serves "
                + PoolEligibility.describe(entry.get().allocation())
                + ": name another pool in spec.poolRef, or widen the Pool's allocation");
      }
      candidates = List.of(entry.get().addresses());
    } else {
      candidates =
          requested
              ? eligibility.forRequestedAddresses(catalog)
              : eligibility.forAutoAssign(catalog);
      if (candidates.isEmpty()) {
        return refuse(
            owner,
            AddressOutcome.NO_POOL,
            requested
                ? "no valid Pool serves namespace "
                    + eligibility.namespace()
                    + ": create one containing "
                    + String.join(", ", spec.addressesOrEmpty())
                : "no valid Pool with autoAssign serves namespace "
                    + eligibility.namespace()
                    + ": create one, or name a pool in spec.poolRef");
      }
    }
    var request =
        new AddressRequest(
            candidates,
            policy(spec),
            families(spec),
            spec.addressesOrEmpty().stream().map(IpAddress::parse).toList(),
            sharing(owner, spec),
            ports(spec),
            AddressIntent.of(spec));
    if (!requested && !previous.isEmpty() && ipam.leaseOf(owner).isEmpty()) {
      Optional<AddressRequest> again = asBefore(request, previous);
      if (again.isPresent()
          && ipam.allocate(owner, again.get()) instanceof Allocation.Granted granted) {
        return outcome(owner, request, granted);
      }
    }
    return outcome(owner, request, ipam.allocate(owner, request));
  }

  /**
   * The request asking for the previous addresses exactly, on the same terms (pools, sharing,
   * ports, intent: the lease then stands for the ordinary request, which keeps it), limited to the
   * families and number of addresses the spec wants; empty when they cannot satisfy it.
   */
  private static Optional<AddressRequest> asBefore(
      AddressRequest request, List<IpAddress> previous) {
    List<IpAddress> wanted =
        previous.stream()
            .filter(a -> request.families().contains(a.family()))
            .filter(a -> request.pools().stream().anyMatch(pool -> pool.contains(a)))
            .toList();
    if (wanted.stream().map(IpAddress::family).distinct().count() != wanted.size()) {
      return Optional.empty();
    }
    if (request.policy() == FamilyPolicy.SINGLE && wanted.size() > 1) {
      wanted = wanted.subList(0, 1);
    }
    if (wanted.isEmpty() || (request.policy() == FamilyPolicy.REQUIRE_DUAL && wanted.size() < 2)) {
      return Optional.empty();
    }
    return Optional.of(
        new AddressRequest(
            request.pools(),
            request.policy(),
            request.families(),
            wanted,
            request.sharing(),
            request.ports(),
            request.intent()));
  }

  /**
   * What a LoadBalancer whose spec is not valid holds: what it held (a typo being fixed must not
   * hand its VIP to someone else), or nothing.
   *
   * @param pool the pool its status names
   */
  AddressOutcome keptWhileInvalid(Owner owner, String pool) {
    var held = ipam.leaseOf(owner);
    if (held.isEmpty()) {
      return new AddressOutcome.NotAllocated(
          AddressOutcome.NOT_VALID, "nothing is allocated while the spec is not valid");
    }
    return new AddressOutcome.Held(
        held,
        pool,
        ipam.sharingWith(owner),
        AddressOutcome.ALLOCATED,
        "keeps " + text(held) + " while the spec is not valid (nothing is programmed)");
  }

  /**
   * The lease a LoadBalancer's status records (addresses and pool), on the terms its spec sets:
   * what IPAM is rebuilt from at start-up.
   */
  static Lease recordedLease(Owner owner, LoadBalancer lb) {
    var status = lb.getStatus();
    List<IpAddress> held =
        status == null ? List.of() : status.addresses().stream().map(IpAddress::parse).toList();
    var spec = lb.getSpec();
    if (spec == null) {
      return new Lease(owner, held, status == null ? null : status.pool(), null, null, Set.of());
    }
    return new Lease(
        owner,
        held,
        status == null ? null : status.pool(),
        AddressIntent.of(spec),
        sharing(owner, spec),
        ports(spec));
  }

  private AddressOutcome refuse(Owner owner, String reason, String message) {
    ipam.release(owner);
    return new AddressOutcome.NotAllocated(reason, message);
  }

  private AddressOutcome outcome(Owner owner, AddressRequest request, Allocation allocation) {
    return switch (allocation) {
      case Allocation.Granted granted ->
          new AddressOutcome.Held(
              granted.addresses(),
              granted.pool(),
              ipam.sharingWith(owner),
              AddressOutcome.ALLOCATED,
              text(granted.addresses()) + " from Pool " + granted.pool());
      case Allocation.Kept kept ->
          new AddressOutcome.Held(
              kept.addresses(),
              kept.pool(),
              ipam.sharingWith(owner),
              AddressOutcome.OUTSIDE_POOL,
              "keeps "
                  + text(kept.addresses())
                  + (kept.pool() == null ? "" : " from Pool " + kept.pool())
                  + ", although no Pool this LoadBalancer may use contains it any more; it keeps"
                  + " serving: put the address back into the Pool, or change spec.poolRef or"
                  + " spec.addresses to move to a new one");
      case Allocation.Exhausted exhausted ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.POOL_EXHAUSTED, exhausted(exhausted, request));
      case Allocation.NoPoolForFamily none ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.NO_POOL_FOR_FAMILY,
              "no Pool this LoadBalancer may use ("
                  + String.join(", ", none.pools())
                  + ") has "
                  + none.family().apiName()
                  + " addresses: add an "
                  + none.family().apiName()
                  + " range to one, or change spec.ipFamilies / spec.ipFamilyPolicy");
      case Allocation.InUse inUse ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.ADDRESS_IN_USE,
              inUse.address()
                  + " cannot be had: "
                  + inUse.why()
                  + ". Request another address, or give both LoadBalancers the same"
                  + " spec.sharingKey and distinct ports");
      case Allocation.OutsidePools outside ->
          new AddressOutcome.NotAllocated(
              AddressOutcome.ADDRESS_NOT_IN_POOL,
              outside.address()
                  + " is in none of the Pools this LoadBalancer may use ("
                  + String.join(", ", outside.pools())
                  + "): request an address from them, or add it to a Pool");
    };
  }

  private String exhausted(Allocation.Exhausted exhausted, AddressRequest request) {
    String families =
        exhausted.families().stream()
            .sorted()
            .map(IpFamily::apiName)
            .collect(Collectors.joining(" or "));
    String usage =
        request.pools().stream()
            .map(pool -> pool.name() + " " + usage(ipam.usage(pool)))
            .collect(Collectors.joining(", "));
    String which =
        exhausted.pools().size() == 1
            ? "Pool " + exhausted.pools().getFirst() + " has"
            : "Pools " + String.join(", ", exhausted.pools()) + " have";
    return which
        + " no free "
        + families
        + " address ("
        + usage
        + "): add addresses to the Pool, delete a LoadBalancer that holds one, or name another"
        + " pool in spec.poolRef";
  }

  private static String usage(List<PoolUsage> usage) {
    return usage.stream()
        .map(u -> u.allocated() + " of " + u.capacity() + " " + u.family().apiName() + " in use")
        .collect(Collectors.joining(", "));
  }

  private static FamilyPolicy policy(LoadBalancerSpec spec) {
    return switch (spec.ipFamilyPolicyOrDefault()) {
      case SINGLE_STACK -> FamilyPolicy.SINGLE;
      case PREFER_DUAL_STACK -> FamilyPolicy.PREFER_DUAL;
      case REQUIRE_DUAL_STACK -> FamilyPolicy.REQUIRE_DUAL;
    };
  }

  private static List<IpFamily> families(LoadBalancerSpec spec) {
    if (spec.ipFamilies() == null || spec.ipFamilies().isEmpty()) {
      return List.of(IpFamily.IPV4, IpFamily.IPV6);
    }
    return spec.ipFamilies().stream()
        .map(f -> f == IpFamilyName.IPv4 ? IpFamily.IPV4 : IpFamily.IPV6)
        .distinct()
        .toList();
  }

  private static SharingGroup sharing(Owner owner, LoadBalancerSpec spec) {
    if (spec.sharingKey() == null) {
      return null;
    }
    String backendKey = "";
    if (spec.externalTrafficPolicyOrDefault() == ExternalTrafficPolicy.Local
        && spec.backends() != null) {
      // Node-local traffic: the VIP may only be announced where backends run, so sharers must
      // agree on the backends (as MetalLB requires).
      backendKey =
          spec.backends().serviceRef() != null
              ? "service:" + spec.backends().serviceRef()
              : "selector:" + spec.backends().selector();
    }
    return new SharingGroup(owner.namespace(), spec.sharingKey(), backendKey);
  }

  private static Set<PortKey> ports(LoadBalancerSpec spec) {
    return spec.ports().stream()
        .filter(p -> p.port() != null)
        .map(p -> new PortKey(p.protocolOrDefault().name(), p.port()))
        .collect(Collectors.toSet());
  }

  private static String text(List<IpAddress> addresses) {
    return addresses.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
  }
}
