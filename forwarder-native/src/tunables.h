/* SPDX-License-Identifier: Apache-2.0
 * Every tunable of the fast path in one place, with its unit. */
#ifndef GFWD_TUNABLES_H
#define GFWD_TUNABLES_H

/* Packets per rx/tx burst, and what the pipeline works on at once: its depth of prefetching.
 * A lookup's bucket and flow lines come from DRAM in a large table; the more packets between
 * a line's prefetch and its use, the fewer stalls (established full NAT at a million flows,
 * the pipeline alone: 58 cycles a packet in bursts of 64 beside 64 in bursts of 32; 128
 * gave no more). */
#define BURST_SIZE              64
#define MAX_PORTS               8       /* ports per forwarder */
#define PORT_NAME_LEN           64      /* bytes, with the terminating NUL */
#define MAX_WORKERS             64      /* worker lcores */
#define RX_DESCRIPTORS          1024    /* per rx queue */
#define TX_DESCRIPTORS          1024    /* per tx queue */
#define MBUF_POOL_SIZE          16383   /* mbufs (2^n - 1 is the mempool sweet spot) */
#define MBUF_CACHE_SIZE         256     /* per-lcore mempool cache */

#define FLOW_TABLE_FLOWS        (1u << 20)  /* connections per worker */
#define FLOW_BUCKET_SLOTS       12          /* slots per 64-byte bucket (5 bytes each: flow.h) */
#define FLOW_INDEX_LOAD_PERCENT 75          /* index slots in use with the table full (flow.c) */
#define FLOW_ADDRS              (1u << 16)  /* distinct backend addresses with live flows, per worker */
#define FLOW_ADDR_PROBE         64          /* entries an address may take (open addressing) */
#define FLOW_SWEEP_PERIOD_MS    1000        /* the sweep visits every flow of a table this often */
#define FLOW_SWEEP_MAX          64          /* flows visited per worker loop at most */

#define MAX_SERVICES            65535u      /* a service index fits 16 bits */
#define MAX_BACKENDS            (1u << 20)  /* over all services */
#define MAX_VIPS                (1u << 16)  /* distinct VIPs over the process lifetime */
#define MAGLEV_MAX_SIZE         1000003u    /* entries */

#define AFFINITY_SLOTS          (1u << 16)  /* session-affinity entries per worker */
#define AFFINITY_PROBE          4           /* slots tried per lookup */
#define WRR_MAX_SEQUENCE        65536       /* weighted round-robin schedule length */
#define HANDOFF_RING_SIZE       4096        /* packets waiting for another worker */
#define FRAG_SLOTS              4096        /* fragmented datagrams in flight per worker */
#define FRAG_PROBE              4           /* slots tried per lookup */
#define FRAG_TIMEOUT_S          2           /* a datagram's fragments arrive within this */

/* Connection timeouts, seconds (IPVS defaults where a user would compare). */
#define TCP_SYN_TIMEOUT_S       30
#define TCP_ESTABLISHED_TIMEOUT_S 900
#define TCP_CLOSING_TIMEOUT_S   10
#define UDP_TIMEOUT_S           60
#define SCTP_TIMEOUT_S          300

/* Full NAT source ports, split evenly over the workers. */
#define SNAT_PORT_FIRST         1024
#define SNAT_PORT_LAST          65535
#define SNAT_POOLS              65536   /* (SNAT address, backend) pools per worker (snat.h) */
#define SNAT_POOL_PROBE         32      /* pool table entries a key may take */
#define SNAT_BITMAP_BYTES       (8u << 20)  /* per worker: port bitmaps of (SNAT address, backend) pairs */

/* Neighbours (ARP/NDP). */
#define NEIGH_MAX               4096    /* entries */
#define NEIGH_RETRY_MS          1000    /* ARP request interval while unresolved */
#define NEIGH_REFRESH_S         30      /* re-ARP a resolved entry after this */
#define NEIGH_STALE_S           90      /* no answer for this long: entry unresolved again */
#define SERVICE_TICK_MS         100     /* housekeeping thread period */

#define CONTROL_RING_SIZE       1024    /* frames from the control side per port, for worker 0 */
#define PUNT_RING_SIZE          1024    /* frames and reports waiting for the agent */
#define CONFLICT_SLOTS          64      /* addresses a worker remembers reporting (direct mapped) */
#define CONFLICT_REPORT_MS      1000    /* one conflict report per address per worker this often */

/* Idle back-off (gfwd_idle_sleep_set; off by default): after this many empty loop turns a
 * worker pauses, after the second many it sleeps, 1 us doubling up to the cap. */
#define IDLE_POLLS_BEFORE_PAUSE 100
#define IDLE_POLLS_BEFORE_SLEEP 1000
#define IDLE_SLEEP_MAX_US       100000  /* the largest cap accepted */

#define TX_DRAIN_US             100     /* flush partly filled tx buffers after this */

#endif
