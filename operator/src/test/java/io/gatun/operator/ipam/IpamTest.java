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
    assertThat(ipam.usage(small))
        .containsExactly(new PoolUsage(IpFamily.IPV4, BigInteger.valueOf(64), 64));
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
        .isEqualTo(new Allocation.Exhausted(List.of("one")));

    ipam.release(web);

    assertThat(freedFor).containsExactly(Set.of(echo));
    assertThat(ipam.allocate(echo, anyFrom(one))).isEqualTo(granted("one", "198.18.0.9"));
    assertThat(ipam.holderOf(IpAddress.parse("198.18.0.9"))).contains(echo);
  }

  @Test
  void honoursAnExplicitAddressOnlyWhenInAPoolAndFree() {
    var exactly202 =
        new AddressRequest.Exactly(List.of(IpAddress.parse("198.18.0.202")), List.of(demo));

    assertThat(ipam.allocate(web, exactly202)).isEqualTo(granted("198.18.0.202"));
    assertThat(ipam.allocate(echo, exactly202))
        .isEqualTo(new Allocation.InUse(IpAddress.parse("198.18.0.202"), web));
    assertThat(
            ipam.allocate(
                echo,
                new AddressRequest.Exactly(List.of(IpAddress.parse("198.18.1.1")), List.of(demo))))
        .isEqualTo(new Allocation.OutsidePools(IpAddress.parse("198.18.1.1"), List.of("demo")));
    // Any-address requests step over the taken one.
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
  }

  @Test
  void replacesALeaseTheRequestNoLongerFitsAndReportsBothChanges() {
    var other = pool("other", "198.18.1.0/30");
    var changes = new ArrayList<String>();
    ipam.addListener(
        new IpamListener() {
          @Override
          public void leaseChanged(Owner owner, List<IpAddress> before, List<IpAddress> after) {
            changes.add(owner + " " + before + " -> " + after);
          }
        });

    ipam.allocate(web, anyFrom(demo));
    assertThat(ipam.allocate(web, anyFrom(other))).isEqualTo(granted("other", "198.18.1.0"));

    assertThat(changes)
        .containsExactly(
            "default/web [] -> [198.18.0.200]", "default/web [198.18.0.200] -> [198.18.1.0]");
    assertThat(ipam.holderOf(IpAddress.parse("198.18.0.200"))).isEmpty();
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
    var older = new Ipam.Claim(web, List.of(IpAddress.parse("198.18.0.202")));
    var younger = new Ipam.Claim(echo, List.of(IpAddress.parse("198.18.0.202")));

    List<Ipam.Claim> refused = ipam.restore(List.of(older, younger));

    assertThat(refused).containsExactly(younger);
    assertThat(ipam.holderOf(IpAddress.parse("198.18.0.202"))).contains(web);
    // The restored lease satisfies an any-address request from the same pool: nothing moves.
    assertThat(ipam.allocate(web, anyFrom(demo))).isEqualTo(granted("198.18.0.202"));
    assertThat(ipam.allocate(echo, anyFrom(demo))).isEqualTo(granted("198.18.0.200"));
  }

  @Test
  void countsUsagePerFamilyOfAPool() {
    var dual = pool("dual", "198.18.0.0/30", "2001:2::/126");
    ipam.allocate(web, anyFrom(dual));

    assertThat(ipam.usage(dual))
        .containsExactly(
            new PoolUsage(IpFamily.IPV4, BigInteger.valueOf(4), 1),
            new PoolUsage(IpFamily.IPV6, BigInteger.valueOf(4), 0));
  }

  @Test
  void listenersHearNothingWhenNothingChanges() {
    var calls = Collections.synchronizedList(new ArrayList<String>());
    ipam.addListener(
        new IpamListener() {
          @Override
          public void leaseChanged(Owner owner, List<IpAddress> before, List<IpAddress> after) {
            calls.add(owner.name());
          }
        });
    ipam.allocate(web, anyFrom(demo));
    ipam.allocate(web, anyFrom(demo));
    ipam.release(echo);

    assertThat(calls).containsExactly("web");
  }

  private static PoolAddresses pool(String name, String... ranges) {
    return PoolAddresses.parse(name, List.of(ranges), true);
  }

  private static AddressRequest anyFrom(PoolAddresses... pools) {
    return new AddressRequest.AnyFree(List.of(pools));
  }

  private static Allocation granted(String address) {
    return granted("demo", address);
  }

  private static Allocation granted(String pool, String address) {
    return new Allocation.Granted(List.of(IpAddress.parse(address)), pool);
  }
}
