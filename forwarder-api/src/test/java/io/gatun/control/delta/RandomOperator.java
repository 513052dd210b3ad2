package io.gatun.control.delta;

import io.gatun.control.v1.Backend;
import io.gatun.control.v1.BgpAdvertisement;
import io.gatun.control.v1.BgpConfig;
import io.gatun.control.v1.BgpInstance;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operator's desired state and its snapshot versions, as DesiredState keeps them, changed at
 * random: services added, changed and removed, now and then the BGP and fleet configurations. The
 * delta channel's property tests (here and in the forwarder's) drive it.
 */
public final class RandomOperator {
  /** Keys of the services it may have: {@code ns/lb-<i>/http}. */
  private final int keys;

  /** 0: every service gets a random VIP; n: its own VIP, but one in n a shared one. */
  private final int ownVips;

  public RandomOperator(int keys) {
    this(keys, 0);
  }

  /**
   * @param ownVips 0: every service a random VIP of 1,000 (services share VIPs, and now and then a
   *     VIP, port and protocol); n: each service a VIP of its own, one in n a random one
   */
  public RandomOperator(int keys, int ownVips) {
    this.keys = keys;
    this.ownVips = ownVips;
  }

  public final TreeMap<String, VirtualService> desired = new TreeMap<>();
  public BgpConfig bgp; // null: no BGP pool applies, the snapshot has none
  private BgpInstance bgpInstance; // null: BGP off
  private final TreeMap<String, BgpAdvertisement> bgpRoutes = new TreeMap<>(); // bgp's, by prefix
  public int bgpRoutesChanged; // advertisements added, changed or removed since the last message
  public long version = 1000;
  public FleetConfig fleet; // null: absent, as the operator leaves it without an L2 Pool's VIP
  public final TreeMap<String, FleetVip> fleetVips = new TreeMap<>(); // fleet's, by address
  public int fleetVipsChanged; // since the last message
  // What each version changed (service keys, fleet VIP addresses), as far back as remembered.
  private final TreeMap<Long, List<String>> keysChangedAt = new TreeMap<>();
  private final TreeMap<Long, List<String>> vipsChangedAt = new TreeMap<>();
  private final TreeMap<Long, List<String>> prefixesChangedAt = new TreeMap<>();
  // Versions that changed every advertisement at once (a pool's attributes): not known by prefix.
  private final TreeMap<Long, List<String>> allRoutesChangedAt = new TreeMap<>();
  private final List<TreeMap<Long, List<String>>> logs =
      List.of(keysChangedAt, vipsChangedAt, prefixesChangedAt, allRoutesChangedAt);
  private long rememberedSince = version; // every change after it is in the maps above
  private int remember = Integer.MAX_VALUE; // versions

  /** Remembers the changes of the last {@code versions} versions only (then: not known). */
  public void rememberChangesOf(int versions) {
    remember = versions;
  }

  /**
   * The current version read by key, knowing the changes of the versions it remembers: what the
   * operator's desired state hands the sender.
   */
  public DesiredVersion current() {
    Snapshot complete = snapshot();
    return new DesiredVersion() {
      @Override
      public long version() {
        return version;
      }

      @Override
      public Snapshot complete() {
        return complete;
      }

      @Override
      public Changes changesSince(long since) {
        if (since < rememberedSince) {
          return null;
        }
        var keys = new TreeSet<String>();
        var vips = new TreeSet<String>();
        var prefixes = new TreeSet<String>();
        keysChangedAt.tailMap(since, false).values().forEach(keys::addAll);
        vipsChangedAt.tailMap(since, false).values().forEach(vips::addAll);
        prefixesChangedAt.tailMap(since, false).values().forEach(prefixes::addAll);
        boolean allRoutes = !allRoutesChangedAt.tailMap(since, false).isEmpty();
        return new Changes(keys, vips, allRoutes ? null : prefixes);
      }

      @Override
      public VirtualService service(String key) {
        return desired.get(key);
      }

      @Override
      public FleetVip fleetVip(String address) {
        return fleet == null ? null : fleetVips.get(address);
      }

      @Override
      public List<FleetPool> fleetPools() {
        return fleet == null ? List.of() : fleet.getPoolsList();
      }

      @Override
      public FleetConfig fleet() {
        return complete.getFleet();
      }

      @Override
      public BgpConfig bgp() {
        return complete.getBgp();
      }

      @Override
      public BgpInstance bgpInstance() {
        return bgp == null ? BgpInstance.getDefaultInstance() : bgpInstance;
      }

      @Override
      public BgpAdvertisement bgpAdvertisement(String prefix) {
        return bgp == null ? null : bgpRoutes.get(prefix);
      }
    };
  }

  private void changed(TreeMap<Long, List<String>> log, String what) {
    log.computeIfAbsent(version, v -> new ArrayList<>()).add(what);
    for (TreeMap<Long, List<String>> each : logs) {
      while (!each.isEmpty() && version - each.firstKey() >= remember) {
        rememberedSince = Math.max(rememberedSince, each.pollFirstEntry().getKey());
      }
    }
  }

  /** The complete snapshot of the current version. */
  public Snapshot snapshot() {
    var snapshot =
        Snapshot.newBuilder().setSnapshotVersion(version).addAllServices(desired.values());
    if (fleet != null) {
      snapshot.setFleet(fleet);
    }
    if (bgp != null) {
      snapshot.setBgp(bgp);
    }
    return snapshot.build();
  }

  /**
   * One random add, change or removal of a service, or now and then of the BGP configuration (an
   * advertisement added, changed or removed; now and then the instance, all advertisements at once,
   * or BGP off), under a new snapshot version.
   */
  public void change(Random random) {
    version++;
    if (random.nextInt(10) == 0) {
      changeBgp(random);
      return;
    }
    int index = random.nextInt(keys);
    String key = "ns/lb-" + index + "/http";
    VirtualService current = desired.get(key);
    if (random.nextInt(5) == 0) {
      changeFleet(this, random);
      return;
    }
    changed(keysChangedAt, key);
    int what = random.nextInt(3);
    if (current == null || what == 0) {
      VirtualService added = service(key, random);
      if (ownVips > 0) { // its own VIP, or one of a few shared ones (and a port, now and then)
        added =
            added.toBuilder()
                .setVip(
                    random.nextInt(ownVips) != 0
                        ? "198.19." + index / 250 + "." + (1 + index % 250)
                        : "198.18.0." + (1 + random.nextInt(3)))
                .build();
      }
      if (ownVips > 0 && random.nextInt(30) == 0) {
        added = added.toBuilder().setModeValue(0).build(); // unreadable: no forwarding mode
      }
      desired.put(key, added);
    } else if (what == 1) {
      desired.put(
          key, current.toBuilder().clearBackends().addAllBackends(backends(random)).build());
    } else {
      desired.remove(key);
    }
  }

  /**
   * The BGP configuration changes as the operator renders it (advertisements by prefix, one per
   * VIP): mostly one advertisement added, changed or removed (logged by prefix); now and then the
   * local AS or the neighbours, every advertisement's attributes at once (not logged by prefix, as
   * when a pool changes), or BGP off.
   */
  private void changeBgp(Random random) {
    int roll = random.nextInt(40);
    if (roll == 0) {
      bgpRoutes.keySet().forEach(p -> changed(prefixesChangedAt, p));
      bgpRoutesChanged += bgpRoutes.size();
      bgpRoutes.clear();
      bgpInstance = null;
    } else if (roll < 4 || bgpInstance == null) {
      bgpInstance =
          BgpInstance.newBuilder()
              .setLocalAsn(64512 + random.nextInt(2))
              .addNeighbors(
                  BgpNeighbor.newBuilder()
                      .setAddress("198.18.0." + (1 + random.nextInt(3)))
                      .setAsn(64500)
                      .setPort(179)
                      .addPools("pool"))
              .build();
    } else if (roll == 4) {
      changed(allRoutesChangedAt, "*");
      String community = "65000:" + random.nextInt(3);
      bgpRoutes.replaceAll(
          (p, a) -> a.toBuilder().clearCommunities().addCommunities(community).build());
      bgpRoutesChanged += bgpRoutes.size();
    } else {
      String prefix = "198.18.1." + (1 + random.nextInt(120)) + "/32";
      changed(prefixesChangedAt, prefix);
      if (roll < 15) {
        bgpRoutesChanged += bgpRoutes.remove(prefix) == null ? 0 : 1;
      } else {
        bgpRoutes.put(
            prefix,
            BgpAdvertisement.newBuilder()
                .setPrefix(prefix)
                .addCommunities("65000:" + random.nextInt(3))
                .addNeighbors("198.18.0.1")
                .addServiceKeys("ns/lb-" + random.nextInt(keys) + "/http")
                .setPool("pool")
                .build());
        bgpRoutesChanged++;
      }
    }
    bgp =
        bgpInstance == null
            ? null
            : BgpConfig.newBuilder()
                .setLocalAsn(bgpInstance.getLocalAsn())
                .addAllNeighbors(bgpInstance.getNeighborsList())
                .addAllAdvertisements(bgpRoutes.values())
                .build();
  }

  /**
   * The fleet's configuration changes with the services' snapshot versions, as the operator builds
   * it (pools by name, VIPs by address): a VIP added, changed or removed, now and then the pool's
   * timers, and now and then all of it gone (no L2 Pool's VIP left).
   */
  private static void changeFleet(RandomOperator operator, Random random) {
    int roll = random.nextInt(40);
    if (roll == 0) {
      operator.fleetVips.keySet().forEach(a -> operator.changed(operator.vipsChangedAt, a));
      operator.fleetVipsChanged += operator.fleetVips.size();
      operator.fleetVips.clear();
      operator.fleet = null;
      return;
    }
    String address = "198.18.0." + (1 + random.nextInt(60));
    operator.changed(operator.vipsChangedAt, address);
    if (roll < 10 && operator.fleetVips.remove(address) != null) {
      operator.fleetVipsChanged++;
    } else if (roll >= 10) {
      operator.fleetVips.put(
          address,
          FleetVip.newBuilder()
              .setAddress(address)
              .setPool("pool")
              .setRestricted(random.nextBoolean())
              .addCandidateNodes("node-" + random.nextInt(3))
              .build());
      operator.fleetVipsChanged++;
    }
    if (operator.fleetVips.isEmpty()) {
      operator.fleet = null;
      return;
    }
    int interval =
        roll == 1 || operator.fleet == null
            ? 10 + random.nextInt(200)
            : operator.fleet.getPools(0).getIntervalMillis();
    operator.fleet =
        FleetConfig.newBuilder()
            .addPools(
                FleetPool.newBuilder().setName("pool").setIntervalMillis(interval).setMultiplier(3))
            .addAllVips(operator.fleetVips.values())
            .build();
  }

  public static VirtualService service(String key, Random random) {
    return VirtualService.newBuilder()
        .setKey(key)
        .setVip("198.18." + random.nextInt(4) + "." + (1 + random.nextInt(250)))
        .setPort(80 + random.nextInt(3))
        .setProtocol(Protocol.TCP)
        .setMaglevTableSize(509)
        .setModeValue(random.nextInt(4) == 0 ? 2 : 1) // NAT or FULL_NAT
        .setSchedulingValue(1) // MAGLEV
        .addAllBackends(backends(random))
        .build();
  }

  private static List<Backend> backends(Random random) {
    var list = new ArrayList<Backend>();
    int n = 1 + random.nextInt(5);
    for (int i = 0; i < n; i++) {
      list.add(
          Backend.newBuilder()
              .setAddress("198.18.9." + (1 + random.nextInt(250)))
              .setPort(8080)
              .setWeight(1 + random.nextInt(3))
              .setDraining(random.nextInt(10) == 0)
              .build());
    }
    return list;
  }
}
