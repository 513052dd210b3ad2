package io.gatun.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random allocations, releases, pool edits and operator restarts across both families,
 * several pools, sharing keys and explicit addresses, checking after every step that no address has
 * two owners unless they may share it, that IPAM's view equals what its answers said, that a
 * restart (rebuilding from what the API would hold) changes nothing, and at the end that releasing
 * everyone leaves nothing allocated.
 */
class IpamRandomizedTest {

  private static final int STEPS = 6_000;
  private static final int OWNERS = 60;

  private record Asked(AddressRequest request, Allocation answer) {}

  private final Random random = new Random(20240611);
  private final Map<String, PoolAddresses> pools = new TreeMap<>();
  private final Map<Owner, Asked> lastAsked = new HashMap<>();
  private Ipam ipam = new Ipam();
  private int sharedSeen;

  @Test
  void neverADuplicateNeverALeakAcrossRestarts() {
    rollPools();
    int granted = 0;
    int kept = 0;
    int restarts = 0;
    for (int step = 0; step < STEPS; step++) {
      int dice = random.nextInt(100);
      Owner owner = new Owner(random.nextBoolean() ? "a" : "b", "lb-" + random.nextInt(OWNERS));
      if (dice < 60) {
        var request = randomRequest(owner);
        var answer = ipam.allocate(owner, request);
        lastAsked.put(owner, new Asked(request, answer));
        granted += answer instanceof Allocation.Granted ? 1 : 0;
        kept += answer instanceof Allocation.Kept ? 1 : 0;
        checkAnswer(owner, request, answer);
      } else if (dice < 85) {
        ipam.release(owner);
        lastAsked.remove(owner);
      } else if (dice < 95) {
        editAPool();
      } else {
        restart();
        restarts++;
      }
      checkInvariants();
    }
    assertThat(granted).as("the test exercised allocation").isGreaterThan(STEPS / 6);
    assertThat(sharedSeen).as("some addresses were shared").isPositive();
    assertThat(kept).as("pool edits left some addresses outside their pool").isPositive();
    assertThat(restarts).isPositive();

    for (Owner owner : List.copyOf(lastAsked.keySet())) {
      ipam.release(owner);
    }
    for (PoolAddresses pool : pools.values()) {
      for (PoolUsage usage : ipam.usage(pool)) {
        assertThat(usage.allocated()).as("leak in %s", pool.name()).isEqualTo(BigInteger.ZERO);
      }
    }
  }

  private AddressRequest randomRequest(Owner owner) {
    var candidates = new ArrayList<>(pools.values());
    java.util.Collections.shuffle(candidates, random);
    candidates = new ArrayList<>(candidates.subList(0, 1 + random.nextInt(candidates.size())));
    FamilyPolicy policy = FamilyPolicy.values()[random.nextInt(3)];
    List<IpFamily> families =
        switch (random.nextInt(3)) {
          case 0 -> List.of(IpFamily.IPV4, IpFamily.IPV6);
          case 1 -> List.of(IpFamily.IPV6, IpFamily.IPV4);
          default -> List.of(random.nextBoolean() ? IpFamily.IPV4 : IpFamily.IPV6);
        };
    if (policy != FamilyPolicy.SINGLE && families.size() == 1) {
      families = List.of(IpFamily.IPV4, IpFamily.IPV6);
    }
    SharingGroup sharing =
        random.nextInt(3) == 0
            ? new SharingGroup(owner.namespace(), "key-" + random.nextInt(2), "")
            : null;
    Set<PortKey> ports = new HashSet<>();
    int count = 1 + random.nextInt(2);
    for (int i = 0; i < count; i++) {
      ports.add(new PortKey(random.nextBoolean() ? "TCP" : "UDP", 53 + random.nextInt(3)));
    }
    List<IpAddress> requested = List.of();
    if (random.nextInt(5) == 0 && policy == FamilyPolicy.SINGLE) {
      PoolAddresses pool = candidates.getFirst();
      AddressRange range = pool.ranges().get(random.nextInt(pool.ranges().size()));
      requested =
          List.of(
              range
                  .first()
                  .plus(
                      BigInteger.valueOf(
                          random.nextInt(range.size().min(BigInteger.valueOf(8)).intValue()))));
      families = List.of(requested.getFirst().family());
    }
    Object intent = List.of(policy, families, requested, candidates.size());
    return new AddressRequest(candidates, policy, families, requested, sharing, ports, intent);
  }

  private void checkAnswer(Owner owner, AddressRequest request, Allocation answer) {
    switch (answer) {
      case Allocation.Granted granted -> {
        assertThat(ipam.leaseOf(owner)).isEqualTo(granted.addresses());
        PoolAddresses pool = pools.get(granted.pool());
        assertThat(granted.addresses()).allMatch(pool::contains);
        assertThat(request.pools()).contains(pool);
        if (request.policy() == FamilyPolicy.REQUIRE_DUAL) {
          assertThat(granted.addresses())
              .extracting(IpAddress::family)
              .containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
        } else if (request.policy() == FamilyPolicy.SINGLE) {
          assertThat(granted.addresses()).hasSize(1);
          assertThat(request.families()).contains(granted.addresses().getFirst().family());
        }
      }
      case Allocation.Kept kept -> assertThat(ipam.leaseOf(owner)).isEqualTo(kept.addresses());
      default -> assertThat(ipam.leaseOf(owner)).isEmpty();
    }
  }

  /** No address with two holders unless they share legitimately; IPAM agrees with itself. */
  private void checkInvariants() {
    var holders = new HashMap<IpAddress, List<Owner>>();
    for (Owner owner : lastAsked.keySet()) {
      for (IpAddress address : ipam.leaseOf(owner)) {
        holders.computeIfAbsent(address, a -> new ArrayList<>()).add(owner);
      }
    }
    holders.forEach(
        (address, owners) -> {
          assertThat(ipam.holdersOf(address)).containsExactlyInAnyOrderElementsOf(owners);
          if (owners.size() > 1) {
            sharedSeen++;
            var ports = new HashSet<PortKey>();
            SharingGroup group = null;
            for (Owner owner : owners) {
              var request = lastAsked.get(owner).request();
              assertThat(request.sharing()).as("%s shared by %s", address, owners).isNotNull();
              assertThat(group == null || group.equals(request.sharing()))
                  .as("one group on %s", address)
                  .isTrue();
              group = request.sharing();
              for (PortKey port : request.ports()) {
                assertThat(ports.add(port))
                    .as("port %s twice on %s (%s)", port, address, owners)
                    .isTrue();
              }
            }
          }
        });
  }

  /** A new Ipam, rebuilt from what the API would hold: each owner's addresses, pool and spec. */
  private void restart() {
    var before = new HashMap<Owner, List<IpAddress>>();
    var leases = new ArrayList<Lease>();
    for (var entry : new TreeMap<>(lastAsked).entrySet()) {
      Owner owner = entry.getKey();
      List<IpAddress> held = ipam.leaseOf(owner);
      before.put(owner, held);
      if (held.isEmpty()) {
        continue;
      }
      var request = entry.getValue().request();
      String pool =
          switch (entry.getValue().answer()) {
            case Allocation.Granted g -> g.pool();
            case Allocation.Kept k -> k.pool();
            default -> null;
          };
      leases.add(
          new Lease(owner, held, pool, request.intent(), request.sharing(), request.ports()));
    }
    ipam = new Ipam();
    assertThat(ipam.restore(leases)).as("a consistent state restores whole").isEmpty();
    before.forEach((owner, held) -> assertThat(ipam.leaseOf(owner)).isEqualTo(held));
  }

  private void rollPools() {
    pools.clear();
    pools.put(
        "v4", PoolAddresses.parse("v4", List.of("198.18.10.0/29"), true, random.nextBoolean()));
    pools.put("v6", PoolAddresses.parse("v6", List.of("2001:2::100-2001:2::107"), true));
    pools.put(
        "dual",
        PoolAddresses.parse(
            "dual", List.of("198.18.11.250-198.18.12.2", "2001:2::/125"), true, true));
  }

  /** A pool loses or regains part of its ranges, as a user editing it would. */
  private void editAPool() {
    var names = new ArrayList<>(pools.keySet());
    String name = names.get(random.nextInt(names.size()));
    var current = pools.get(name);
    var replacement =
        switch (name) {
          case "v4" -> random.nextBoolean() ? List.of("198.18.10.0/29") : List.of("198.18.10.4/30");
          case "v6" ->
              random.nextBoolean()
                  ? List.of("2001:2::100-2001:2::107")
                  : List.of("2001:2::104-2001:2::10a");
          default ->
              random.nextBoolean()
                  ? List.of("198.18.11.250-198.18.12.2", "2001:2::/125")
                  : List.of("198.18.12.0/31", "2001:2::4/126");
        };
    pools.put(
        name,
        PoolAddresses.parse(name, replacement, current.autoAssign(), current.avoidBuggyIps()));
  }
}
