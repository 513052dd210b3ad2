package io.gatun.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IpamTest {

  private final Ipam ipam = new Ipam();
  private final PoolAddresses demo = pool("demo", "198.18.0.200/30");
  private final Owner web = new Owner("default", "web");
  private final Owner echo = new Owner("default", "echo");

  @Test
  void handsOutTheLowestFreeAddress() {
    assertThat(ipam.allocate(web, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.201"));
  }

  @Test
  void givesAnOwnerItsOwnAddressBackWhenAskedAgain() {
    ipam.allocate(web, anyFrom(demo));
    ipam.allocate(echo, anyFrom(demo));

    assertThat(ipam.allocate(web, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.201"));
  }

  @Test
  void neverHandsOneAddressToTwoOwnersUnderConcurrency() throws Exception {
    var small = pool("small", "198.18.0.0/26"); // 64 addresses for 200 owners
    var results = new ConcurrentHashMap<Owner, Allocation>();
    var start = new CountDownLatch(1);
    try (var threads = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < 200; i++) {
        var owner = new Owner("ns", "lb-" + i);
        threads.submit(
            () -> {
              start.await();
              // Each owner asks twice, as a reconcile and its retry would.
              ipam.allocate(owner, anyFrom(small));
              results.put(owner, ipam.allocate(owner, anyFrom(small)));
              return null;
            });
      }
      start.countDown();
      threads.shutdown();
      assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    var holders = new HashMap<IpAddress, Owner>();
    int granted = 0;
    for (var entry : results.entrySet()) {
      if (entry.getValue() instanceof Allocation.Granted g) {
        granted++;
        for (IpAddress address : g.addresses()) {
          Owner previous = holders.put(address, entry.getKey());
          assertThat(previous)
              .as("%s handed to %s and %s", address, previous, entry.getKey())
              .isNull();
        }
        assertThat(ipam.leaseOf(entry.getKey())).isEqualTo(g.addresses());
      } else {
        assertThat(entry.getValue()).isInstanceOf(Allocation.Exhausted.class);
      }
    }
    assertThat(granted).isEqualTo(64);
    assertThat(ipam.usage(small)).containsExactly(usage(IpFamily.IPV4, 64, 64));
  }

  @Test
  void anExhaustedPoolSaysSoAndAReleaseWakesTheWaiter() {
    var one = pool("one", "198.18.0.9");
    var freedFor = new ArrayList<Set<Owner>>();
    ipam.addListener(
        new IpamListener() {
          @Override
          public void addressesFreed(Set<Owner> waiting) {
            freedFor.add(waiting);
          }
        });

    assertThat(ipam.allocate(web, anyFrom(one))).isEqualTo(granted("one", "198.18.0.9"));
    assertThat(ipam.allocate(echo, anyFrom(one)))
        .isEqualTo(new Allocation.Exhausted(List.of("one"), Set.of(IpFamily.IPV4)));

    ipam.release(web);

    assertThat(freedFor).containsExactly(Set.of(echo));
    assertThat(ipam.allocate(echo, anyFrom(one))).isEqualTo(granted("one", "198.18.0.9"));
    assertThat(ipam.holdersOf(IpAddress.parse("198.18.0.9"))).containsExactly(echo);
  }

  @Test
  void honoursAnExplicitAddressOnlyWhenInAPoolAndFree() {
    var exactly202 =
        AddressRequest.exactly(List.of(IpAddress.parse("198.18.0.202")), List.of(demo));

    assertThat(ipam.allocate(web, exactly202)).isEqualTo(granted("198.18.0.202"));
    assertThat(ipam.allocate(echo, exactly202))
        .isEqualTo(
            new Allocation.InUse(
                IpAddress.parse("198.18.0.202"),
                Set.of(web),
                "it is held by default/web and not shared"));
    assertThat(
            ipam.allocate(
                echo,
                AddressRequest.exactly(List.of(IpAddress.parse("198.18.1.1")), List.of(demo))))
        .isEqualTo(new Allocation.OutsidePools(IpAddress.parse("198.18.1.1"), List.of("demo")));
    // Any-address requests step over the taken one.
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
  }

  @Test
  void aChangedRequestMovesTheLeaseAndListenersHearBothSides() {
    var other = pool("other", "198.18.1.0/30");
    var changes = new ArrayList<String>();
    ipam.addListener(
        new IpamListener() {
          @Override
          public void leaseChanged(Owner owner, Lease before, Lease after) {
            changes.add(owner + " " + describe(before) + " -> " + describe(after));
          }
        });

    ipam.allocate(web, request(List.of(demo), FamilyPolicy.SINGLE, null, Set.of(), "pool demo"));
    assertThat(
            ipam.allocate(
                web, request(List.of(other), FamilyPolicy.SINGLE, null, Set.of(), "pool other")))
        .isEqualTo(granted("other", "198.18.1.0"));

    assertThat(changes)
        .containsExactly(
            "default/web none -> demo[198.18.0.200]",
            "default/web demo[198.18.0.200] -> other[198.18.1.0]");
    assertThat(ipam.holdersOf(IpAddress.parse("198.18.0.200"))).isEmpty();
  }

  @Test
  void anAddressItsPoolNoLongerContainsIsKeptWhileTheRequestIsUnchanged() {
    ipam.allocate(web, anyFrom(demo));
    var shrunk = pool("demo", "198.18.0.202/31"); // .200 and .201 removed

    assertThat(ipam.allocate(web, anyFrom(shrunk)))
        .isEqualTo(new Allocation.Kept(List.of(IpAddress.parse("198.18.0.200")), "demo"));
    assertThat(ipam.leasesFrom("demo")).extracting(Lease::owner).containsExactly(web);
    // Nobody else gets it meanwhile, even from a pool that now contains it.
    var other = pool("other", "198.18.0.200/31");
    assertThat(ipam.allocate(echo, anyFrom(other))).isEqualTo(granted("other", "198.18.0.201"));
  }

  @Test
  void releaseFreesTheAddressAndIsIdempotent() {
    ipam.allocate(web, anyFrom(demo));

    ipam.release(web);
    ipam.release(web);

    assertThat(ipam.leaseOf(web)).isEmpty();
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
  }

  @Test
  void restoresLeasesAndTheOlderClaimWinsAContest() {
    var older = lease(web, "demo", null, Set.of(), "198.18.0.202");
    var younger = lease(echo, "demo", null, Set.of(), "198.18.0.202");

    List<Lease> refused = ipam.restore(List.of(older, younger));

    assertThat(refused).containsExactly(younger);
    assertThat(ipam.holdersOf(IpAddress.parse("198.18.0.202"))).containsExactly(web);
    // The restored lease satisfies an any-address request from the same pool: nothing moves.
    assertThat(ipam.allocate(web, anyFrom(demo))).isEqualTo(granted("198.18.0.202"));
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
  }

  @Test
  void restoresSharedAddressesForEveryHolderThatMayShare() {
    var group = new SharingGroup("default", "dns", "");
    var tcp = lease(web, "demo", group, Set.of(new PortKey("TCP", 53)), "198.18.0.201");
    var udp = lease(echo, "demo", group, Set.of(new PortKey("UDP", 53)), "198.18.0.201");

    assertThat(ipam.restore(List.of(tcp, udp))).isEmpty();
    assertThat(ipam.holdersOf(IpAddress.parse("198.18.0.201")))
        .containsExactlyInAnyOrder(web, echo);
  }

  @Test
  void countsUsagePerFamilyOfAPool() {
    var dual = pool("dual", "198.18.0.0/30", "2001:2::/126");
    ipam.allocate(web, anyFrom(dual));

    assertThat(ipam.usage(dual))
        .containsExactly(usage(IpFamily.IPV4, 4, 1), usage(IpFamily.IPV6, 4, 0));
  }

  @Test
  void listenersHearNothingWhenNothingChanges() {
    var calls = Collections.synchronizedList(new ArrayList<String>());
    ipam.addListener(
        new IpamListener() {
          @Override
          public void leaseChanged(Owner owner, Lease before, Lease after) {
            calls.add(owner.name());
          }
        });
    ipam.allocate(web, anyFrom(demo));
    ipam.allocate(web, anyFrom(demo));
    ipam.release(echo);

    assertThat(calls).containsExactly("web");
  }

  // ------------------------------------------------------------------ families

  @Test
  void requireDualStackTakesOneOfEachFamilyFromOnePool() {
    var v4only = pool("v4", "198.18.2.0/30");
    var dual = pool("dual", "198.18.3.0/30", "2001:2::10/126");

    assertThat(
            ipam.allocate(
                web,
                request(List.of(v4only, dual), FamilyPolicy.REQUIRE_DUAL, null, Set.of(), "d")))
        .isEqualTo(
            new Allocation.Granted(
                List.of(IpAddress.parse("198.18.3.0"), IpAddress.parse("2001:2::10")), "dual"));
    assertThat(
            ipam.allocate(
                echo, request(List.of(v4only), FamilyPolicy.REQUIRE_DUAL, null, Set.of(), "d")))
        .isEqualTo(new Allocation.NoPoolForFamily(IpFamily.IPV6, List.of("v4")));
  }

  @Test
  void preferDualStackFallsBackToOneFamilyAndGainsTheOtherWhenItFreesUp() {
    var dual = pool("dual", "198.18.3.0/30", "2001:2::10");
    var holder = new Owner("default", "holder");
    ipam.allocate(
        holder, request(List.of(dual), FamilyPolicy.SINGLE, IpFamily.IPV6, Set.of(), "v6"));

    var prefer = request(List.of(dual), FamilyPolicy.PREFER_DUAL, null, Set.of(), "prefer");
    assertThat(ipam.allocate(web, prefer)).isEqualTo(granted("dual", "198.18.3.0"));

    ipam.release(holder);
    assertThat(ipam.allocate(web, prefer))
        .isEqualTo(
            new Allocation.Granted(
                List.of(IpAddress.parse("198.18.3.0"), IpAddress.parse("2001:2::10")), "dual"));
  }

  @Test
  void singleStackHonoursTheRequestedFamily() {
    var dual = pool("dual", "198.18.3.0/30", "2001:2::/126");

    assertThat(
            ipam.allocate(
                web, request(List.of(dual), FamilyPolicy.SINGLE, IpFamily.IPV6, Set.of(), "v6")))
        .isEqualTo(granted("dual", "2001:2::"));
    assertThat(
            ipam.allocate(
                echo, request(List.of(demo), FamilyPolicy.SINGLE, IpFamily.IPV6, Set.of(), "v6")))
        .isEqualTo(new Allocation.NoPoolForFamily(IpFamily.IPV6, List.of("demo")));
  }

  // ------------------------------------------------------------------ avoidBuggyIPs

  @Test
  void avoidBuggyIpsSkipsDotZeroAndDotTwoFiftyFiveAndDoesNotCountThem() {
    var buggy = PoolAddresses.parse("buggy", List.of("198.18.4.255-198.18.5.1"), true, true);

    assertThat(ipam.allocate(web, anyFrom(buggy))).isEqualTo(granted("buggy", "198.18.5.1"));
    assertThat(ipam.allocate(echo, anyFrom(buggy)))
        .isEqualTo(new Allocation.Exhausted(List.of("buggy"), Set.of(IpFamily.IPV4)));
    assertThat(ipam.usage(buggy)).containsExactly(usage(IpFamily.IPV4, 1, 1));
    assertThat(
            ipam.allocate(
                echo,
                AddressRequest.exactly(List.of(IpAddress.parse("198.18.5.0")), List.of(buggy))))
        .isInstanceOf(Allocation.OutsidePools.class);
  }

  // ------------------------------------------------------------------ sharing

  @Test
  void sameSharingKeyAndDisjointPortsShareOneAddress() {
    var group = new SharingGroup("default", "dns", "");
    var tcp =
        request(List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey("TCP", 53)));
    var udp =
        request(List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey("UDP", 53)));

    assertThat(ipam.allocate(web, tcp)).isEqualTo(granted("198.18.0.200"));
    assertThat(ipam.allocate(echo, udp)).isEqualTo(granted("198.18.0.200"));
    assertThat(ipam.sharingWith(web)).containsExactly(echo);
    assertThat(ipam.usage(demo)).containsExactly(usage(IpFamily.IPV4, 4, 1));

    // One of them lets go: the address stays with the other.
    ipam.release(web);
    assertThat(ipam.holdersOf(IpAddress.parse("198.18.0.200"))).containsExactly(echo);
  }

  @Test
  void coHoldersHearWhenSomeoneStartsOrStopsSharingTheirAddress() {
    var heard = new ArrayList<Set<Owner>>();
    ipam.addListener(
        new IpamListener() {
          @Override
          public void sharingChanged(Set<Owner> owners) {
            heard.add(owners);
          }
        });
    var group = new SharingGroup("default", "dns", "");
    var third = new Owner("default", "third");

    ipam.allocate(web, sharing(group, "TCP"));
    assertThat(heard).as("alone: nobody to tell").isEmpty();

    ipam.allocate(echo, sharing(group, "UDP"));
    assertThat(heard).containsExactly(Set.of(web));

    ipam.allocate(third, sharing(group, "SCTP"));
    ipam.allocate(third, sharing(group, "SCTP"));
    assertThat(heard)
        .as("asking again changes nothing")
        .containsExactly(Set.of(web), Set.of(web, echo));

    ipam.release(echo);
    assertThat(heard.getLast()).isEqualTo(Set.of(web, third));

    // Its ports come to clash with a co-holder's: it moves away, and the one it left hears.
    ipam.allocate(third, sharing(group, "TCP"));
    assertThat(heard.getLast()).isEqualTo(Set.of(web));
    assertThat(ipam.sharingWith(web)).isEmpty();
  }

  @Test
  void overlappingPortsAnotherKeyOrAnotherNamespaceDoNotShare() {
    var group = new SharingGroup("default", "dns", "");
    ipam.allocate(
        web,
        request(List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey("TCP", 53))));

    var samePort =
        request(List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey("TCP", 53)));
    var otherKey =
        request(
            List.of(demo),
            FamilyPolicy.SINGLE,
            null,
            new SharingGroup("default", "other", ""),
            Set.of(new PortKey("UDP", 53)));
    var otherNamespace =
        request(
            List.of(demo),
            FamilyPolicy.SINGLE,
            null,
            new SharingGroup("prod", "dns", ""),
            Set.of(new PortKey("UDP", 53)));

    assertThat(ipam.allocate(echo, samePort)).isEqualTo(granted("198.18.0.201"));
    assertThat(ipam.allocate(new Owner("default", "b"), otherKey))
        .isEqualTo(granted("198.18.0.202"));
    assertThat(ipam.allocate(new Owner("prod", "c"), otherNamespace))
        .isEqualTo(granted("198.18.0.203"));
  }

  @Test
  void anExplicitSharedAddressIsRefusedWithTheClashingPort() {
    var group = new SharingGroup("default", "dns", "");
    var address = List.of(IpAddress.parse("198.18.0.203"));
    ipam.allocate(
        web,
        new AddressRequest(
            List.of(demo),
            FamilyPolicy.SINGLE,
            List.of(IpFamily.IPV4),
            address,
            group,
            Set.of(new PortKey("TCP", 53)),
            "x"));

    var clash =
        ipam.allocate(
            echo,
            new AddressRequest(
                List.of(demo),
                FamilyPolicy.SINGLE,
                List.of(IpFamily.IPV4),
                address,
                group,
                Set.of(new PortKey("TCP", 53), new PortKey("UDP", 53)),
                "x"));

    assertThat(clash)
        .isEqualTo(
            new Allocation.InUse(
                IpAddress.parse("198.18.0.203"),
                Set.of(web),
                "default/web already serves 53/TCP on it"));
  }

  @Test
  void portsThatComeToClashWithACoHolderMoveTheChangedOwnerAway() {
    var group = new SharingGroup("default", "dns", "");
    ipam.allocate(
        web,
        request(List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey("TCP", 53))));
    ipam.allocate(
        echo,
        request(List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey("UDP", 53))));

    var nowTcpToo =
        request(
            List.of(demo),
            FamilyPolicy.SINGLE,
            null,
            group,
            Set.of(new PortKey("TCP", 53), new PortKey("UDP", 53)));

    assertThat(ipam.allocate(echo, nowTcpToo)).isEqualTo(granted("198.18.0.201"));
    assertThat(ipam.holdersOf(IpAddress.parse("198.18.0.200"))).containsExactly(web);
  }

  // ------------------------------------------------------------------ helpers

  private AddressRequest sharing(SharingGroup group, String protocol) {
    return request(
        List.of(demo), FamilyPolicy.SINGLE, null, group, Set.of(new PortKey(protocol, 53)));
  }

  static PoolAddresses pool(String name, String... ranges) {
    return PoolAddresses.parse(name, List.of(ranges), true);
  }

  private static AddressRequest anyFrom(PoolAddresses... pools) {
    return AddressRequest.anyFree(List.of(pools));
  }

  private static AddressRequest request(
      List<PoolAddresses> pools,
      FamilyPolicy policy,
      IpFamily family,
      Set<PortKey> ports,
      Object intent) {
    return new AddressRequest(
        pools,
        policy,
        family == null ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(family),
        List.of(),
        null,
        ports,
        intent);
  }

  private static AddressRequest request(
      List<PoolAddresses> pools,
      FamilyPolicy policy,
      IpFamily family,
      SharingGroup sharing,
      Set<PortKey> ports) {
    return new AddressRequest(
        pools,
        policy,
        family == null ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(family),
        List.of(),
        sharing,
        ports,
        "any");
  }

  private static Lease lease(
      Owner owner, String pool, SharingGroup sharing, Set<PortKey> ports, String address) {
    return new Lease(owner, List.of(IpAddress.parse(address)), pool, "any", sharing, ports);
  }

  private static String describe(Lease lease) {
    return lease == null ? "none" : lease.pool() + lease.addresses();
  }

  private static PoolUsage usage(IpFamily family, long capacity, long allocated) {
    return new PoolUsage(family, BigInteger.valueOf(capacity), BigInteger.valueOf(allocated));
  }

  private static Allocation granted(String address) {
    return granted("demo", address);
  }

  private static Allocation granted(String pool, String address) {
    return new Allocation.Granted(List.of(IpAddress.parse(address)), pool);
  }
}
