package io.gatun.operator.ipam;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Hands out addresses so that no address ever has two owners, unless they share it on purpose: same
 * {@link SharingGroup}, ports that do not overlap.
 *
 * <p>All state sits behind one lock: reconcilers of different LoadBalancers run concurrently and an
 * allocation is a read-decide-write on the whole table. Allocation is idempotent: asking again with
 * a request the current lease still satisfies returns that lease unchanged. An owner loses its
 * addresses only when its own request changes (another pool, other addresses or families, ports
 * that now clash with a co-holder) or it lets go; a pool losing a range never takes an address away
 * ({@link Allocation.Kept}).
 *
 * <p>Owners whose last request failed are remembered as waiting; when addresses come free the
 * listeners hear who is waiting, so those owners ask again instead of staying stuck.
 *
 * <p>The table lives in memory only. The API is the source of truth: {@link #restore} refills it
 * from the LoadBalancers' status before any reconciler runs.
 */
public final class Ipam {

  private final Map<IpAddress, Set<Owner>> holders = new HashMap<>();
  private final Map<IpFamily, AddressSet> held = new EnumMap<>(IpFamily.class);
  private final Map<Owner, Lease> leases = new HashMap<>();
  private final Map<String, Set<Owner>> ownersByPool = new HashMap<>();
  private final Map<SharingGroup, TreeSet<IpAddress>> sharedAddresses = new HashMap<>();
  private final Set<Owner> waiting = new TreeSet<>(); // last request failed
  private final List<IpamListener> listeners = new CopyOnWriteArrayList<>();

  public Ipam() {
    for (IpFamily family : IpFamily.values()) {
      held.put(family, new AddressSet());
    }
  }

  public void addListener(IpamListener listener) {
    listeners.add(listener);
  }

  /**
   * Refills the table from leases found in the API, earlier ones first (pass them oldest owner
   * first: the older one keeps a contested address).
   *
   * @return the leases refused because an earlier one holds one of their addresses and they may not
   *     share it; their owners get new addresses when next reconciled
   */
  public synchronized List<Lease> restore(List<Lease> found) {
    var refused = new ArrayList<Lease>();
    for (Lease lease : found) {
      drop(lease.owner());
      boolean contested =
          lease.addresses().stream()
              .anyMatch(
                  a -> whyNotShareable(a, lease.owner(), lease.sharing(), lease.ports()) != null);
      if (contested) {
        refused.add(lease);
      } else if (!lease.addresses().isEmpty()) {
        take(lease);
      }
    }
    return refused;
  }

  /** Answers {@code request} for {@code owner}, keeping its current lease when that still fits. */
  public Allocation allocate(Owner owner, AddressRequest request) {
    Lease before;
    Lease after;
    Allocation answer;
    Set<Owner> waitingNow;
    Set<Owner> sharersChanged;
    synchronized (this) {
      Set<Owner> sharersBefore = sharingWith(owner);
      Lease current = leases.get(owner);
      before = current;
      answer = current == null ? null : keep(current, request);
      if (answer == null) {
        drop(owner);
        answer = request.requested().isEmpty() ? anyFree(owner, request) : exactly(owner, request);
        if (answer instanceof Allocation.Granted granted) {
          take(lease(owner, granted.addresses(), granted.pool(), request));
        }
      }
      if (answer instanceof Allocation.Granted || answer instanceof Allocation.Kept) {
        waiting.remove(owner);
      } else {
        waiting.add(owner);
      }
      waitingNow = Set.copyOf(waiting);
      after = leases.get(owner);
      sharersChanged = symmetricDifference(sharersBefore, sharingWith(owner));
    }
    notifyChanged(owner, before, after, waitingNow);
    notifySharing(sharersChanged);
    return answer;
  }

  /** Frees whatever {@code owner} holds. Releasing twice is harmless. */
  public void release(Owner owner) {
    Lease before;
    Set<Owner> waitingNow;
    Set<Owner> sharersChanged;
    synchronized (this) {
      sharersChanged = sharingWith(owner);
      before = drop(owner);
      waiting.remove(owner);
      waitingNow = Set.copyOf(waiting);
    }
    notifyChanged(owner, before, null, waitingNow);
    notifySharing(sharersChanged);
  }

  public synchronized List<IpAddress> leaseOf(Owner owner) {
    Lease lease = leases.get(owner);
    return lease == null ? List.of() : lease.addresses();
  }

  /** Who holds {@code address} (several owners when it is shared). */
  public synchronized Set<Owner> holdersOf(IpAddress address) {
    return Set.copyOf(holders.getOrDefault(address, Set.of()));
  }

  /** The other owners holding any of {@code owner}'s addresses. */
  public synchronized Set<Owner> sharingWith(Owner owner) {
    Lease lease = leases.get(owner);
    if (lease == null) {
      return Set.of();
    }
    var others = new TreeSet<Owner>();
    lease.addresses().forEach(a -> others.addAll(holders.getOrDefault(a, Set.of())));
    others.remove(owner);
    return others;
  }

  /** Capacity and allocation of {@code pool}, one entry per family it has addresses of. */
  public synchronized List<PoolUsage> usage(PoolAddresses pool) {
    var usage = new ArrayList<PoolUsage>();
    for (IpFamily family : IpFamily.values()) {
      BigInteger capacity = pool.capacity(family);
      if (!pool.hasFamily(family)) {
        continue;
      }
      BigInteger allocated = BigInteger.ZERO;
      for (AddressRange range : pool.ranges()) {
        if (range.family() == family) {
          allocated =
              allocated.add(held.get(family).countIn(range.first().value(), range.last().value()));
        }
      }
      usage.add(new PoolUsage(family, capacity, allocated.min(capacity)));
    }
    return usage;
  }

  /** The leases taken from the pool named {@code pool}, by owner. */
  public synchronized List<Lease> leasesFrom(String pool) {
    return ownersByPool.getOrDefault(pool, Set.of()).stream().sorted().map(leases::get).toList();
  }

  // ------------------------------------------------------------------ deciding

  /** Keeps the current lease when it still answers the request; null means start again. */
  private Allocation keep(Lease current, AddressRequest request) {
    Owner owner = current.owner();
    for (IpAddress address : current.addresses()) {
      if (whyNotShareable(address, owner, request.sharing(), request.ports()) != null) {
        return null; // its ports now clash with a co-holder's, or its sharing key changed
      }
    }
    if (!request.requested().isEmpty()
        && !(current.addresses().size() == request.requested().size()
            && current.addresses().containsAll(request.requested()))) {
      return null;
    }
    if (!familiesFit(current.addresses(), request)) {
      return null;
    }
    Optional<PoolAddresses> home =
        request.pools().stream()
            .filter(pool -> current.addresses().stream().allMatch(pool::contains))
            .findFirst();
    if (home.isPresent()) {
      List<IpAddress> addresses = current.addresses();
      if (request.policy() == FamilyPolicy.PREFER_DUAL
          && addresses.size() == 1
          && request.requested().isEmpty()) {
        addresses = withOtherFamily(owner, addresses, home.get(), request);
      }
      replace(lease(owner, addresses, home.get().name(), request));
      return new Allocation.Granted(addresses, home.get().name());
    }
    if (Objects.equals(current.intent(), request.intent())) {
      replace(
          new Lease(
              owner,
              current.addresses(),
              current.pool(),
              current.intent(),
              request.sharing(),
              request.ports()));
      return new Allocation.Kept(current.addresses(), current.pool());
    }
    return null;
  }

  private boolean familiesFit(List<IpAddress> addresses, AddressRequest request) {
    Set<IpFamily> families = addresses.stream().map(IpAddress::family).collect(Collectors.toSet());
    if (families.size() != addresses.size() || !request.families().containsAll(families)) {
      return false;
    }
    return switch (request.policy()) {
      case SINGLE -> addresses.size() == 1;
      case PREFER_DUAL -> !addresses.isEmpty();
      case REQUIRE_DUAL -> addresses.size() == 2;
    };
  }

  private List<IpAddress> withOtherFamily(
      Owner owner, List<IpAddress> addresses, PoolAddresses pool, AddressRequest request) {
    IpFamily have = addresses.getFirst().family();
    for (IpFamily family : request.families()) {
      if (family != have) {
        Optional<IpAddress> more = pick(owner, pool, family, request);
        if (more.isPresent()) {
          var both = new ArrayList<>(addresses);
          both.add(more.get());
          return List.copyOf(both);
        }
      }
    }
    return addresses;
  }

  private Allocation anyFree(Owner owner, AddressRequest request) {
    return request.policy() == FamilyPolicy.SINGLE
        ? singleStack(owner, request)
        : dualStack(owner, request);
  }

  /** The first pool, in order, with a free address of an acceptable family (in order). */
  private Allocation singleStack(Owner owner, AddressRequest request) {
    for (PoolAddresses pool : request.pools()) {
      for (IpFamily family : request.families()) {
        Optional<IpAddress> free = pick(owner, pool, family, request);
        if (free.isPresent()) {
          return new Allocation.Granted(List.of(free.get()), pool.name());
        }
      }
    }
    return failure(request, request.families(), false);
  }

  /**
   * The first pool with a free address of both families; for PreferDualStack, failing that, the
   * first pool with one of the preferred family, then of the other (as MetalLB).
   */
  private Allocation dualStack(Owner owner, AddressRequest request) {
    var families = new ArrayList<>(request.families());
    for (IpFamily family : IpFamily.values()) {
      if (!families.contains(family)) {
        families.add(family);
      }
    }
    Allocation.Granted preferredOnly = null;
    Allocation.Granted otherOnly = null;
    for (PoolAddresses pool : request.pools()) {
      Optional<IpAddress> preferred = pick(owner, pool, families.get(0), request);
      Optional<IpAddress> other = pick(owner, pool, families.get(1), request);
      if (preferred.isPresent() && other.isPresent()) {
        return new Allocation.Granted(List.of(preferred.get(), other.get()), pool.name());
      }
      if (preferred.isPresent() && preferredOnly == null) {
        preferredOnly = new Allocation.Granted(List.of(preferred.get()), pool.name());
      }
      if (other.isPresent() && otherOnly == null) {
        otherOnly = new Allocation.Granted(List.of(other.get()), pool.name());
      }
    }
    if (request.policy() == FamilyPolicy.PREFER_DUAL) {
      if (preferredOnly != null) {
        return preferredOnly;
      }
      if (otherOnly != null) {
        return otherOnly;
      }
    }
    return failure(request, families, request.policy() == FamilyPolicy.REQUIRE_DUAL);
  }

  /** Why nothing was found: no pool has (one of) the families at all, or they are full. */
  private static Allocation failure(
      AddressRequest request, List<IpFamily> families, boolean needsAll) {
    List<IpFamily> offered =
        families.stream()
            .filter(family -> request.pools().stream().anyMatch(pool -> pool.hasFamily(family)))
            .toList();
    List<IpFamily> missing = families.stream().filter(f -> !offered.contains(f)).toList();
    if (offered.isEmpty() || (needsAll && !missing.isEmpty())) {
      return new Allocation.NoPoolForFamily(missing.getFirst(), request.poolNames());
    }
    return new Allocation.Exhausted(request.poolNames(), Set.copyOf(offered));
  }

  /**
   * An address of {@code family} in {@code pool}: one the owner may share first, then a free one.
   */
  private Optional<IpAddress> pick(
      Owner owner, PoolAddresses pool, IpFamily family, AddressRequest request) {
    if (request.sharing() != null) {
      for (IpAddress candidate : sharedAddresses.getOrDefault(request.sharing(), new TreeSet<>())) {
        if (candidate.family() == family
            && pool.contains(candidate)
            && whyNotShareable(candidate, owner, request.sharing(), request.ports()) == null) {
          return Optional.of(candidate);
        }
      }
    }
    AddressSet taken = held.get(family);
    for (AddressRange range : pool.ranges()) {
      if (range.family() != family) {
        continue;
      }
      BigInteger candidate = range.first().value();
      BigInteger last = range.last().value();
      while (candidate.compareTo(last) <= 0) {
        candidate = taken.firstAbsentFrom(candidate);
        if (candidate.compareTo(last) > 0) {
          break;
        }
        var address = new IpAddress(family, candidate);
        if (!pool.avoidBuggyIps() || !address.isBuggy()) {
          return Optional.of(address);
        }
        candidate = candidate.add(BigInteger.ONE);
      }
    }
    return Optional.empty();
  }

  private Allocation exactly(Owner owner, AddressRequest request) {
    String pool = null;
    for (IpAddress address : request.requested()) {
      Optional<PoolAddresses> home =
          request.pools().stream().filter(candidate -> candidate.contains(address)).findFirst();
      if (home.isEmpty()) {
        return new Allocation.OutsidePools(address, request.poolNames());
      }
      String why = whyNotShareable(address, owner, request.sharing(), request.ports());
      if (why != null) {
        var others = new HashSet<>(holders.getOrDefault(address, Set.of()));
        others.remove(owner);
        return new Allocation.InUse(address, others, why);
      }
      pool = pool == null ? home.get().name() : pool;
    }
    return new Allocation.Granted(request.requested(), pool);
  }

  /** Null when {@code owner} may hold {@code address} next to its current holders, else why not. */
  private String whyNotShareable(
      IpAddress address, Owner owner, SharingGroup sharing, Set<PortKey> ports) {
    for (Owner other : holders.getOrDefault(address, Set.of())) {
      if (other.equals(owner)) {
        continue;
      }
      Lease theirs = leases.get(other);
      if (sharing == null || theirs.sharing() == null) {
        return "it is held by " + other + " and not shared";
      }
      if (!sharing.equals(theirs.sharing())) {
        return other + " shares it under another sharing key or namespace";
      }
      if (!Collections.disjoint(ports, theirs.ports())) {
        var clash = new TreeSet<>(ports.stream().map(PortKey::toString).toList());
        clash.retainAll(theirs.ports().stream().map(PortKey::toString).toList());
        return other + " already serves " + String.join(", ", clash) + " on it";
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ bookkeeping

  private static String poolOf(Lease lease) {
    return lease == null ? null : lease.pool();
  }

  private static Lease lease(
      Owner owner, List<IpAddress> addresses, String pool, AddressRequest request) {
    return new Lease(owner, addresses, pool, request.intent(), request.sharing(), request.ports());
  }

  private void take(Lease lease) {
    for (IpAddress address : lease.addresses()) {
      Set<Owner> owners = holders.computeIfAbsent(address, a -> new HashSet<>());
      owners.add(lease.owner());
      held.get(address.family()).add(address.value());
      if (lease.sharing() != null) {
        sharedAddresses.computeIfAbsent(lease.sharing(), g -> new TreeSet<>()).add(address);
      }
    }
    leases.put(lease.owner(), lease);
    if (lease.pool() != null) {
      ownersByPool.computeIfAbsent(lease.pool(), p -> new HashSet<>()).add(lease.owner());
    }
  }

  private void replace(Lease lease) {
    drop(lease.owner());
    take(lease);
  }

  private Lease drop(Owner owner) {
    Lease lease = leases.remove(owner);
    if (lease == null) {
      return null;
    }
    for (IpAddress address : lease.addresses()) {
      Set<Owner> owners = holders.get(address);
      owners.remove(owner);
      if (owners.isEmpty()) {
        holders.remove(address);
        held.get(address.family()).remove(address.value());
      }
      if (lease.sharing() != null) {
        boolean groupStillThere =
            owners.stream().anyMatch(o -> lease.sharing().equals(leases.get(o).sharing()));
        if (!groupStillThere) {
          TreeSet<IpAddress> shared = sharedAddresses.get(lease.sharing());
          shared.remove(address);
          if (shared.isEmpty()) {
            sharedAddresses.remove(lease.sharing());
          }
        }
      }
    }
    if (lease.pool() != null) {
      Set<Owner> owners = ownersByPool.get(lease.pool());
      owners.remove(owner);
      if (owners.isEmpty()) {
        ownersByPool.remove(lease.pool());
      }
    }
    return lease;
  }

  /** Those who gained {@code owner} as a co-holder, and those who lost it. */
  private static Set<Owner> symmetricDifference(Set<Owner> before, Set<Owner> after) {
    var changed = new TreeSet<Owner>(before);
    changed.addAll(after);
    changed.removeIf(o -> before.contains(o) && after.contains(o));
    return changed;
  }

  private void notifySharing(Set<Owner> owners) {
    if (!owners.isEmpty()) {
      var copy = Set.copyOf(owners);
      listeners.forEach(listener -> listener.sharingChanged(copy));
    }
  }

  private void notifyChanged(Owner owner, Lease before, Lease after, Set<Owner> waitingNow) {
    List<IpAddress> had = before == null ? List.of() : before.addresses();
    List<IpAddress> has = after == null ? List.of() : after.addresses();
    if (had.equals(has) && Objects.equals(poolOf(before), poolOf(after))) {
      return;
    }
    listeners.forEach(listener -> listener.leaseChanged(owner, before, after));
    boolean freed = !has.containsAll(had);
    var others =
        waitingNow.stream().filter(waiter -> !waiter.equals(owner)).collect(Collectors.toSet());
    if (freed && !others.isEmpty()) {
      listeners.forEach(listener -> listener.addressesFreed(others));
    }
  }
}
