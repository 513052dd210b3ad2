package io.gatun.fwd;

import static io.gatun.fwd.raw.GatunFwd.cString;

import io.gatun.fwd.raw.GatunFwd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The forwarder's data plane, seen from Java: EAL start-up, ports, workers, commits (of the whole
 * state, or of what changed) and counters. One per process (DPDK's EAL cannot start twice). Calls
 * are serialised, which is what lets the library keep a single last-error sentence.
 */
public final class DataPlane implements AutoCloseable {
  private static final int MAX_FRAME = 16 * 1024;

  /** The EtherType of the fleet's advertisements (IEEE local experimental 1). */
  public static final int FLEET_ETHERTYPE = GatunFwd.FLEET_ETHERTYPE;

  /** The multicast group the fleet's advertisements go to: {@code 03:00:47:54:4e:00}. */
  public static byte[] fleetMac() {
    return GatunFwd.fleetMac();
  }

  private static boolean opened;

  private final List<String> counterNames;
  private boolean closed;

  private DataPlane() {
    int n = (int) call("gfwd_counter_count", GatunFwd.gfwd_counter_count);
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = cString((MemorySegment) call("gfwd_counter_name", GatunFwd.gfwd_counter_name, i));
    }
    this.counterNames = List.of(names);
  }

  /**
   * Starts DPDK's EAL with these arguments (as on a DPDK command line, without the program name),
   * e.g. {@code -l 0-1 --no-huge -m 1024 --no-pci --vdev=net_af_packet0,iface=eth1}.
   */
  public static synchronized DataPlane open(List<String> ealArgs) {
    if (opened) {
      throw new IllegalStateException(
          "DPDK's EAL starts once per process; a DataPlane was already opened");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment argv = arena.allocate(ValueLayout.ADDRESS, ealArgs.size() + 2L);
      argv.setAtIndex(ValueLayout.ADDRESS, 0, arena.allocateFrom("gatun-forwarder"));
      for (int i = 0; i < ealArgs.size(); i++) {
        argv.setAtIndex(ValueLayout.ADDRESS, i + 1, arena.allocateFrom(ealArgs.get(i)));
      }
      check("gfwd_init", (int) call("gfwd_init", GatunFwd.gfwd_init, ealArgs.size() + 1, argv));
    }
    opened = true;
    return new DataPlane();
  }

  /** Adds a DPDK port; returns its index. Only before {@link #start()}. */
  public synchronized int addPort(PortSpec spec) {
    try (Arena arena = Arena.ofConfined()) {
      return check(
          "gfwd_port_add",
          (int) call("gfwd_port_add", GatunFwd.gfwd_port_add, portConf(arena, spec)));
    }
  }

  /**
   * Gives data port {@code port} a kernel interface (BGP mode): {@code devargs} of an ethdev, in
   * practice a {@code net_tap} vdev the agent names ({@code "net_tap0,iface=gk0"}), which gets the
   * port's MAC. BGP and BFD addressed to the port, and copies of its ARP and NDP, go to the kernel;
   * what the kernel sends leaves by the port. Only before {@link #start()}.
   */
  public synchronized void addKernelInterface(int port, String devargs) {
    try (Arena arena = Arena.ofConfined()) {
      check(
          "gfwd_port_kernel_add",
          (int)
              call(
                  "gfwd_port_kernel_add",
                  GatunFwd.gfwd_port_kernel_add,
                  (short) port,
                  arena.allocateFrom(devargs)));
    }
  }

  /**
   * Adds a port backed by rings: frames go in with {@link #inject} and come out with {@link
   * #collect}.
   */
  public synchronized int addRingPort(String name, PortSpec spec) {
    try (Arena arena = Arena.ofConfined()) {
      return check(
          "gfwd_port_add_ring",
          (int)
              call(
                  "gfwd_port_add_ring",
                  GatunFwd.gfwd_port_add_ring,
                  arena.allocateFrom(name),
                  portConf(arena, spec)));
    }
  }

  /** Launches one worker per EAL worker lcore; returns how many. */
  public synchronized int start() {
    return check("gfwd_start", (int) call("gfwd_start", GatunFwd.gfwd_start));
  }

  /**
   * Replaces the whole desired state atomically. A service the data plane cannot run (a backend
   * without a route, DSR with port translation, a duplicate, ...) is refused on its own and comes
   * back in the list; every other one runs. Throws, leaving the running state untouched, only for
   * what concerns the whole call: {@code seq} not larger than {@link #commitSeq()}, out of memory.
   */
  public synchronized List<ServiceRefusal> commit(long seq, List<ServiceSpec> services) {
    try (Arena arena = Arena.ofConfined()) {
      Marshalled m = marshal(arena, services);
      int cap = Math.max(1, services.size());
      MemorySegment refusals = arena.allocate(GatunFwd.Refusal.LAYOUT, cap);
      int refused =
          check(
              "gfwd_commit",
              (int)
                  call(
                      "gfwd_commit",
                      GatunFwd.gfwd_commit,
                      seq,
                      m.services(),
                      services.size(),
                      m.backends(),
                      m.nBackends(),
                      refusals,
                      cap));
      return refusals(refusals, Math.min(refused, cap), services);
    }
  }

  /**
   * Changes the running state by what changed: the services named in {@code removed} leave, then
   * each of {@code upserts} replaces the running service of its {@link ServiceId} or is added;
   * every other running service stays as it is (its tables, routes and counters kept, nothing of it
   * validated or built again). The result is what {@link #commit} of the whole new state runs: an
   * upsert the data plane refuses comes back in the list (its index in {@code upserts}) and the
   * service it would have replaced leaves too. Removing a service that does not run is not an
   * error. Throws as {@link #commit} does, leaving the running state untouched.
   */
  public synchronized List<ServiceRefusal> commitDelta(
      long seq, List<ServiceSpec> upserts, java.util.Collection<ServiceId> removed) {
    try (Arena arena = Arena.ofConfined()) {
      Marshalled m = marshal(arena, upserts);
      MemorySegment ids = arena.allocate(GatunFwd.ServiceId.LAYOUT, Math.max(1, removed.size()));
      int i = 0;
      for (ServiceId id : removed) {
        MemorySegment seg =
            ids.asSlice(i++ * GatunFwd.ServiceId.LAYOUT.byteSize(), GatunFwd.ServiceId.LAYOUT);
        putAddress(seg, GatunFwd.ServiceId.VIP, id.vip());
        GatunFwd.ServiceId.FAMILY.set(seg, family(id.vip()));
        GatunFwd.ServiceId.PROTO.set(seg, (byte) id.protocol().code());
        GatunFwd.ServiceId.PORT.set(seg, (short) id.port());
      }
      int cap = Math.max(1, upserts.size());
      MemorySegment refusals = arena.allocate(GatunFwd.Refusal.LAYOUT, cap);
      int refused =
          check(
              "gfwd_commit_delta",
              (int)
                  call(
                      "gfwd_commit_delta",
                      GatunFwd.gfwd_commit_delta,
                      seq,
                      m.services(),
                      upserts.size(),
                      m.backends(),
                      m.nBackends(),
                      ids,
                      removed.size(),
                      refusals,
                      cap));
      return refusals(refusals, Math.min(refused, cap), upserts);
    }
  }

  /** Services and their backends as the two flat arrays a commit takes. */
  private record Marshalled(MemorySegment services, MemorySegment backends, int nBackends) {}

  private static Marshalled marshal(Arena arena, List<ServiceSpec> services) {
    int nBackends = services.stream().mapToInt(s -> s.backends().size()).sum();
    MemorySegment svcs = arena.allocate(GatunFwd.Service.LAYOUT, Math.max(1, services.size()));
    MemorySegment bes = arena.allocate(GatunFwd.Backend.LAYOUT, Math.max(1, nBackends));
    int b = 0;
    for (int i = 0; i < services.size(); i++) {
      ServiceSpec s = services.get(i);
      MemorySegment svc =
          svcs.asSlice(i * GatunFwd.Service.LAYOUT.byteSize(), GatunFwd.Service.LAYOUT);
      putAddress(svc, GatunFwd.Service.VIP, s.vip());
      GatunFwd.Service.FAMILY.set(svc, family(s.vip()));
      GatunFwd.Service.PROTO.set(svc, (byte) s.protocol().code());
      GatunFwd.Service.PORT.set(svc, (short) s.port());
      GatunFwd.Service.MODE.set(svc, (byte) s.mode().code());
      GatunFwd.Service.SCHED.set(svc, (byte) s.scheduling().code());
      GatunFwd.Service.MAGLEV_SIZE.set(svc, s.maglevTableSize());
      GatunFwd.Service.FIRST_BACKEND.set(svc, b);
      GatunFwd.Service.N_BACKENDS.set(svc, s.backends().size());
      GatunFwd.Service.AFFINITY_TIMEOUT_S.set(svc, s.affinityTimeoutSeconds());
      for (BackendSpec be : s.backends()) {
        MemorySegment seg =
            bes.asSlice(b * GatunFwd.Backend.LAYOUT.byteSize(), GatunFwd.Backend.LAYOUT);
        putAddress(seg, GatunFwd.Backend.ADDR, be.address());
        GatunFwd.Backend.FAMILY.set(seg, family(be.address()));
        GatunFwd.Backend.FLAGS.set(seg, be.draining() ? GatunFwd.BACKEND_DRAINING : (byte) 0);
        GatunFwd.Backend.PORT.set(seg, (short) be.port());
        GatunFwd.Backend.WEIGHT.set(seg, be.weight());
        b++;
      }
    }
    return new Marshalled(svcs, bes, nBackends);
  }

  private static List<ServiceRefusal> refusals(
      MemorySegment refusals, int n, List<ServiceSpec> services) {
    List<ServiceRefusal> result = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      MemorySegment r =
          refusals.asSlice(i * GatunFwd.Refusal.LAYOUT.byteSize(), GatunFwd.Refusal.LAYOUT);
      int index = (int) GatunFwd.Refusal.SERVICE.get(r);
      result.add(
          new ServiceRefusal(
              index,
              services.get(index),
              NativeError.of((int) GatunFwd.Refusal.ERROR.get(r)),
              r.asSlice(GatunFwd.Refusal.REASON, GatunFwd.Refusal.REASON_LEN).getString(0)));
    }
    return List.copyOf(result);
  }

  /** The seq of the commit the workers run now (0: none yet). */
  public synchronized long commitSeq() {
    return (long) call("gfwd_commit_seq", GatunFwd.gfwd_commit_seq);
  }

  /**
   * What the last successful commit built, took over and cost ({@link CommitStats#NONE} before).
   */
  public synchronized CommitStats commitStats() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = arena.allocate(GatunFwd.CommitStats.LAYOUT);
      check("gfwd_commit_stats", (int) call("gfwd_commit_stats", GatunFwd.gfwd_commit_stats, st));
      return new CommitStats(
          (long) GatunFwd.CommitStats.SEQ.get(st),
          (int) GatunFwd.CommitStats.SERVICES.get(st),
          (int) GatunFwd.CommitStats.TABLES_BUILT.get(st),
          (int) GatunFwd.CommitStats.TABLES_REUSED.get(st),
          (long) GatunFwd.CommitStats.BYTES_ALLOCATED.get(st),
          (long) GatunFwd.CommitStats.TABLE_BYTES.get(st),
          (long) GatunFwd.CommitStats.BUILD_NS.get(st),
          (long) GatunFwd.CommitStats.COMMIT_NS.get(st));
    }
  }

  /**
   * Every counter, summed over workers, by name ({@code rx_packets}, {@code drop_no_service}, ...).
   */
  public synchronized Map<String, Long> counters() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment values = arena.allocate(ValueLayout.JAVA_LONG, counterNames.size());
      check(
          "gfwd_counters_read",
          (int)
              call("gfwd_counters_read", GatunFwd.gfwd_counters_read, values, counterNames.size()));
      Map<String, Long> result = new LinkedHashMap<>();
      for (int i = 0; i < counterNames.size(); i++) {
        result.put(counterNames.get(i), values.getAtIndex(ValueLayout.JAVA_LONG, i));
      }
      return result;
    }
  }

  /** A neighbour whose MAC is known and fixed (no ARP/NDP), e.g. a router or a benchmark peer. */
  public synchronized void setNeighbor(InetAddress address, byte[] mac) {
    if (mac.length != 6) {
      throw new IllegalArgumentException("a MAC has 6 bytes");
    }
    try (Arena arena = Arena.ofConfined()) {
      check(
          "gfwd_neighbor_set",
          (int)
              call(
                  "gfwd_neighbor_set",
                  GatunFwd.gfwd_neighbor_set,
                  family(address),
                  arena.allocateFrom(ValueLayout.JAVA_BYTE, padded(address)),
                  arena.allocateFrom(ValueLayout.JAVA_BYTE, mac)));
    }
  }

  /**
   * Tells the network this forwarder now answers for {@code address}: {@code count} gratuitous ARPs
   * (IPv4) or unsolicited neighbour advertisements (IPv6), {@code interval} apart.
   */
  public synchronized void announce(InetAddress address, int count, java.time.Duration interval) {
    try (Arena arena = Arena.ofConfined()) {
      check(
          "gfwd_announce",
          (int)
              call(
                  "gfwd_announce",
                  GatunFwd.gfwd_announce,
                  family(address),
                  arena.allocateFrom(ValueLayout.JAVA_BYTE, padded(address)),
                  count,
                  (int) interval.toMillis()));
    }
  }

  /**
   * Queues a complete Ethernet frame (destination MAC first, no FCS) for worker 0 to send on {@code
   * port} on its next loop turn, as it sends ARP requests: so a forwarder whose worker stops
   * looping falls silent. Returns false, counting {@code drop_control_ring_full}, when the queue is
   * full (1023 frames wait: the worker is not looping); the frame is then not sent. Throws for a
   * bad port or length.
   */
  public synchronized boolean sendFrame(int port, byte[] frame) {
    try (Arena arena = Arena.ofConfined()) {
      int rc =
          (int)
              call(
                  "gfwd_send_frame",
                  GatunFwd.gfwd_send_frame,
                  (short) port,
                  arena.allocateFrom(ValueLayout.JAVA_BYTE, frame),
                  frame.length);
      if (rc == -NativeError.NO_BUFFERS.errno()) {
        return false;
      }
      check("gfwd_send_frame", rc);
      return true;
    }
  }

  /**
   * The next item the workers handed to the agent, if any; never waits. Poll it from one thread
   * (every millisecond or so: the workers queue up to 1023 items, then count {@code
   * drop_punt_ring_full}).
   */
  public synchronized Optional<Punted> readPunted() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(MAX_FRAME);
      MemorySegment port = arena.allocate(ValueLayout.JAVA_SHORT);
      MemorySegment kind = arena.allocate(ValueLayout.JAVA_BYTE);
      int len =
          check(
              "gfwd_punt_read",
              (int) call("gfwd_punt_read", GatunFwd.gfwd_punt_read, buf, MAX_FRAME, port, kind));
      if (len == 0) {
        return Optional.empty();
      }
      int from = Short.toUnsignedInt(port.get(ValueLayout.JAVA_SHORT, 0));
      byte[] bytes = buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
      byte k = kind.get(ValueLayout.JAVA_BYTE, 0);
      if (k == GatunFwd.PUNT_FLEET) {
        return Optional.of(new Punted.FleetFrame(from, bytes));
      }
      if (k == GatunFwd.PUNT_CONFLICT && len == GatunFwd.Conflict.LAYOUT.byteSize()) {
        return Optional.of(conflict(from, buf));
      }
      throw new IllegalStateException("the library punted an item of unknown kind " + k);
    }
  }

  /**
   * From now on this forwarder answers ARP, neighbour solicitations and ICMP echo only for these
   * addresses (VIPs, or addresses owned like one, such as the gateway NAT-mode backends route
   * replies through) besides its ports' own; it keeps forwarding traffic to every VIP of its
   * configuration. Replaces the whole set; returns once no worker answers from the previous one. On
   * gaining a VIP, own it first, then {@link #announce} it.
   */
  public synchronized void setOwned(java.util.Collection<InetAddress> addresses) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment vips = arena.allocate(GatunFwd.Vip.LAYOUT, Math.max(1, addresses.size()));
      int i = 0;
      for (InetAddress a : addresses) {
        MemorySegment v = vips.asSlice(i++ * GatunFwd.Vip.LAYOUT.byteSize(), GatunFwd.Vip.LAYOUT);
        putAddress(v, GatunFwd.Vip.ADDR, a);
        GatunFwd.Vip.FAMILY.set(v, family(a));
      }
      check(
          "gfwd_owned_set",
          (int) call("gfwd_owned_set", GatunFwd.gfwd_owned_set, vips, addresses.size()));
    }
  }

  /**
   * Back to the default: answer for every VIP of the configuration (a lone forwarder, or BGP mode).
   */
  public synchronized void ownEveryVip() {
    check("gfwd_owned_all", (int) call("gfwd_owned_all", GatunFwd.gfwd_owned_all));
  }

  /**
   * Idle back-off for forwarders sharing cores (tests, demos; the agent's {@code --idle-sleep-us}):
   * an idle worker pauses, then sleeps from 1 us doubling up to {@code maxMicros} (at most
   * 100,000); any packet resets it. 0, the default, busy-polls: the production setting.
   */
  public synchronized void setIdleSleep(int maxMicros) {
    check(
        "gfwd_idle_sleep_set",
        (int) call("gfwd_idle_sleep_set", GatunFwd.gfwd_idle_sleep_set, maxMicros));
  }

  private static Punted.AddressConflict conflict(int port, MemorySegment c) {
    byte via = (byte) GatunFwd.Conflict.VIA.get(c);
    return new Punted.AddressConflict(
        port,
        address(c, GatunFwd.Conflict.ADDR, (byte) GatunFwd.Conflict.FAMILY.get(c)),
        c.asSlice(GatunFwd.Conflict.MAC, 6).toArray(ValueLayout.JAVA_BYTE),
        via == GatunFwd.Conflict.VIA_NDP
            ? Punted.AddressConflict.Via.NDP
            : Punted.AddressConflict.Via.ARP);
  }

  private static byte[] padded(InetAddress address) {
    return java.util.Arrays.copyOf(address.getAddress(), 16);
  }

  /**
   * Traffic per service and backend of the running configuration. Only the downcalls hold this
   * object's lock: turning 10,000 services' counters into objects does not make a commit wait.
   */
  public List<ServiceStats> serviceStats() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment svcs;
      MemorySegment bes;
      int nServices;
      synchronized (this) {
        MemorySegment sizes = arena.allocate(ValueLayout.JAVA_INT, 2);
        call("gfwd_traffic_sizes", GatunFwd.gfwd_traffic_sizes, sizes, sizes.asSlice(4));
        nServices = sizes.getAtIndex(ValueLayout.JAVA_INT, 0);
        int nBackends = sizes.getAtIndex(ValueLayout.JAVA_INT, 1);
        svcs = arena.allocate(GatunFwd.ServiceTraffic.LAYOUT, Math.max(1, nServices));
        bes = arena.allocate(GatunFwd.BackendTraffic.LAYOUT, Math.max(1, nBackends));
        check(
            "gfwd_traffic_read",
            (int)
                call(
                    "gfwd_traffic_read",
                    GatunFwd.gfwd_traffic_read,
                    svcs,
                    nServices,
                    bes,
                    nBackends));
      }
      List<ServiceStats> result = new java.util.ArrayList<>(nServices);
      for (int i = 0; i < nServices; i++) {
        MemorySegment s =
            svcs.asSlice(
                i * GatunFwd.ServiceTraffic.LAYOUT.byteSize(), GatunFwd.ServiceTraffic.LAYOUT);
        int first = (int) GatunFwd.ServiceTraffic.FIRST_BACKEND.get(s);
        int n = (int) GatunFwd.ServiceTraffic.N_BACKENDS.get(s);
        List<BackendStats> backends = new java.util.ArrayList<>(n);
        for (int j = first; j < first + n; j++) {
          MemorySegment b =
              bes.asSlice(
                  j * GatunFwd.BackendTraffic.LAYOUT.byteSize(), GatunFwd.BackendTraffic.LAYOUT);
          backends.add(
              new BackendStats(
                  address(
                      b,
                      GatunFwd.BackendTraffic.ADDR,
                      (byte) GatunFwd.BackendTraffic.FAMILY.get(b)),
                  Short.toUnsignedInt((short) GatunFwd.BackendTraffic.PORT.get(b)),
                  (long) GatunFwd.BackendTraffic.PACKETS.get(b),
                  (long) GatunFwd.BackendTraffic.BYTES.get(b),
                  (long) GatunFwd.BackendTraffic.NEW_FLOWS.get(b),
                  (long) GatunFwd.BackendTraffic.ACTIVE_FLOWS.get(b),
                  ((byte) GatunFwd.BackendTraffic.FLAGS.get(b) & GatunFwd.BACKEND_DRAINING) != 0,
                  new PassiveCounters(
                      (long) GatunFwd.BackendTraffic.SYNS.get(b),
                      (long) GatunFwd.BackendTraffic.SYN_RETRANSMITS.get(b),
                      (long) GatunFwd.BackendTraffic.SYN_ACKS.get(b),
                      (long) GatunFwd.BackendTraffic.SYN_RESETS.get(b),
                      (long) GatunFwd.BackendTraffic.UNREACHABLE.get(b),
                      (long) GatunFwd.BackendTraffic.UDP_PORT_UNREACHABLE.get(b))));
        }
        result.add(
            new ServiceStats(
                address(
                    s, GatunFwd.ServiceTraffic.VIP, (byte) GatunFwd.ServiceTraffic.FAMILY.get(s)),
                Protocol.of(Byte.toUnsignedInt((byte) GatunFwd.ServiceTraffic.PROTO.get(s))),
                Short.toUnsignedInt((short) GatunFwd.ServiceTraffic.PORT.get(s)),
                (long) GatunFwd.ServiceTraffic.PACKETS.get(s),
                (long) GatunFwd.ServiceTraffic.BYTES.get(s),
                (long) GatunFwd.ServiceTraffic.NEW_FLOWS.get(s),
                (long) GatunFwd.ServiceTraffic.ACTIVE_FLOWS.get(s),
                backends));
      }
      return result;
    }
  }

  public List<String> counterNames() {
    return counterNames;
  }

  public synchronized byte[] portMac(int port) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment mac = arena.allocate(6);
      check(
          "gfwd_port_mac", (int) call("gfwd_port_mac", GatunFwd.gfwd_port_mac, (short) port, mac));
      return mac.toArray(ValueLayout.JAVA_BYTE);
    }
  }

  /** The port's driver counters: packets, bytes, missed (the worker fell behind), errors. */
  public synchronized PortStats portStats(int port) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = arena.allocate(ValueLayout.JAVA_LONG, 8);
      check(
          "gfwd_port_stats",
          (int) call("gfwd_port_stats", GatunFwd.gfwd_port_stats, (short) port, st));
      long[] v = st.toArray(ValueLayout.JAVA_LONG);
      return new PortStats(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }
  }

  /** Each worker's loop count; one that stops growing is a stuck worker. */
  public synchronized long[] workerLoops() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment loops = arena.allocate(ValueLayout.JAVA_LONG, 128);
      int n =
          check(
              "gfwd_worker_loops",
              (int) call("gfwd_worker_loops", GatunFwd.gfwd_worker_loops, loops, 128));
      return loops.asSlice(0, 8L * Math.min(n, 128)).toArray(ValueLayout.JAVA_LONG);
    }
  }

  public synchronized boolean linkUp(int port) {
    return check(
            "gfwd_port_link_up",
            (int) call("gfwd_port_link_up", GatunFwd.gfwd_port_link_up, (short) port))
        == 1;
  }

  /** Hands a frame to a ring port as if it had arrived on the wire. */
  public synchronized void inject(int port, byte[] frame) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, frame);
      check(
          "gfwd_ring_inject",
          (int)
              call("gfwd_ring_inject", GatunFwd.gfwd_ring_inject, (short) port, buf, frame.length));
    }
  }

  /** The next frame a ring port transmitted, if any. */
  public synchronized Optional<byte[]> collect(int port) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(MAX_FRAME);
      int len =
          check(
              "gfwd_ring_collect",
              (int)
                  call(
                      "gfwd_ring_collect",
                      GatunFwd.gfwd_ring_collect,
                      (short) port,
                      buf,
                      MAX_FRAME));
      return len == 0
          ? Optional.empty()
          : Optional.of(buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE));
    }
  }

  /** Stops the workers and releases DPDK. The process cannot open another DataPlane. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      call("gfwd_shutdown", GatunFwd.gfwd_shutdown);
    }
  }

  // ------------------------------------------------------------------ plumbing

  private static MemorySegment portConf(Arena arena, PortSpec spec) {
    MemorySegment conf = arena.allocate(GatunFwd.PortConf.LAYOUT);
    byte[] devargs = spec.devargs().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    MemorySegment.copy(
        devargs, 0, conf, ValueLayout.JAVA_BYTE, GatunFwd.PortConf.DEVARGS, devargs.length);
    for (PortAddress a : spec.addresses()) {
      long at = a.isIpv4() ? GatunFwd.PortConf.V4 : GatunFwd.PortConf.V6;
      MemorySegment pa = conf.asSlice(at, GatunFwd.PortAddr.LAYOUT);
      putAddress(pa, GatunFwd.PortAddr.ADDR, a.address());
      GatunFwd.PortAddr.FAMILY.set(pa, family(a.address()));
      GatunFwd.PortAddr.PREFIX_LEN.set(pa, (byte) a.prefixLength());
      a.gateway()
          .ifPresent(
              gw -> {
                GatunFwd.PortAddr.HAS_GATEWAY.set(pa, (byte) 1);
                putAddress(pa, GatunFwd.PortAddr.GATEWAY, gw);
              });
    }
    return conf;
  }

  private static void putAddress(MemorySegment seg, long offset, InetAddress address) {
    byte[] bytes = address.getAddress();
    MemorySegment.copy(bytes, 0, seg, ValueLayout.JAVA_BYTE, offset, bytes.length);
  }

  private static InetAddress address(MemorySegment seg, long offset, byte family) {
    byte[] bytes =
        seg.asSlice(offset, family == GatunFwd.AF_INET ? 4 : 16).toArray(ValueLayout.JAVA_BYTE);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("the library returned a malformed address", e);
    }
  }

  private static byte family(InetAddress address) {
    return (byte) (address instanceof Inet4Address ? GatunFwd.AF_INET : GatunFwd.AF_INET6);
  }

  private static int check(String function, int rc) {
    if (rc < 0) {
      String why = cString((MemorySegment) call("gfwd_last_error", GatunFwd.gfwd_last_error));
      throw new DataPlaneException(function, rc, why == null || why.isEmpty() ? "failed" : why);
    }
    return rc;
  }

  /** The one place a downcall's {@code Throwable} is unwrapped. */
  private static Object call(String function, MethodHandle handle, Object... args) {
    try {
      return handle.invokeWithArguments(args);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("downcall " + function + " failed", t);
    }
  }
}
