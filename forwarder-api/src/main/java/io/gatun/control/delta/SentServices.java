package io.gatun.control.delta;

import io.gatun.control.v1.FleetChanges;
import io.gatun.control.v1.FleetConfig;
import io.gatun.control.v1.FleetPool;
import io.gatun.control.v1.FleetVip;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Snapshot;
import io.gatun.control.v1.SnapshotDelta;
import io.gatun.control.v1.VersionedService;
import io.gatun.control.v1.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The operator's memory of what one stream has been sent, to send a forwarder that offers {@code
 * DELTA_SNAPSHOTS} only what changed (xDS's incremental protocol): the first message is the
 * complete snapshot, each later one a {@link SnapshotDelta} from the message before it — the
 * services added or changed (whole, each with the snapshot version in which it last changed) and
 * the keys of those removed. Its size follows the change, not the number of services. The BGP and
 * fleet configurations travel only when they changed: as what changed to a forwarder that takes
 * that ({@code BGP_DELTAS}, {@code FLEET_DELTAS}), whole otherwise (an empty BGP configuration
 * turns BGP off; {@link SentBgp}).
 *
 * <p>Given a {@link DesiredVersion} that knows the keys changed since the version sent last, a
 * delta is built from those keys alone (the services, the fleet's VIPs and the BGP advertisements'
 * prefixes), with the same contents as the comparison of every service; without them (a first
 * message, a resync, changes too long ago) it compares everything.
 *
 * <p>One per stream, so a reconnect starts with a complete snapshot; {@link #resync} (an Ack asking
 * for one) does the same on a stream. Not thread-safe: its sender serialises the calls.
 */
public final class SentServices {
  private record Sent(VirtualService service, long version) {}

  private final boolean deltas;
  private final boolean fleetDeltas;
  private Map<String, Sent> sent; // null: nothing the forwarder can build on, send it all
  private long sentVersion;
  private final SentBgp sentBgp;
  private long completeVersion = -1; // of the last complete snapshot sent
  // The fleet configuration as last sent whole, while it is known as an object (absent = default
  // instance): a snapshot carrying the same object needs no comparison. Null: compare.
  private FleetConfig sentFleet;
  private List<FleetPool> sentPools = List.of(); // the fleet's pools, as last sent
  private final Map<String, FleetVip> sentVips = new HashMap<>(); // the fleet's VIPs, by address

  /**
   * @param deltas whether the forwarder takes deltas; without, every message is complete
   */
  public SentServices(boolean deltas) {
    this(deltas, false);
  }

  /**
   * @param deltas whether the forwarder takes deltas; without, every message is complete
   * @param fleetDeltas whether it takes the fleet configuration's changes ({@code FLEET_DELTAS});
   *     without, a delta carries the whole fleet configuration when it changed
   */
  public SentServices(boolean deltas, boolean fleetDeltas) {
    this(deltas, fleetDeltas, false);
  }

  /**
   * @param deltas whether the forwarder takes deltas; without, every message is complete
   * @param fleetDeltas whether it takes the fleet configuration's changes ({@code FLEET_DELTAS});
   *     without, a delta carries the whole fleet configuration when it changed
   * @param bgpDeltas whether it takes the BGP configuration's changes ({@code BGP_DELTAS});
   *     without, a delta carries the whole BGP configuration when it changed
   */
  public SentServices(boolean deltas, boolean fleetDeltas, boolean bgpDeltas) {
    this.deltas = deltas;
    this.fleetDeltas = deltas && fleetDeltas;
    this.sentBgp = new SentBgp(deltas && bgpDeltas);
  }

  /**
   * The message that brings the forwarder from what it was sent last to {@code latest}, comparing
   * every service of {@code latest} with what was sent.
   */
  public OperatorMessage next(Snapshot latest) {
    long version = latest.getSnapshotVersion();
    if (!deltas || sent == null) {
      return complete(latest);
    }
    var delta =
        SnapshotDelta.newBuilder().setSnapshotVersion(version).setBaseSnapshotVersion(sentVersion);
    for (VirtualService s : latest.getServicesList()) {
      Sent before = sent.get(s.getKey());
      // Snapshots of one version share their service objects: mostly an identity check.
      if (before == null || !before.service().equals(s)) {
        sent.put(s.getKey(), new Sent(s, version));
        delta.addServices(VersionedService.newBuilder().setService(s).setVersion(version));
      }
    }
    // Keys are unique in a snapshot: more sent than there are now means some are gone. Only then
    // is the set of current keys worth building (most messages remove nothing).
    if (sent.size() > latest.getServicesCount()) {
      Set<String> current = new HashSet<>();
      latest.getServicesList().forEach(s -> current.add(s.getKey()));
      sent.keySet().stream()
          .filter(key -> !current.contains(key))
          .sorted()
          .toList()
          .forEach(
              key -> {
                sent.remove(key);
                delta.addRemoved(key);
              });
    }
    // The operator keeps one fleet configuration object while it does not change.
    if (latest.getFleet() != sentFleet) {
      var changes = FleetChanges.newBuilder().addAllPools(latest.getFleet().getPoolsList());
      for (FleetVip vip : latest.getFleet().getVipsList()) {
        sendVip(vip.getAddress(), vip, changes);
      }
      if (sentVips.size() > latest.getFleet().getVipsCount()) {
        Set<String> current = new HashSet<>();
        latest.getFleet().getVipsList().forEach(v -> current.add(v.getAddress()));
        sentVips.keySet().stream()
            .filter(address -> !current.contains(address))
            .sorted()
            .toList()
            .forEach(address -> sendVip(address, null, changes));
      }
      fleetChanged(latest.getFleet().getPoolsList(), changes, latest::getFleet, delta);
      sentFleet = latest.getFleet();
    }
    sentBgp.compareWhole(latest.getBgp(), delta);
    return finish(delta, version);
  }

  /**
   * The message that brings the forwarder from what it was sent last to {@code latest}: a delta
   * built from the keys changed since the version sent last, when {@code latest} knows them (the
   * same message as {@link #next(Snapshot)} of its complete snapshot, without a pass over every
   * service); otherwise that.
   */
  public OperatorMessage next(DesiredVersion latest) {
    if (!deltas || sent == null) {
      return complete(latest.complete());
    }
    DesiredVersion.Changes changes = latest.changesSince(sentVersion);
    if (changes == null) {
      return next(latest.complete());
    }
    long version = latest.version();
    var delta =
        SnapshotDelta.newBuilder().setSnapshotVersion(version).setBaseSnapshotVersion(sentVersion);
    var removed = new ArrayList<String>();
    for (String key : changes.serviceKeys()) { // in key order, as a snapshot lists them
      VirtualService s = latest.service(key);
      Sent before = sent.get(key);
      if (s == null) {
        if (before != null) {
          sent.remove(key);
          removed.add(key);
        }
      } else if (before == null || !before.service().equals(s)) {
        sent.put(key, new Sent(s, version));
        delta.addServices(VersionedService.newBuilder().setService(s).setVersion(version));
      }
    }
    delta.addAllRemoved(removed);
    var fleetChanges = FleetChanges.newBuilder().addAllPools(latest.fleetPools());
    for (String address : changes.fleetVips()) {
      sendVip(address, latest.fleetVip(address), fleetChanges);
    }
    fleetChanged(latest.fleetPools(), fleetChanges, latest::fleet, delta);
    sentFleet = null; // not known as an object: the next comparison goes by pools and VIPs
    if (changes.bgpPrefixes() == null) { // not known (a pool or a node's labels changed)
      sentBgp.compareWhole(latest.bgp(), delta);
    } else {
      sentBgp.compareKeyed(
          latest.bgpInstance(),
          changes.bgpPrefixes(),
          latest::bgpAdvertisement,
          latest::bgp,
          delta);
    }
    return finish(delta, version);
  }

  /** The complete snapshot, remembered as sent: what the forwarder will build on. */
  private OperatorMessage complete(Snapshot latest) {
    long version = latest.getSnapshotVersion();
    sent = new HashMap<>();
    for (VirtualService s : latest.getServicesList()) {
      sent.put(s.getKey(), new Sent(s, version));
    }
    sentVersion = version;
    completeVersion = version;
    sentFleet = latest.getFleet();
    sentPools = latest.getFleet().getPoolsList();
    sentVips.clear();
    latest.getFleet().getVipsList().forEach(v -> sentVips.put(v.getAddress(), v));
    sentBgp.complete(latest.getBgp());
    return OperatorMessage.newBuilder().setSnapshot(latest).build();
  }

  /**
   * The fleet's VIP at {@code address} is {@code vip} now (null: none): when that is not what was
   * sent, it is remembered as sent and added to {@code changes}.
   */
  private void sendVip(String address, FleetVip vip, FleetChanges.Builder changes) {
    FleetVip before = vip == null ? sentVips.remove(address) : sentVips.put(address, vip);
    if (vip == null) {
      if (before != null) {
        changes.addRemovedVips(address);
      }
    } else if (before == null || !before.equals(vip)) {
      changes.addVips(vip);
    }
  }

  /**
   * Puts the fleet's changes in {@code delta} when the pools or some VIP changed: as {@code
   * changes} to a forwarder that takes them, whole otherwise.
   */
  private void fleetChanged(
      List<FleetPool> pools,
      FleetChanges.Builder changes,
      Supplier<FleetConfig> whole,
      SnapshotDelta.Builder delta) {
    if (pools.equals(sentPools)
        && changes.getVipsCount() == 0
        && changes.getRemovedVipsCount() == 0) {
      return;
    }
    sentPools = pools;
    if (fleetDeltas) {
      delta.setFleetChanges(changes);
    } else {
      delta.setFleet(whole.get()); // present when changed, whole
    }
  }

  private OperatorMessage finish(SnapshotDelta.Builder delta, long version) {
    sentVersion = version;
    return OperatorMessage.newBuilder().setDelta(delta).build();
  }

  /**
   * The forwarder asked for a complete snapshot in its answer to {@code snapshotVersion}: the next
   * message is one, unless a complete snapshot went out after that message already.
   */
  public void resync(long snapshotVersion) {
    if (snapshotVersion >= completeVersion) {
      sent = null;
    }
  }

  /** Whether the next message will be complete. */
  public boolean resyncing() {
    return sent == null || !deltas;
  }
}
