package io.gatun.operator.bench;

import io.gatun.control.delta.SentServices;
import io.gatun.control.v1.Backend;
import io.gatun.control.v1.BgpNeighbor;
import io.gatun.control.v1.OperatorMessage;
import io.gatun.control.v1.Protocol;
import io.gatun.control.v1.VirtualService;
import io.gatun.operator.control.BgpPoolPlan;
import io.gatun.operator.control.DesiredServices;
import io.gatun.operator.control.DesiredState;
import io.gatun.operator.control.ForwarderView;
import io.gatun.operator.ipam.Owner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What one change costs the operator with a BGP Pool (issue 15), without an API server: N two-port
 * LoadBalancers in one BGP Pool, three forwarders (three nodes) connected, each sent the complete
 * snapshot first; then changes of three kinds in turn — an endpoint changed, a LoadBalancer added,
 * one removed — each timed from the desired state's publish (or withdrawal) to the three messages
 * built as the operator's senders build them (DesiredState.read, SentServices.next), and their
 * bytes counted. The forwarders take every delta the build knows of (DELTA_SNAPSHOTS, FLEET_DELTAS
 * and, where SentServices has it, BGP_DELTAS), so the same driver measures an older build beside
 * this one: compiled against main's classes it is the "before".
 *
 * <p>Not a test: {@code bench/bgp-changes.sh [SIZES] [CHANGES] [old-agents]} runs it ({@code
 * old-agents}: forwarders that do not offer BGP_DELTAS); prints one line per size and kind (p50 and
 * p99 time per change, bytes per change to each forwarder), and the heap used after a full
 * collection with the desired state still held.
 */
public final class BgpChangeBench {
  private static final int FORWARDERS = 3;
  private static boolean bgpDeltasOffered = true; // false: forwarders from before BGP_DELTAS

  private record Sample(long nanos, long bytes) {}

  public static void main(String[] args) throws Exception {
    int[] sizes = Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray();
    int changes = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    bgpDeltasOffered = !(args.length > 2 && args[2].equals("old-agents"));
    System.out.printf(
        "bgp changes: %d cores, load %s, BGP_DELTAS %s%n",
        Runtime.getRuntime().availableProcessors(),
        java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim(),
        !bgpDeltasKnown()
            ? "not in this build"
            : bgpDeltasOffered ? "offered" : "not offered (old agents)");
    for (int n : sizes) {
      run(n, changes / 3, true); // warm-up, not printed
      run(n, changes / 3, false);
    }
  }

  private static void run(int n, int perKind, boolean warmUp) throws Exception {
    var state = new DesiredState(1);
    state.publishBgpPool(
        "edge",
        new BgpPoolPlan(
            "edge",
            "2026-01-01T00:00:00Z",
            64512,
            List.of(neighbor("192.0.2.1"), neighbor("192.0.2.2")),
            List.of("65000:100"),
            0,
            null));
    for (int i = 0; i < n; i++) {
      state.publish(owner(i), desired(i, 0));
    }
    var views = new ArrayList<ForwarderView>();
    var senders = new ArrayList<SentServices>();
    for (int f = 0; f < FORWARDERS; f++) {
      views.add(new ForwarderView("node-" + f, Set.of()));
      senders.add(sentServices());
    }
    send(state, views, senders); // the complete snapshots
    var endpoint = new ArrayList<Sample>();
    var added = new ArrayList<Sample>();
    var removed = new ArrayList<Sample>();
    for (int c = 0; c < perKind; c++) {
      int changed = (c * 7919) % n;
      long t0 = System.nanoTime();
      state.publish(owner(changed), desired(changed, c + 1));
      long bytes = send(state, views, senders);
      endpoint.add(new Sample(System.nanoTime() - t0, bytes));

      t0 = System.nanoTime();
      state.publish(owner(n + c), desired(n + c, 0));
      bytes = send(state, views, senders);
      added.add(new Sample(System.nanoTime() - t0, bytes));

      t0 = System.nanoTime();
      state.withdraw(owner(n + c));
      bytes = send(state, views, senders);
      removed.add(new Sample(System.nanoTime() - t0, bytes));
    }
    if (!warmUp) {
      print(n, "endpoint changed", endpoint);
      print(n, "LoadBalancer added", added);
      print(n, "LoadBalancer removed", removed);
      // What the desired state (its caches, each view's BGP rendering) and the three senders hold,
      // while still in use.
      System.gc();
      Runtime runtime = Runtime.getRuntime();
      System.out.printf(
          "%d LoadBalancers: heap used after a full collection %.1f MiB%n",
          n, (runtime.totalMemory() - runtime.freeMemory()) / 1048576.0);
    }
  }

  /** Each forwarder's next message, as its sender builds it; their bytes in all. */
  private static long send(
      DesiredState state, List<ForwarderView> views, List<SentServices> senders) {
    long bytes = 0;
    for (int f = 0; f < views.size(); f++) {
      SentServices sent = senders.get(f);
      OperatorMessage message = state.read(views.get(f), sent::next).orElseThrow();
      bytes += message.getSerializedSize();
    }
    return bytes;
  }

  private static void print(int n, String kind, List<Sample> samples) {
    long[] nanos = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
    double bytes = samples.stream().mapToLong(Sample::bytes).average().orElse(0) / FORWARDERS;
    System.out.printf(
        "%d LoadBalancers, %s: p50 %.3f ms, p99 %.3f ms per change (%d forwarders), %.0f bytes"
            + " per forwarder%n",
        n,
        kind,
        nanos[nanos.length / 2] / 1e6,
        nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.99) - 1)] / 1e6,
        FORWARDERS,
        bytes);
  }

  /** Whether this build's SentServices takes BGP_DELTAS (main's before issue 15's BGP part not). */
  private static boolean bgpDeltasKnown() {
    try {
      SentServices.class.getConstructor(boolean.class, boolean.class, boolean.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** A sender for a forwarder offering every delta this build knows of. */
  private static SentServices sentServices() throws Exception {
    return bgpDeltasKnown()
        ? SentServices.class
            .getConstructor(boolean.class, boolean.class, boolean.class)
            .newInstance(true, true, bgpDeltasOffered)
        : new SentServices(true, true);
  }

  private static BgpNeighbor neighbor(String address) {
    return BgpNeighbor.newBuilder()
        .setAddress(address)
        .setAsn(64500)
        .setPort(179)
        .addPools("edge")
        .build();
  }

  private static Owner owner(int i) {
    return new Owner("default", "lb-" + i);
  }

  /** LoadBalancer {@code i} of the BGP Pool: http and https on its VIP, two backends. */
  private static DesiredServices desired(int i, int generation) {
    String vip = "198.18." + (i / 250) + "." + (1 + i % 250);
    var services = new ArrayList<VirtualService>();
    for (int port : new int[] {80, 443}) {
      services.add(
          VirtualService.newBuilder()
              .setKey("default/lb-" + i + "/" + port)
              .setVip(vip)
              .setPort(port)
              .setProtocol(Protocol.TCP)
              .setMaglevTableSize(509)
              .addBackends(backend(i, 1 + generation % 200))
              .addBackends(backend(i, 201))
              .build());
    }
    return DesiredServices.of(services).fromPool("edge");
  }

  private static Backend backend(int i, int host) {
    return Backend.newBuilder()
        .setAddress("10." + (i >> 8 & 255) + "." + (i & 255) + "." + host)
        .setPort(8080)
        .setWeight(1)
        .build();
  }
}
