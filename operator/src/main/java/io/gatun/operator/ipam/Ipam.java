package io.gatun.operator.ipam;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * Hands out addresses so that no address ever has two owners.
 *
 * <p>All state sits behind one lock: reconcilers of different LoadBalancers run concurrently and an
 * allocation is a read-decide-write on the whole table. Allocation is idempotent: asking again with
 * a request the current lease still satisfies returns that lease unchanged. A lease that no longer
 * satisfies the request (the pool changed, another address was asked for) is replaced, or released
 * when no replacement exists — a LoadBalancer holds addresses only while its request can be met.
 *
 * <p>Owners whose last request failed are remembered as waiting; when addresses come free the
 * listeners hear who is waiting, so those owners ask again instead of staying stuck.
 *
 * <p>The table lives in memory only. The API is the source of truth: {@link #restore} refills it
 * from the LoadBalancers' {@code status.addresses} before any reconciler runs.
 */
public final class Ipam {

  private final Map<IpAddress, Owner> holders = new HashMap<>();
  private final Map<Owner, List<IpAddress>> leases = new HashMap<>();
  private final Set<Owner> waiting = new TreeSet<>(); // last request failed
  private final List<IpamListener> listeners = new CopyOnWriteArrayList<>();

  public void addListener(IpamListener listener) {
    listeners.add(listener);
  }

  /** A claim on addresses found in the API at start-up. */
  public record Claim(Owner owner, List<IpAddress> addresses) {
    public Claim {
      addresses = List.copyOf(addresses);
    }
  }

  /**
   * Refills the table from claims found in the API, earlier claims first (pass them oldest
   * LoadBalancer first: the older one keeps a contested address).
   *
   * @return the claims refused because another owner already holds one of their addresses; their
   *     owners get new addresses when next reconciled
   */
  public synchronized List<Claim> restore(List<Claim> claims) {
    var refused = new ArrayList<Claim>();
    for (Claim claim : claims) {
      boolean contested =
          claim.addresses().stream()
              .map(holders::get)
              .anyMatch(holder -> holder != null && !holder.equals(claim.owner()));
      if (contested) {
        refused.add(claim);
      } else if (!claim.addresses().isEmpty()) {
        drop(claim.owner());
        take(claim.owner(), claim.addresses());
      }
    }
    return refused;
  }

  /** Answers {@code request} for {@code owner}, keeping its current lease when that still fits. */
  public Allocation allocate(Owner owner, AddressRequest request) {
    List<IpAddress> before;
    Allocation answer;
    Set<Owner> waitingNow;
    synchronized (this) {
      before = leases.getOrDefault(owner, List.of());
      Optional<PoolAddresses> keeping = poolSatisfiedBy(before, request);
      if (keeping.isPresent()) {
        waiting.remove(owner);
        return new Allocation.Granted(before, keeping.get().name());
      }
      drop(owner);
      answer =
          switch (request) {
            case AddressRequest.AnyFree anyFree -> firstFree(anyFree);
            case AddressRequest.Exactly exactly -> exactly(exactly);
          };
      if (answer instanceof Allocation.Granted granted) {
        take(owner, granted.addresses());
        waiting.remove(owner);
      } else {
        waiting.add(owner);
      }
      waitingNow = Set.copyOf(waiting);
    }
    List<IpAddress> after =
        answer instanceof Allocation.Granted granted ? granted.addresses() : List.of();
    notifyChanged(owner, before, after, waitingNow);
    return answer;
  }

  /** Frees whatever {@code owner} holds. Releasing twice is harmless. */
  public void release(Owner owner) {
    List<IpAddress> before;
    Set<Owner> waitingNow;
    synchronized (this) {
      before = drop(owner);
      waiting.remove(owner);
      waitingNow = Set.copyOf(waiting);
    }
    notifyChanged(owner, before, List.of(), waitingNow);
  }

  public synchronized List<IpAddress> leaseOf(Owner owner) {
    return leases.getOrDefault(owner, List.of());
  }

  public synchronized Optional<Owner> holderOf(IpAddress address) {
    return Optional.ofNullable(holders.get(address));
  }

  /** Capacity and allocation of {@code pool}, one entry per family it has addresses of. */
  public synchronized List<PoolUsage> usage(PoolAddresses pool) {
    var usage = new ArrayList<PoolUsage>();
    for (IpFamily family : IpFamily.values()) {
      var capacity = pool.capacity(family);
      if (capacity.signum() > 0) {
        long allocated =
            holders.keySet().stream()
                .filter(address -> address.family() == family && pool.contains(address))
                .count();
        usage.add(new PoolUsage(family, capacity, allocated));
      }
    }
    return usage;
  }

  private Optional<PoolAddresses> poolSatisfiedBy(List<IpAddress> lease, AddressRequest request) {
    if (lease.isEmpty()) {
      return Optional.empty();
    }
    if (request instanceof AddressRequest.Exactly exactly
        && !(lease.size() == exactly.addresses().size()
            && lease.containsAll(exactly.addresses()))) {
      return Optional.empty();
    }
    return request.pools().stream()
        .filter(pool -> lease.stream().allMatch(pool::contains))
        .findFirst();
  }

  private Allocation firstFree(AddressRequest.AnyFree request) {
    for (PoolAddresses pool : request.pools()) {
      for (AddressRange range : pool.ranges()) {
        Optional<IpAddress> free = firstFreeIn(range);
        if (free.isPresent()) {
          return new Allocation.Granted(List.of(free.get()), pool.name());
        }
      }
    }
    return new Allocation.Exhausted(request.pools().stream().map(PoolAddresses::name).toList());
  }

  /** Lowest free address of the range; steps over at most as many addresses as are held. */
  private Optional<IpAddress> firstFreeIn(AddressRange range) {
    IpAddress candidate = range.first();
    while (holders.containsKey(candidate)) {
      if (candidate.equals(range.last())) {
        return Optional.empty();
      }
      candidate = candidate.next();
    }
    return Optional.of(candidate);
  }

  private Allocation exactly(AddressRequest.Exactly request) {
    String pool = null;
    for (IpAddress address : request.addresses()) {
      Optional<PoolAddresses> home =
          request.pools().stream().filter(candidate -> candidate.contains(address)).findFirst();
      if (home.isEmpty()) {
        return new Allocation.OutsidePools(
            address, request.pools().stream().map(PoolAddresses::name).toList());
      }
      Owner holder = holders.get(address);
      if (holder != null) {
        return new Allocation.InUse(address, holder);
      }
      pool = pool == null ? home.get().name() : pool;
    }
    return new Allocation.Granted(request.addresses(), pool);
  }

  private void take(Owner owner, List<IpAddress> addresses) {
    for (IpAddress address : addresses) {
      Owner previous = holders.putIfAbsent(address, owner);
      if (previous != null && !previous.equals(owner)) {
        throw new IllegalStateException(address + " is held by " + previous + ", not " + owner);
      }
    }
    leases.put(owner, List.copyOf(addresses));
  }

  private List<IpAddress> drop(Owner owner) {
    List<IpAddress> lease = leases.remove(owner);
    if (lease == null) {
      return List.of();
    }
    lease.forEach(holders::remove);
    return lease;
  }

  private void notifyChanged(
      Owner owner, List<IpAddress> before, List<IpAddress> after, Set<Owner> waitingNow) {
    if (before.equals(after)) {
      return;
    }
    listeners.forEach(listener -> listener.leaseChanged(owner, before, after));
    boolean freed = !after.containsAll(before);
    var others =
        waitingNow.stream().filter(waiter -> !waiter.equals(owner)).collect(Collectors.toSet());
    if (freed && !others.isEmpty()) {
      listeners.forEach(listener -> listener.addressesFreed(others));
    }
  }
}
