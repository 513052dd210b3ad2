package io.gatun.fwd.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The raw layer: one downcall handle per function of {@code gatunfwd.h} and one layout per struct,
 * named as in C. No policy here; {@link io.gatun.fwd.DataPlane} is the façade.
 *
 * <p>The library is found through the {@code gatun.native.lib} system property, then the {@code
 * GATUN_NATIVE_LIB} environment variable, then the dynamic linker's search path. A missing library
 * or symbol fails at class initialisation, naming what is missing, and so does a library of another
 * ABI version ({@link #ABI_VERSION}).
 */
public final class GatunFwd {
  private GatunFwd() {}

  /** {@code GFWD_ABI_VERSION}: the library must report the same from {@code gfwd_abi_version()}. */
  public static final int ABI_VERSION = 10;

  // enum gfwd_family
  public static final int AF_INET = 4;
  public static final int AF_INET6 = 6;

  // enum gfwd_proto: IANA protocol numbers
  public static final int PROTO_TCP = 6;
  public static final int PROTO_UDP = 17;
  public static final int PROTO_SCTP = 132;

  // enum gfwd_mode
  public static final int MODE_FULLNAT = 1;
  public static final int MODE_NAT = 2;
  public static final int MODE_DSR = 3;
  public static final int MODE_DSR_IPIP = 4;

  // enum gfwd_sched
  public static final int SCHED_MAGLEV = 1;
  public static final int SCHED_ROUND_ROBIN = 2;
  public static final int SCHED_WEIGHTED_ROUND_ROBIN = 3;
  public static final int SCHED_LEAST_CONNECTIONS = 4;
  public static final int SCHED_SOURCE_HASH = 5;

  /** {@code GFWD_BACKEND_DRAINING}: no new connections, the established ones continue. */
  public static final byte BACKEND_DRAINING = 0x01;

  /** {@code GFWD_FLEET_ETHERTYPE}: the fleet's advertisements. */
  public static final int FLEET_ETHERTYPE = 0x88B5;

  /** {@code GFWD_FLEET_MAC}: the group the fleet's advertisements go to. */
  public static byte[] fleetMac() {
    return new byte[] {0x03, 0x00, 0x47, 0x54, 0x4e, 0x00};
  }

  /** {@code enum gfwd_punt_kind}. */
  public static final byte PUNT_FLEET = 1;

  public static final byte PUNT_CONFLICT = 2;

  /** {@code struct gfwd_port_conf}. */
  public static final class PortConf {
    private PortConf() {}

    public static final int DEVARGS_LEN = 256;
    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(DEVARGS_LEN, JAVA_BYTE).withName("devargs"),
            PortAddr.LAYOUT.withName("v4"),
            PortAddr.LAYOUT.withName("v6"),
            MemoryLayout.sequenceLayout(6, JAVA_BYTE).withName("mac"),
            JAVA_BYTE.withName("has_mac"),
            JAVA_BYTE.withName("reserved"));
    public static final long DEVARGS = offset(LAYOUT, "devargs");
    public static final long V4 = offset(LAYOUT, "v4");
    public static final long V6 = offset(LAYOUT, "v6");
  }

  /** {@code struct gfwd_port_addr}. */
  public static final class PortAddr {
    private PortAddr() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("gateway"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("prefix_len"),
            JAVA_BYTE.withName("has_gateway"),
            JAVA_BYTE.withName("reserved"));
    public static final long ADDR = offset(LAYOUT, "addr");
    public static final long GATEWAY = offset(LAYOUT, "gateway");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final VarHandle PREFIX_LEN = field(LAYOUT, "prefix_len");
    public static final VarHandle HAS_GATEWAY = field(LAYOUT, "has_gateway");
  }

  /** {@code struct gfwd_service}. */
  public static final class Service {
    private Service() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("vip"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("proto"),
            JAVA_SHORT.withName("port"),
            JAVA_BYTE.withName("mode"),
            JAVA_BYTE.withName("sched"),
            JAVA_SHORT.withName("reserved"),
            JAVA_INT.withName("maglev_size"),
            JAVA_INT.withName("first_backend"),
            JAVA_INT.withName("n_backends"),
            JAVA_INT.withName("affinity_timeout_s"));
    public static final long VIP = offset(LAYOUT, "vip");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final VarHandle PROTO = field(LAYOUT, "proto");
    public static final VarHandle PORT = field(LAYOUT, "port");
    public static final VarHandle MODE = field(LAYOUT, "mode");
    public static final VarHandle SCHED = field(LAYOUT, "sched");
    public static final VarHandle MAGLEV_SIZE = field(LAYOUT, "maglev_size");
    public static final VarHandle FIRST_BACKEND = field(LAYOUT, "first_backend");
    public static final VarHandle N_BACKENDS = field(LAYOUT, "n_backends");
    public static final VarHandle AFFINITY_TIMEOUT_S = field(LAYOUT, "affinity_timeout_s");
  }

  /** {@code struct gfwd_backend}. */
  public static final class Backend {
    private Backend() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("port"),
            JAVA_INT.withName("weight"));
    public static final long ADDR = offset(LAYOUT, "addr");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final VarHandle FLAGS = field(LAYOUT, "flags");
    public static final VarHandle PORT = field(LAYOUT, "port");
    public static final VarHandle WEIGHT = field(LAYOUT, "weight");
  }

  /** {@code struct gfwd_vip}: an address this forwarder owns. */
  /** {@code struct gfwd_service_id}: a service as the data plane names it. */
  public static final class ServiceId {
    private ServiceId() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("vip"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("proto"),
            JAVA_SHORT.withName("port"));
    public static final long VIP = offset(LAYOUT, "vip");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final VarHandle PROTO = field(LAYOUT, "proto");
    public static final VarHandle PORT = field(LAYOUT, "port");
  }

  public static final class Vip {
    private Vip() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_BYTE.withName("family"),
            MemoryLayout.sequenceLayout(3, JAVA_BYTE).withName("reserved"));
    public static final long ADDR = offset(LAYOUT, "addr");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
  }

  /** {@code struct gfwd_conflict}: what a {@link #PUNT_CONFLICT} item holds. */
  public static final class Conflict {
    private Conflict() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_BYTE.withName("family"),
            MemoryLayout.sequenceLayout(6, JAVA_BYTE).withName("mac"),
            JAVA_BYTE.withName("via"));
    public static final long ADDR = offset(LAYOUT, "addr");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final long MAC = offset(LAYOUT, "mac");
    public static final VarHandle VIA = field(LAYOUT, "via");

    /** {@code enum gfwd_conflict_via}. */
    public static final byte VIA_ARP = 1;

    public static final byte VIA_NDP = 2;
  }

  /** {@code struct gfwd_refusal}: a service {@code gfwd_commit} would not run, and why. */
  public static final class Refusal {
    private Refusal() {}

    public static final int REASON_LEN = 248;
    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            JAVA_INT.withName("service"),
            JAVA_INT.withName("error"),
            MemoryLayout.sequenceLayout(REASON_LEN, JAVA_BYTE).withName("reason"));
    public static final VarHandle SERVICE = field(LAYOUT, "service");
    public static final VarHandle ERROR = field(LAYOUT, "error");
    public static final long REASON = offset(LAYOUT, "reason");
  }

  /** {@code struct gfwd_service_traffic}. */
  public static final class ServiceTraffic {
    private ServiceTraffic() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("vip"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("proto"),
            JAVA_SHORT.withName("port"),
            JAVA_INT.withName("first_backend"),
            JAVA_INT.withName("n_backends"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("packets"),
            JAVA_LONG.withName("bytes"),
            JAVA_LONG.withName("new_flows"),
            JAVA_LONG.withName("active_flows"));
    public static final long VIP = offset(LAYOUT, "vip");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final VarHandle PROTO = field(LAYOUT, "proto");
    public static final VarHandle PORT = field(LAYOUT, "port");
    public static final VarHandle FIRST_BACKEND = field(LAYOUT, "first_backend");
    public static final VarHandle N_BACKENDS = field(LAYOUT, "n_backends");
    public static final VarHandle PACKETS = field(LAYOUT, "packets");
    public static final VarHandle BYTES = field(LAYOUT, "bytes");
    public static final VarHandle NEW_FLOWS = field(LAYOUT, "new_flows");
    public static final VarHandle ACTIVE_FLOWS = field(LAYOUT, "active_flows");
  }

  /** {@code struct gfwd_backend_traffic}. */
  public static final class BackendTraffic {
    private BackendTraffic() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("addr"),
            JAVA_BYTE.withName("family"),
            JAVA_BYTE.withName("flags"),
            JAVA_SHORT.withName("port"),
            JAVA_INT.withName("service"),
            JAVA_LONG.withName("packets"),
            JAVA_LONG.withName("bytes"),
            JAVA_LONG.withName("new_flows"),
            JAVA_LONG.withName("active_flows"),
            JAVA_LONG.withName("syns"),
            JAVA_LONG.withName("syn_retransmits"),
            JAVA_LONG.withName("syn_acks"),
            JAVA_LONG.withName("syn_resets"),
            JAVA_LONG.withName("unreachable"),
            JAVA_LONG.withName("udp_port_unreachable"));
    public static final long ADDR = offset(LAYOUT, "addr");
    public static final VarHandle FAMILY = field(LAYOUT, "family");
    public static final VarHandle FLAGS = field(LAYOUT, "flags");
    public static final VarHandle PORT = field(LAYOUT, "port");
    public static final VarHandle PACKETS = field(LAYOUT, "packets");
    public static final VarHandle BYTES = field(LAYOUT, "bytes");
    public static final VarHandle NEW_FLOWS = field(LAYOUT, "new_flows");
    public static final VarHandle ACTIVE_FLOWS = field(LAYOUT, "active_flows");
    public static final VarHandle SYNS = field(LAYOUT, "syns");
    public static final VarHandle SYN_RETRANSMITS = field(LAYOUT, "syn_retransmits");
    public static final VarHandle SYN_ACKS = field(LAYOUT, "syn_acks");
    public static final VarHandle SYN_RESETS = field(LAYOUT, "syn_resets");
    public static final VarHandle UNREACHABLE = field(LAYOUT, "unreachable");
    public static final VarHandle UDP_PORT_UNREACHABLE = field(LAYOUT, "udp_port_unreachable");
  }

  /** {@code struct gfwd_commit_stats}. */
  public static final class CommitStats {
    private CommitStats() {}

    public static final StructLayout LAYOUT =
        MemoryLayout.structLayout(
            JAVA_LONG.withName("seq"),
            JAVA_INT.withName("services"),
            JAVA_INT.withName("tables_built"),
            JAVA_INT.withName("tables_reused"),
            JAVA_INT.withName("reserved"),
            JAVA_LONG.withName("bytes_allocated"),
            JAVA_LONG.withName("table_bytes"),
            JAVA_LONG.withName("build_ns"),
            JAVA_LONG.withName("commit_ns"));
    public static final VarHandle SEQ = field(LAYOUT, "seq");
    public static final VarHandle SERVICES = field(LAYOUT, "services");
    public static final VarHandle TABLES_BUILT = field(LAYOUT, "tables_built");
    public static final VarHandle TABLES_REUSED = field(LAYOUT, "tables_reused");
    public static final VarHandle BYTES_ALLOCATED = field(LAYOUT, "bytes_allocated");
    public static final VarHandle TABLE_BYTES = field(LAYOUT, "table_bytes");
    public static final VarHandle BUILD_NS = field(LAYOUT, "build_ns");
    public static final VarHandle COMMIT_NS = field(LAYOUT, "commit_ns");
  }

  private static final SymbolLookup LIBRARY = load();

  public static final MethodHandle gfwd_abi_version =
      fn("gfwd_abi_version", FunctionDescriptor.of(JAVA_INT));

  static {
    checkAbi();
  }

  public static final MethodHandle gfwd_init =
      fn("gfwd_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
  public static final MethodHandle gfwd_port_add =
      fn("gfwd_port_add", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  public static final MethodHandle gfwd_port_kernel_add =
      fn("gfwd_port_kernel_add", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
  public static final MethodHandle gfwd_port_add_ring =
      fn("gfwd_port_add_ring", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  public static final MethodHandle gfwd_start = fn("gfwd_start", FunctionDescriptor.of(JAVA_INT));
  public static final MethodHandle gfwd_stop = fn("gfwd_stop", FunctionDescriptor.ofVoid());
  public static final MethodHandle gfwd_shutdown = fn("gfwd_shutdown", FunctionDescriptor.ofVoid());
  public static final MethodHandle gfwd_commit =
      fn(
          "gfwd_commit",
          FunctionDescriptor.of(
              JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_commit_delta =
      fn(
          "gfwd_commit_delta",
          FunctionDescriptor.of(
              JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
              JAVA_INT));
  public static final MethodHandle gfwd_commit_seq =
      fn("gfwd_commit_seq", FunctionDescriptor.of(JAVA_LONG));
  public static final MethodHandle gfwd_commit_stats =
      fn("gfwd_commit_stats", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  public static final MethodHandle gfwd_counter_count =
      fn("gfwd_counter_count", FunctionDescriptor.of(JAVA_INT));
  public static final MethodHandle gfwd_counter_name =
      fn("gfwd_counter_name", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_counters_read =
      fn("gfwd_counters_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_traffic_sizes =
      fn("gfwd_traffic_sizes", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  public static final MethodHandle gfwd_traffic_read =
      fn(
          "gfwd_traffic_read",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_neighbor_set =
      fn("gfwd_neighbor_set", FunctionDescriptor.of(JAVA_INT, JAVA_BYTE, ADDRESS, ADDRESS));
  public static final MethodHandle gfwd_announce =
      fn("gfwd_announce", FunctionDescriptor.of(JAVA_INT, JAVA_BYTE, ADDRESS, JAVA_INT, JAVA_INT));
  public static final MethodHandle gfwd_send_frame =
      fn("gfwd_send_frame", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_punt_read =
      fn("gfwd_punt_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
  public static final MethodHandle gfwd_owned_set =
      fn("gfwd_owned_set", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_owned_all =
      fn("gfwd_owned_all", FunctionDescriptor.of(JAVA_INT));
  public static final MethodHandle gfwd_idle_sleep_set =
      fn("gfwd_idle_sleep_set", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
  public static final MethodHandle gfwd_ring_inject =
      fn("gfwd_ring_inject", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_ring_collect =
      fn("gfwd_ring_collect", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_port_mac =
      fn("gfwd_port_mac", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
  public static final MethodHandle gfwd_port_stats =
      fn("gfwd_port_stats", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
  public static final MethodHandle gfwd_worker_loops =
      fn("gfwd_worker_loops", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  public static final MethodHandle gfwd_port_link_up =
      fn("gfwd_port_link_up", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
  public static final MethodHandle gfwd_last_error =
      fn("gfwd_last_error", FunctionDescriptor.of(ADDRESS));

  /** Reads a NUL-terminated C string the library owns (static storage). */
  @SuppressWarnings("restricted")
  public static String cString(MemorySegment pointer) {
    if (pointer.equals(MemorySegment.NULL)) {
      return null;
    }
    return pointer.reinterpret(Long.MAX_VALUE).getString(0);
  }

  @SuppressWarnings("restricted")
  private static SymbolLookup load() {
    Module self = GatunFwd.class.getModule();
    if (!self.isNativeAccessEnabled()) {
      throw new IllegalStateException(
          "Gatun calls libgatunfwd through java.lang.foreign: start the JVM with --enable-native-access="
              + (self.isNamed() ? self.getName() : "ALL-UNNAMED"));
    }
    String configured = System.getProperty("gatun.native.lib", System.getenv("GATUN_NATIVE_LIB"));
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (!Files.isReadable(path)) {
        throw new IllegalStateException(
            "libgatunfwd not found at "
                + path
                + " (gatun.native.lib / GATUN_NATIVE_LIB); build it with `make native`");
      }
      return SymbolLookup.libraryLookup(path, Arena.global());
    }
    return SymbolLookup.libraryLookup("libgatunfwd.so", Arena.global());
  }

  /**
   * Refuses a library whose structs or flags mean something else than these layouts say: a mismatch
   * would otherwise pass silently (a reserved byte read as a flag, or ignored).
   */
  private static void checkAbi() {
    int library;
    try {
      library = (int) gfwd_abi_version.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("gfwd_abi_version failed", t);
    }
    if (library != ABI_VERSION) {
      throw new IllegalStateException(
          "libgatunfwd has ABI version "
              + library
              + ", these bindings need "
              + ABI_VERSION
              + ": library and bindings disagree (rebuild with `make native`)");
    }
  }

  private static MethodHandle fn(String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        LIBRARY
            .find(name)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "libgatunfwd has no symbol " + name + ": library and bindings disagree"));
    return Linker.nativeLinker().downcallHandle(symbol, descriptor);
  }

  private static long offset(StructLayout layout, String name) {
    return layout.byteOffset(PathElement.groupElement(name));
  }

  /** A field handle with the base offset fixed at 0: {@code (MemorySegment) -> value}. */
  private static VarHandle field(StructLayout layout, String name) {
    return java.lang.invoke.MethodHandles.insertCoordinates(
        layout.varHandle(PathElement.groupElement(name)), 1, 0L);
  }
}
