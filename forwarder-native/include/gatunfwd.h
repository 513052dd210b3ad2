/* SPDX-License-Identifier: Apache-2.0
 *
 * libgatunfwd: Gatun's DPDK fast path, seen from its control side.
 *
 * The API is deliberately coarse and struct-based so that Java binds it through Panama
 * with a handful of MemoryLayouts: the whole desired state is handed over in one
 * gfwd_commit() call as two flat arrays, and counters come back in one snapshot.
 * Per-packet work never crosses this boundary.
 *
 * Conventions: functions return 0 (or a non-negative value) on success and a negative
 * errno value on failure; gfwd_last_error() then holds a sentence saying what failed.
 * Addresses are in network byte order, ports and all other integers in host order.
 */
#ifndef GATUNFWD_H
#define GATUNFWD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct's layout or a field's meaning changes; gfwd_abi_version() returns
 * it so the bindings can refuse a library they do not match. 3: backend flags (draining).
 * 4: gfwd_commit() refuses services one by one (struct gfwd_refusal). 5: the fleet's
 * functions (frames sent and punted, owned VIPs, conflicts, idle back-off). 6: a Maglev table
 * size or a backend weight of 0 is refused instead of defaulted (the operator resolves
 * defaults); gfwd_generation() is gfwd_commit_seq(). 7: gfwd_commit_stats() (unchanged services
 * keep their tables across commits). 8: struct gfwd_backend_traffic ends in the passive health
 * counters. 9: gfwd_port_kernel_add() (a data port's kernel interface, BGP mode). 10:
 * gfwd_commit_delta() and struct gfwd_service_id (a commit of what changed only). */
#define GFWD_ABI_VERSION 10

enum gfwd_family { GFWD_AF_INET = 4, GFWD_AF_INET6 = 6 };
enum gfwd_proto { GFWD_PROTO_TCP = 6, GFWD_PROTO_UDP = 17, GFWD_PROTO_SCTP = 132 };
enum gfwd_mode { GFWD_MODE_FULLNAT = 1, GFWD_MODE_NAT = 2, GFWD_MODE_DSR = 3, GFWD_MODE_DSR_IPIP = 4 };
enum gfwd_sched {
	GFWD_SCHED_MAGLEV = 1,
	GFWD_SCHED_ROUND_ROBIN = 2,
	GFWD_SCHED_WEIGHTED_ROUND_ROBIN = 3,
	GFWD_SCHED_LEAST_CONNECTIONS = 4,
	GFWD_SCHED_SOURCE_HASH = 5,
};

/* One address of a port, IPv4 or IPv6: the SNAT source in full NAT, the source of ARP/NDP
 * and probes, with its on-link prefix and an optional gateway. */
struct gfwd_port_addr {
	uint8_t addr[16];
	uint8_t gateway[16];     /* next hop for destinations off the prefix */
	uint8_t family;          /* enum gfwd_family; 0 = no address of this family */
	uint8_t prefix_len;
	uint8_t has_gateway;
	uint8_t reserved;
};

/* A port: an ethdev that already exists (a --vdev given to EAL, a PCI device) or one to
 * hot-plug from devargs ("net_af_packet0,iface=eth1"). */
struct gfwd_port_conf {
	char devargs[256];
	struct gfwd_port_addr v4;
	struct gfwd_port_addr v6;
	uint8_t mac[6];          /* used when has_mac: for PMDs without a MAC of their own */
	uint8_t has_mac;
	uint8_t reserved;
};

/* One virtual service: (vip, port, protocol) → backends[first_backend .. +n_backends). */
struct gfwd_service {
	uint8_t vip[16];
	uint8_t family;          /* enum gfwd_family */
	uint8_t proto;           /* enum gfwd_proto */
	uint16_t port;
	uint8_t mode;            /* enum gfwd_mode */
	uint8_t sched;           /* enum gfwd_sched */
	uint16_t reserved;
	uint32_t maglev_size;    /* a prime; 0 is refused */
	uint32_t first_backend;
	uint32_t n_backends;
	uint32_t affinity_timeout_s;  /* session affinity per client address; 0 = off */
};

/* A draining backend gets no new connections; the ones it has keep going to it until a
 * commit drops it. Every scheduler (and session affinity) picks among the serving backends
 * only; a service whose backends all drain drops new connections (drop_no_backend). */
#define GFWD_BACKEND_DRAINING 0x01

struct gfwd_backend {
	uint8_t addr[16];
	uint8_t family;
	uint8_t flags;           /* GFWD_BACKEND_*; any other bit is refused */
	uint16_t port;
	uint32_t weight;         /* a relative share of new flows, 1 or more; 0 is refused */
};

/* GFWD_ABI_VERSION of the library itself. */
int gfwd_abi_version(void);

/* Start-up: EAL arguments as on a DPDK command line (argv[0] is the program name). */
int gfwd_init(int argc, char **argv);
/* Adds a port; returns its index (0, 1, ...). Only before gfwd_start(). */
int gfwd_port_add(const struct gfwd_port_conf *conf);
/* Adds a port backed by two rte_rings (the net_ring PMD): frames given to gfwd_ring_inject()
 * arrive on it, frames it transmits are read with gfwd_ring_collect(). For tests and
 * benchmarks. Returns the port index. */
int gfwd_port_add_ring(const char *name, const struct gfwd_port_conf *conf);
/* Gives data port `port` a kernel interface (BGP mode): an ethdev from devargs, in practice
 * a net_tap vdev the agent names ("net_tap0,iface=gk0"), which gets the port's MAC; the agent
 * gives the kernel side the port's addresses. The workers hand it the forwarder's own control
 * traffic arriving on the port (TCP from or to 179 and UDP to 3784/3785/4784 addressed to the
 * port's address, copies of ARP and neighbour discovery for it) and send what the kernel
 * transmits out of the port as it is; worker 0 polls it. Counted as kernel_punted and
 * kernel_injected. Before gfwd_start(); 0 or a negative errno. */
int gfwd_port_kernel_add(uint16_t port, const char *devargs);
/* Starts one worker on every EAL worker lcore; returns the number of workers. */
int gfwd_start(void);
/* Stops the workers and waits for them. Idempotent. */
void gfwd_stop(void);
/* Stops everything and releases EAL. The process must not call gfwd_init() again. */
void gfwd_shutdown(void);

/* A service gfwd_commit() would not run, and why. */
struct gfwd_refusal {
	uint32_t service;        /* its index in the services array given to gfwd_commit() */
	int32_t error;           /* a negative errno: -EINVAL (the service or a backend is invalid),
				  * -EHOSTUNREACH (no route to a backend), -ENOSPC (a limit) */
	char reason[248];        /* names the service by VIP, port and protocol, says what is
				  * wrong and what to write instead; NUL-terminated */
};

/* Replaces the whole desired state. Validated and built off the fast path, then published
 * by a pointer swap; the previous state is freed after an RCU grace period. `seq`, the
 * caller's count of its commits, must grow (a forwarder's agent numbers its own: the operator's
 * snapshot version is another counter). A service that cannot run (invalid, a backend without a route, a duplicate)
 * is refused on its own and every other one runs: the first `refusals_cap` refusals are
 * written to `refusals`, and the return value is how many services were refused (0: all
 * run). Only what concerns the whole call (a stale seq, a null array, more than
 * 65535 services, out of memory) fails it, with a negative errno: the running state is
 * then untouched. */
int gfwd_commit(uint64_t seq,
		const struct gfwd_service *services, uint32_t n_services,
		const struct gfwd_backend *backends, uint32_t n_backends,
		struct gfwd_refusal *refusals, uint32_t refusals_cap);
/* The seq of the running commit (0: none yet). */
uint64_t gfwd_commit_seq(void);

/* A service as the data plane names it: its VIP, port and protocol. */
struct gfwd_service_id {
	uint8_t vip[16];
	uint8_t family;          /* enum gfwd_family */
	uint8_t proto;           /* enum gfwd_proto */
	uint16_t port;
};

/* Changes the running state by what changed: the services named in `removed` leave, then each
 * of `upserts` (backends in `backends`, as for gfwd_commit()) replaces the running service of
 * its VIP, port and protocol, or is added. Every other running service stays as it is, the
 * same memory as in the running commit (its entry, tables, backends' routes and counters);
 * nothing of it is validated, copied or built again, so a delta costs what it changes (now and
 * then, after changes of half the running services, they are copied once into fresh room). The
 * result is what gfwd_commit() of the whole new state would run: an upsert the data plane
 * refuses is refused on its own (its index in `upserts` in the refusal) and the service it
 * would have replaced leaves too; two upserts of one service refuse the second; removing a
 * service that does not run is not an error. Returns, and fails, as gfwd_commit() does; the
 * stats count the services kept as reusing their tables. */
int gfwd_commit_delta(uint64_t seq,
		      const struct gfwd_service *upserts, uint32_t n_upserts,
		      const struct gfwd_backend *backends, uint32_t n_backends,
		      const struct gfwd_service_id *removed, uint32_t n_removed,
		      struct gfwd_refusal *refusals, uint32_t refusals_cap);

/* What the last successful gfwd_commit() did. A commit costs what changed: a service whose
 * Maglev table size and serving backends (address, port, weight; draining ones excluded) are
 * those of the running commit keeps its tables (shared, freed with the last commit holding
 * them); any other service gets its own, built in this commit. */
struct gfwd_commit_stats {
	uint64_t seq;              /* the commit described (0: none yet) */
	uint32_t services;         /* services it runs */
	uint32_t tables_built;     /* services whose Maglev and round-robin tables it built */
	uint32_t tables_reused;    /* services that kept the previous commit's tables */
	uint32_t reserved;
	uint64_t bytes_allocated;  /* the tables it built and the configuration's own arrays */
	uint64_t table_bytes;      /* every table the running configuration holds, shared or not */
	uint64_t build_ns;         /* validating and building, before the configuration is published */
	uint64_t commit_ns;        /* the whole call: build, publish, grace period, old state freed */
};
int gfwd_commit_stats(struct gfwd_commit_stats *out);

/* Counters, summed over workers. gfwd_counters_read() fills up to `n` values in the order
 * of gfwd_counter_name(i); gfwd_counter_count() tells how many exist. Drop reasons are
 * counters named "drop_<reason>". */
uint32_t gfwd_counter_count(void);
const char *gfwd_counter_name(uint32_t i);
int gfwd_counters_read(uint64_t *values, uint32_t n);

/* Traffic per service and per backend of the running config, summed over workers and
 * cumulative across commits for a service (vip, port, protocol) and backend (address,
 * port) that stay. Both directions count. */
struct gfwd_service_traffic {
	uint8_t vip[16];
	uint8_t family;
	uint8_t proto;
	uint16_t port;
	uint32_t first_backend;  /* its backends in the backend array: [first, first + n) */
	uint32_t n_backends;
	uint32_t reserved;
	uint64_t packets;        /* the four counters are laid out as one array */
	uint64_t bytes;
	uint64_t new_flows;
	uint64_t active_flows;
};

struct gfwd_backend_traffic {
	uint8_t addr[16];
	uint8_t family;
	uint8_t flags;           /* as committed: GFWD_BACKEND_DRAINING */
	uint16_t port;
	uint32_t service;        /* index of its service */
	uint64_t packets;
	uint64_t bytes;
	uint64_t new_flows;
	uint64_t active_flows;
	/* Passive health: how the backend answered new connections, as only the data plane sees
	 * it. The TCP answers cross the forwarder in NAT and full NAT only (in DSR they go to the
	 * client directly: syn_acks, syn_resets stay 0). */
	uint64_t syns;                 /* new TCP connections forwarded to it (the opening SYN) */
	uint64_t syn_retransmits;      /* SYNs again on a connection still waiting for its SYN-ACK */
	uint64_t syn_acks;             /* SYN-ACKs it returned to a waiting connection */
	uint64_t syn_resets;           /* RSTs it returned to a waiting connection */
	uint64_t unreachable;          /* ICMP/ICMPv6 destination unreachable about a packet sent to
					* it, from it or from a router (not "fragmentation needed") */
	uint64_t udp_port_unreachable; /* of those: port unreachable about a UDP datagram */
};

/* How many services and backends the running config has (to size the arrays). */
int gfwd_traffic_sizes(uint32_t *n_services, uint32_t *n_backends);
/* Fills both arrays; returns the number of services, or -ENOSPC if they are too small. */
int gfwd_traffic_read(struct gfwd_service_traffic *services, uint32_t svc_cap,
		      struct gfwd_backend_traffic *backends, uint32_t backend_cap);

/* A static neighbour (no ARP/NDP needed), e.g. for benchmarks on ports without peers. */
int gfwd_neighbor_set(uint8_t family, const uint8_t addr[16], const uint8_t mac[6]);
/* Announces that this forwarder now answers for addr: `count` (1 to 100) gratuitous ARPs
 * (IPv4: requests for addr from addr, RFC 5227 §3, to the broadcast) or unsolicited
 * neighbour advertisements (IPv6: override flag, to ff02::1), `interval_ms` apart, on every
 * port with an address of the family, sent by worker 0 like the agent's frames. The first
 * goes at once, the others on time to the millisecond (the housekeeping thread wakes for
 * them). Announcing addr again restarts its series. Counted as garps_sent. For VIP
 * takeover: gfwd_owned_set() first, so that the answers match the announcement. */
int gfwd_announce(uint8_t family, const uint8_t addr[16], uint32_t count, uint32_t interval_ms);

/* Test / benchmark plumbing for ring ports. */
int gfwd_ring_inject(uint16_t port, const uint8_t *frame, uint32_t len);
/* The same onto one queue of the port (a ring port has one queue per worker), as if RSS
 * had chosen it. */
int gfwd_ring_inject_queue(uint16_t port, uint16_t queue, const uint8_t *frame, uint32_t len);
/* Copies the next transmitted frame into buf; returns its length, 0 if none, <0 on error. */
int gfwd_ring_collect(uint16_t port, uint8_t *buf, uint32_t cap);

/* A port's own counters, from its driver (rte_eth_stats). */
struct gfwd_port_stats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_bytes;
	uint64_t tx_bytes;
	uint64_t rx_missed;      /* no rx descriptor was free: the worker fell behind */
	uint64_t rx_errors;
	uint64_t tx_errors;
	uint64_t rx_nombuf;      /* no mbuf to receive into */
};
int gfwd_port_stats(uint16_t port, struct gfwd_port_stats *out);
/* Each worker's loop count (fills up to n; returns the number of workers): a count that
 * stops moving is a stuck worker. */
int gfwd_worker_loops(uint64_t *loops, uint32_t n);

/* ---------------------------------------------------------------- the fleet
 *
 * Forwarders on one segment learn each other's liveness from advertisements the agents
 * build and check (HMAC, sequence) in Java; the data plane only carries them, so that a
 * forwarder whose workers stop or whose port is down falls silent. See README.md, "The
 * fleet". */

/* Advertisements: Ethernet frames of this EtherType (IEEE local experimental) to this
 * locally administered multicast MAC. */
#define GFWD_FLEET_ETHERTYPE 0x88B5
#define GFWD_FLEET_MAC { 0x03, 0x00, 0x47, 0x54, 0x4e, 0x00 }

/* Queues a complete Ethernet frame (destination MAC first, no FCS; 14 bytes up to the
 * port's MTU plus 18) for worker 0 to transmit on `port` on its next loop turn, the way it
 * sends ARP requests. Copies the bytes. A full queue (a worker that stopped looping) gives
 * -ENOBUFS and counts drop_control_ring_full: the frame is not sent. */
int gfwd_send_frame(uint16_t port, const uint8_t *frame, uint32_t len);

/* What the workers hand to the agent (gfwd_punt_read): */
enum gfwd_punt_kind {
	GFWD_PUNT_FLEET = 1,     /* a frame of GFWD_FLEET_ETHERTYPE to GFWD_FLEET_MAC or the port's
				  * MAC, as received (Ethernet header first) */
	GFWD_PUNT_CONFLICT = 2,  /* a struct gfwd_conflict */
};

/* Another MAC claims an address this forwarder owns (dp: gfwd_owned_set, or every VIP
 * without one): an ARP (request, reply or gratuitous) whose sender address it is, a
 * neighbour advertisement whose target it is, or a solicitation from it, sent by a MAC that
 * is none of this forwarder's ports. Every one counts as address_conflicts; at most one per
 * address per second per worker is reported. A peer forwarder's port MAC means a healing
 * partition, any other a foreign device. */
enum gfwd_conflict_via { GFWD_CONFLICT_ARP = 1, GFWD_CONFLICT_NDP = 2 };

struct gfwd_conflict {
	uint8_t addr[16];        /* the address claimed (IPv4 in the first 4 bytes) */
	uint8_t family;          /* enum gfwd_family */
	uint8_t mac[6];          /* who claims it: the ARP sender / ND link-layer address */
	uint8_t via;             /* enum gfwd_conflict_via */
};

/* Takes the next punted item: copies it into buf and returns its length, 0 when there is
 * none (never waits: poll it, e.g. every millisecond, from one thread). *port is where it
 * arrived, *kind an enum gfwd_punt_kind. An item longer than cap is consumed and gives
 * -EMSGSIZE. Items the workers could not queue (the agent fell behind by more than 1024)
 * are counted as drop_punt_ring_full. */
int gfwd_punt_read(uint8_t *buf, uint32_t cap, uint16_t *port, uint8_t *kind);

/* An address this forwarder owns: a VIP, or an address owned like one (the gateway NAT-mode
 * backends route their replies through, when it is not the VIP). */
struct gfwd_vip {
	uint8_t addr[16];        /* IPv4 in the first 4 bytes */
	uint8_t family;          /* enum gfwd_family */
	uint8_t reserved[3];
};

/* Ownership. Traffic to every VIP of the configuration is forwarded whoever owns it; what
 * ownership decides is who answers for an address: ARP requests, neighbour solicitations
 * and ICMP echo for it (the ports' own addresses are always answered), and which addresses
 * count as this forwarder's in conflict reports.
 *
 * Until the first gfwd_owned_set() (and after gfwd_owned_all()) this forwarder answers for
 * every VIP of its configuration: a lone forwarder, or BGP mode. gfwd_owned_set() replaces
 * the owned set as a whole (n may be 0: answer for none), published to the workers at once
 * and without stopping them; it returns when no worker still answers from the old set.
 * On gaining a VIP set it owned first, then gfwd_announce() it; on losing one, set it no
 * longer owned (a peer announces). -EINVAL names an invalid entry by index. */
int gfwd_owned_set(const struct gfwd_vip *vips, uint32_t n);
int gfwd_owned_all(void);

/* Idle back-off for machines where forwarders share cores (tests, demos): after 100 empty
 * loop turns a worker pauses, after 1,000 it sleeps, from 1 us doubling up to max_us; any
 * packet (received, handed over, or to send) resets it. 0, the default, busy-polls: the
 * production setting. At most 100,000 us. A sleeping worker adds up to max_us to the first
 * packet's latency and to commits, which wait for every worker to pass a loop turn. */
int gfwd_idle_sleep_set(uint32_t max_us);

/* Port information for the agent (hello message, metrics). */
int gfwd_port_mac(uint16_t port, uint8_t mac[6]);
int gfwd_port_link_up(uint16_t port);

const char *gfwd_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
