/* SPDX-License-Identifier: Apache-2.0
 * Draining backends (GFWD_BACKEND_DRAINING), through the real pipeline: a backend that
 * drains keeps the connections it has, to the byte and in both directions, and gets no
 * new one whatever the scheduling (Maglev, round robin, weighted round robin, least
 * connections, source hash, session affinity); its counters go on. Dropping it afterwards
 * reschedules as for any removed backend. A service whose backends all drain drops new
 * connections (no_backend) and keeps its established ones. Commits with unknown flag bits
 * or a backend listed both serving and draining are refused. */
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
#define VIP "198.18.0.230"
#define B 12            /* the backend that drains */
#define CONNS 24        /* established per policy before it drains */
#define NEW_CONNS 30    /* opened per policy while it drains */

enum { MAGLEV_PORT = 1, RR_PORT, WRR_PORT, LC_PORT, SH_PORT, AFF_RR_PORT, AFF_MAGLEV_PORT, ALL_PORT };

static const struct policy {
	uint16_t port;
	uint8_t sched;
	uint32_t affinity_s;
	const char *name;
} POLICIES[] = {
	{ MAGLEV_PORT, GFWD_SCHED_MAGLEV, 0, "Maglev" },
	{ RR_PORT, GFWD_SCHED_ROUND_ROBIN, 0, "round robin" },
	{ WRR_PORT, GFWD_SCHED_WEIGHTED_ROUND_ROBIN, 0, "weighted round robin" },
	{ LC_PORT, GFWD_SCHED_LEAST_CONNECTIONS, 0, "least connections" },
	{ SH_PORT, GFWD_SCHED_SOURCE_HASH, 0, "source hash" },
	{ AFF_RR_PORT, GFWD_SCHED_ROUND_ROBIN, 600, "round robin with affinity" },
	{ AFF_MAGLEV_PORT, GFWD_SCHED_MAGLEV, 600, "Maglev with affinity" },
};
#define N_POLICIES (sizeof(POLICIES) / sizeof(POLICIES[0]))
#define ALL_SERVICE N_POLICIES   /* index of the ALL_PORT service */

/* ---------------------------------------------------------------- configuration */

enum b_state { SERVING, DRAINING, REMOVED };
static uint64_t commit_seq;

static struct gfwd_backend backend(uint8_t octet, uint32_t weight, uint8_t flags)
{
	struct gfwd_backend b = { .family = GFWD_AF_INET, .port = 8080, .weight = weight, .flags = flags };
	char ip[20];
	snprintf(ip, sizeof(ip), "198.18.0.%u", octet);
	inet_pton(AF_INET, ip, b.addr);
	return b;
}

static struct gfwd_service service(uint16_t port, uint8_t sched, uint32_t affinity_s, uint32_t first)
{
	struct gfwd_service s = { .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = port,
				  .mode = GFWD_MODE_FULLNAT, .sched = sched, .maglev_size = 251,
				  .first_backend = first, .affinity_timeout_s = affinity_s };
	inet_pton(AF_INET, VIP, s.vip);
	return s;
}

/* Every policy's service has .13, .12 and .11 (in that order: the data plane sorts), with
 * weights 1:2:1 so that weighted policies would favour .12; .12 is in state b12. ALL_PORT
 * has .11 and .13, both draining when all_drain. */
static int try_commit(enum b_state b12, int all_drain)
{
	struct gfwd_backend b[32];
	struct gfwd_service s[N_POLICIES + 1];
	uint32_t n = 0;
	for (size_t i = 0; i < N_POLICIES; i++) {
		s[i] = service(POLICIES[i].port, POLICIES[i].sched, POLICIES[i].affinity_s, n);
		b[n++] = backend(13, 1, 0);
		if (b12 != REMOVED)
			b[n++] = backend(B, 2, b12 == DRAINING ? GFWD_BACKEND_DRAINING : 0);
		b[n++] = backend(11, 1, 0);
		s[i].n_backends = n - s[i].first_backend;
	}
	uint8_t all = all_drain ? GFWD_BACKEND_DRAINING : 0;
	s[ALL_SERVICE] = service(ALL_PORT, GFWD_SCHED_MAGLEV, 0, n);
	b[n++] = backend(11, 1, all);
	b[n++] = backend(13, 1, all);
	s[ALL_SERVICE].n_backends = 2;
	return gfwd_commit(++commit_seq, s, N_POLICIES + 1, b, n, NULL, 0);
}

static void commit(enum b_state b12, int all_drain)
{
	if (try_commit(b12, all_drain) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

static void learn_backends(void)
{
	for (uint8_t i = 11; i <= 13; i++) {
		uint8_t mac[6] = { 2, 0, 0, 0, 0, i };
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%u", i);
		struct frame f = frame_new();
		frame_eth_type(&f, PORT_MAC, mac, 0x0806);
		frame_arp(&f, 2, mac, ip, PORT_MAC, PORT_IP);
		push(&f);
	}
}

/* ---------------------------------------------------------------- frames */

static struct frame to_vip(const char *client, uint16_t sport, uint16_t vport, uint8_t flags, const char *payload)
{
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, client, VIP, IPPROTO_TCP);
	frame_tcp(&f, sport, vport, flags);
	frame_payload(&f, payload);
	frame_done(&f);
	return f;
}

/* What full NAT makes of it: from the port's address and the flow's SNAT port. */
static struct frame to_backend(int octet, uint16_t snat, uint8_t flags, const char *payload)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)octet };
	char ip[20];
	snprintf(ip, sizeof(ip), "198.18.0.%d", octet);
	struct frame f = frame_new();
	frame_eth(&f, mac, PORT_MAC);
	frame_ipv4_ttl(&f, PORT_IP, ip, IPPROTO_TCP, 63);
	frame_tcp(&f, snat, 8080, flags);
	frame_payload(&f, payload);
	frame_done(&f);
	return f;
}

static struct frame from_backend(int octet, uint16_t snat, uint8_t flags, const char *payload)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)octet };
	char ip[20];
	snprintf(ip, sizeof(ip), "198.18.0.%d", octet);
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, mac);
	frame_ipv4(&f, ip, PORT_IP, IPPROTO_TCP);
	frame_tcp(&f, 8080, snat, flags);
	frame_payload(&f, payload);
	frame_done(&f);
	return f;
}

static struct frame to_client(const char *client, uint16_t sport, uint16_t vport, uint8_t flags, const char *payload)
{
	struct frame f = frame_new();
	frame_eth(&f, CLIENT_MAC, PORT_MAC);
	frame_ipv4_ttl(&f, VIP, client, IPPROTO_TCP, 63);
	frame_tcp(&f, vport, sport, flags);
	frame_payload(&f, payload);
	frame_done(&f);
	return f;
}

/* The outcome is exactly `want` on port 0, checksums right; 1 if so. */
static int exactly(const struct outcome *o, const struct frame *want, const char *what)
{
	CHECK(o->leaked == 0, "%s: %d mbufs leaked", what, o->leaked);
	if (o->port != 0 || o->drop >= 0) {
		CHECK(0, "%s: expected one frame out, got port %d drop %d", what, o->port, o->drop);
		return 0;
	}
	int same = o->out.len == want->len && memcmp(o->out.b, want->b, want->len) == 0;
	CHECK(same, "%s: output differs", what);
	if (!same)
		hexdump_diff(&o->out, want);
	CHECK(frame_checksums_ok(o->out.b, o->out.len, want->l3, want->l4), "%s: checksums wrong", what);
	return same;
}

/* ---------------------------------------------------------------- connections */

struct conn {
	char client[20];
	uint16_t sport, vport;
	int backend;            /* last octet, -1 if it was not forwarded */
	uint16_t snat;
};

/* SYN to the VIP; returns the backend's last octet, or -1 with the drop reason in *drop. */
static int open_conn(struct conn *c, const char *client, uint16_t sport, uint16_t vport, int *drop)
{
	snprintf(c->client, sizeof(c->client), "%s", client);
	c->sport = sport;
	c->vport = vport;
	struct frame f = to_vip(client, sport, vport, TCP_SYN, "");
	struct outcome o = push(&f);
	CHECK(o.leaked == 0, "no leak opening a connection");
	if (drop != NULL)
		*drop = o.drop;
	c->backend = o.port == 0 ? o.out.b[14 + 19] : -1;
	c->snat = o.port == 0 ? get16(o.out.b + 14 + 20) : 0;
	if (o.port == 0) {
		struct frame want = to_backend(c->backend, c->snat, TCP_SYN, "");
		exactly(&o, &want, "SYN to a new connection's backend");
	}
	return c->backend;
}

/* The client's next segment: exactly to the connection's backend (an ACK establishes it). */
static int data_goes_to(const struct conn *c, int backend, const char *payload)
{
	struct frame f = to_vip(c->client, c->sport, c->vport, TCP_ACK | TCP_PSH, payload);
	struct outcome o = push(&f);
	struct frame want = to_backend(backend, c->snat, TCP_ACK | TCP_PSH, payload);
	char what[96];
	snprintf(what, sizeof(what), "data of %.19s:%u to VIP:%u", c->client, c->sport, c->vport);
	return exactly(&o, &want, what);
}

/* The backend's answer: exactly to the client, from the VIP. */
static int answer_reaches_client(const struct conn *c, const char *payload)
{
	struct frame f = from_backend(c->backend, c->snat, TCP_ACK | TCP_PSH, payload);
	struct outcome o = push(&f);
	struct frame want = to_client(c->client, c->sport, c->vport, TCP_ACK | TCP_PSH, payload);
	return exactly(&o, &want, "answer from the backend");
}

static const char *client_of(const struct policy *p, int i)
{
	static char ip[20];
	/* Hashing on the client and affinity need many clients; the others one. */
	if (p->sched == GFWD_SCHED_SOURCE_HASH || p->affinity_s != 0)
		snprintf(ip, sizeof(ip), "198.18.%u.%d", p->port, i + 1);
	else
		snprintf(ip, sizeof(ip), "198.18.0.100");
	return ip;
}

static struct conn conns[N_POLICIES][CONNS];
static struct conn all_conns[4];

/* ---------------------------------------------------------------- traffic */

static struct gfwd_service_traffic svc_t[16];
static struct gfwd_backend_traffic be_t[64];

static void read_traffic(void)
{
	int n = gfwd_traffic_read(svc_t, 16, be_t, 64);
	CHECK(n == (int)N_POLICIES + 1, "every service listed (%d: %s)", n, gfwd_last_error());
}

/* Service i's backend with that last octet, or NULL. */
static const struct gfwd_backend_traffic *backend_traffic(size_t i, int octet)
{
	for (uint32_t j = 0; j < svc_t[i].n_backends; j++) {
		const struct gfwd_backend_traffic *b = &be_t[svc_t[i].first_backend + j];
		if (b->addr[3] == octet)
			return b;
	}
	return NULL;
}

/* ---------------------------------------------------------------- the tables */

static uint16_t any_hop(const struct addr *dst, uint8_t family)
{
	(void)dst;
	(void)family;
	return 0;
}

static int one_vip(const struct addr *vip)
{
	(void)vip;
	return 0;
}

static struct config *build(const struct gfwd_backend *b, uint32_t n, uint8_t sched)
{
	struct gfwd_service s = service(MAGLEV_PORT, sched, 0, 0);
	s.n_backends = n;
	char err[256];
	struct gfwd_refusal r;
	uint32_t refused;
	struct config *c = config_build(1, &s, 1, b, n, 1, any_hop, one_vip, &r, 1, &refused, err, sizeof(err));
	if (c == NULL || refused != 0) {
		fprintf(stderr, "config_build: %s\n", c == NULL ? err : r.reason);
		exit(1);
	}
	return c;
}

/* A draining backend owns no Maglev entry, and the table is the one the service would have
 * without it: when it finally leaves, no serving backend's flows move. Lookups for
 * established flows find it; those for new flows (affinity) do not. */
static void tables_leave_draining_backends_out(void)
{
	struct gfwd_backend draining[] = { backend(13, 1, 0), backend(B, 2, GFWD_BACKEND_DRAINING), backend(11, 1, 0) };
	struct gfwd_backend without[] = { backend(11, 1, 0), backend(13, 1, 0) };
	struct config *d = build(draining, 3, GFWD_SCHED_MAGLEV), *w = build(without, 2, GFWD_SCHED_MAGLEV);
	const struct service *sd = &d->services[0], *sw = &w->services[0];
	CHECK(sd->n_backends == 3 && sd->n_serving == 2, "3 backends, 2 serving (%u, %u)", sd->n_backends, sd->n_serving);
	CHECK(d->backends[2].addr.b[3] == B && d->backends[2].flags == GFWD_BACKEND_DRAINING,
	      "the draining backend comes after the serving ones");
	CHECK(d->backends[0].addr.b[3] == 11 && d->backends[1].addr.b[3] == 13, "serving ones sorted (.11, .13)");
	int same = 1;
	for (uint32_t k = 0; k < sd->maglev_size; k++)
		same &= sd->maglev[k] < sd->n_serving &&
			addr_eq(&d->backends[sd->maglev[k]].addr, &w->backends[sw->maglev[k]].addr);
	CHECK(same, "the Maglev table with .12 draining is the table without .12");

	struct addr b12 = d->backends[2].addr;
	uint16_t port = d->backends[2].port;
	CHECK(config_find_backend(d, sd, &b12, port) == 2, "an established flow finds the draining backend");
	CHECK(config_find_serving_backend(d, sd, &b12, port) == -1, "a new flow does not");
	CHECK(config_find_serving_backend(d, sd, &d->backends[1].addr, port) == 1, "but finds a serving one");
	config_free(d);
	config_free(w);

	struct config *r = build(draining, 3, GFWD_SCHED_WEIGHTED_ROUND_ROBIN);
	const struct service *sr = &r->services[0];
	int serving_only = sr->wrr_len == 2;
	for (uint32_t k = 0; k < sr->wrr_len; k++)
		serving_only &= sr->wrr[k] < sr->n_serving;
	CHECK(serving_only, "weighted round robin cycles over the serving backends only (%u turns)", sr->wrr_len);
	config_free(r);

	struct gfwd_backend none[] = { backend(11, 1, GFWD_BACKEND_DRAINING), backend(13, 1, GFWD_BACKEND_DRAINING) };
	struct config *a = build(none, 2, GFWD_SCHED_MAGLEV);
	CHECK(a->services[0].n_serving == 0 && a->services[0].n_backends == 2, "all draining: none serving");
	CHECK(config_find_backend(a, &a->services[0], &a->backends[1].addr, a->backends[1].port) == 1,
	      "all draining: established flows still find theirs");
	config_free(a);
}

/* ---------------------------------------------------------------- the story */

static void establish(void)
{
	for (size_t p = 0; p < N_POLICIES; p++) {
		int on_b = 0;
		for (int i = 0; i < CONNS; i++) {
			struct conn *c = &conns[p][i];
			open_conn(c, client_of(&POLICIES[p], i), (uint16_t)(10000 + 100 * p + i), POLICIES[p].port, NULL);
			CHECK(c->backend > 0, "%s: connection %d forwarded", POLICIES[p].name, i);
			if (c->backend > 0)
				data_goes_to(c, c->backend, "hello");
			on_b += c->backend == B;
		}
		CHECK(on_b > 0, "%s: some connections went to .%d before it drains (%d of %d)", POLICIES[p].name, B,
		      on_b, CONNS);
	}
	for (int i = 0; i < 4; i++) {
		open_conn(&all_conns[i], "198.18.0.100", (uint16_t)(11000 + i), ALL_PORT, NULL);
		CHECK(all_conns[i].backend > 0, "all-draining service: connection %d forwarded while serving", i);
		if (all_conns[i].backend > 0)
			data_goes_to(&all_conns[i], all_conns[i].backend, "hello");
	}
}

static struct gfwd_backend_traffic b_before[N_POLICIES];

static void drain(void)
{
	read_traffic();
	for (size_t p = 0; p < N_POLICIES; p++)
		b_before[p] = *backend_traffic(p, B);
	commit(DRAINING, 1);

	read_traffic();
	for (size_t p = 0; p < N_POLICIES; p++) {
		const struct gfwd_backend_traffic *b = backend_traffic(p, B);
		CHECK(b != NULL && svc_t[p].n_backends == 3, "%s: .%d still listed while it drains", POLICIES[p].name, B);
		if (b == NULL)
			continue;
		CHECK(b->flags == GFWD_BACKEND_DRAINING, "%s: listed as draining (flags %u)", POLICIES[p].name, b->flags);
		CHECK(b->new_flows == b_before[p].new_flows && b->packets == b_before[p].packets &&
		      b->active_flows == b_before[p].active_flows,
		      "%s: its counters carried over (%lu new, %lu active)", POLICIES[p].name,
		      (unsigned long)b->new_flows, (unsigned long)b->active_flows);
		CHECK(backend_traffic(p, 11)->flags == 0, "%s: .11 listed as serving", POLICIES[p].name);
	}
}

static void established_connections_keep_their_backend(const char *when)
{
	for (size_t p = 0; p < N_POLICIES; p++) {
		int kept = 0, answered = 0, on_b = 0;
		for (int i = 0; i < CONNS; i++) {
			struct conn *c = &conns[p][i];
			if (c->backend <= 0)
				continue;
			kept += data_goes_to(c, c->backend, "more");
			if (c->backend == B) {
				on_b++;
				answered += answer_reaches_client(c, "answer");
			}
		}
		CHECK(kept == CONNS, "%s %s: every established connection keeps its backend (%d of %d)",
		      POLICIES[p].name, when, kept, CONNS);
		CHECK(answered == on_b, "%s %s: .%d's answers reach their clients (%d of %d)", POLICIES[p].name, when, B,
		      answered, on_b);
	}
}

static void new_connections_avoid_the_draining_backend(void)
{
	for (size_t p = 0; p < N_POLICIES; p++) {
		int count[256] = { 0 }, forwarded = 0;
		for (int i = 0; i < NEW_CONNS; i++) {
			struct conn c;
			/* New clients for the client-hashing policies, new ports for the others. */
			char client[20];
			snprintf(client, sizeof(client), "%s", client_of(&POLICIES[p], CONNS + i));
			int b = open_conn(&c, client, (uint16_t)(20000 + 100 * p + i), POLICIES[p].port, NULL);
			forwarded += b > 0;
			count[b & 0xff]++;
		}
		CHECK(forwarded == NEW_CONNS && count[B] == 0, "%s: %d new connections, none to .%d (%d forwarded, %d to .%d)",
		      POLICIES[p].name, NEW_CONNS, B, forwarded, count[B], B);
		CHECK(count[11] > 0 && count[13] > 0, "%s: both serving backends take new connections (%d/%d)",
		      POLICIES[p].name, count[11], count[13]);
		if (POLICIES[p].sched == GFWD_SCHED_ROUND_ROBIN || POLICIES[p].sched == GFWD_SCHED_WEIGHTED_ROUND_ROBIN)
			if (POLICIES[p].affinity_s == 0)
				CHECK(count[11] == NEW_CONNS / 2 && count[13] == NEW_CONNS / 2,
				      "%s: the serving backends take turns (%d/%d)", POLICIES[p].name, count[11], count[13]);
	}
}

/* A client whose affinity points at the draining backend is scheduled afresh, and stays
 * with its new backend; its established connection stays where it was. */
static void affinity_lets_go_of_the_draining_backend(void)
{
	for (size_t p = 0; p < N_POLICIES; p++) {
		if (POLICIES[p].affinity_s == 0)
			continue;
		int pinned = 0, moved = 0, stays = 0;
		for (int i = 0; i < CONNS; i++) {
			const struct conn *old = &conns[p][i];
			if (old->backend != B)
				continue;
			pinned++;
			struct conn c1, c2;
			int b1 = open_conn(&c1, old->client, (uint16_t)(old->sport + 5000), old->vport, NULL);
			int b2 = open_conn(&c2, old->client, (uint16_t)(old->sport + 6000), old->vport, NULL);
			moved += b1 == 11 || b1 == 13;
			stays += b2 == b1;
			data_goes_to(old, B, "still here");
		}
		CHECK(pinned > 0 && moved == pinned, "%s: clients pinned to .%d get a serving backend (%d of %d)",
		      POLICIES[p].name, B, moved, pinned);
		CHECK(stays == pinned, "%s: and keep it for their next connection (%d of %d)", POLICIES[p].name, stays,
		      pinned);
	}
}

static void all_draining_service(void)
{
	uint64_t no_backend = test_worker->cnt.drop[DROP_NO_BACKEND];
	int dropped = 0;
	for (int i = 0; i < 5; i++) {
		struct conn c;
		int drop = -1;
		int b = open_conn(&c, "198.18.0.100", (uint16_t)(12000 + i), ALL_PORT, &drop);
		dropped += b < 0 && drop == DROP_NO_BACKEND;
	}
	CHECK(dropped == 5, "every backend draining: new connections dropped as no_backend (%d of 5)", dropped);
	CHECK(test_worker->cnt.drop[DROP_NO_BACKEND] - no_backend == 5, "and counted (%lu)",
	      (unsigned long)(test_worker->cnt.drop[DROP_NO_BACKEND] - no_backend));
	int kept = 0;
	for (int i = 0; i < 4; i++)
		kept += all_conns[i].backend > 0 && data_goes_to(&all_conns[i], all_conns[i].backend, "more") &&
			answer_reaches_client(&all_conns[i], "answer");
	CHECK(kept == 4, "every backend draining: established connections go on both ways (%d of 4)", kept);
}

static void counters_keep_counting(void)
{
	read_traffic();
	for (size_t p = 0; p < N_POLICIES; p++) {
		const struct gfwd_backend_traffic *b = backend_traffic(p, B);
		int64_t on_b = 0;
		for (int i = 0; i < CONNS; i++)
			on_b += conns[p][i].backend == B;
		CHECK(b->new_flows == b_before[p].new_flows, "%s: no new flow counted for .%d (%lu, %lu)", POLICIES[p].name,
		      B, (unsigned long)b->new_flows, (unsigned long)b_before[p].new_flows);
		CHECK(b->packets > b_before[p].packets, "%s: .%d's packets still counted", POLICIES[p].name, B);
		CHECK((int64_t)b->active_flows == on_b, "%s: .%d has its %ld connections active (%lu)", POLICIES[p].name, B,
		      (long)on_b, (unsigned long)b->active_flows);
	}
}

/* A draining connection that ends no longer counts as active: what an operator watches
 * before dropping the backend. Its tuple coming back later is a new connection. */
static void an_ended_connection_leaves_the_active_count(void)
{
	struct conn *c = NULL;
	for (int i = 0; i < CONNS && c == NULL; i++)
		if (conns[0][i].backend == B)
			c = &conns[0][i];
	read_traffic();
	uint64_t active = backend_traffic(0, B)->active_flows;
	struct frame fin = to_vip(c->client, c->sport, c->vport, TCP_ACK | TCP_FIN, "");
	struct outcome o = push(&fin);
	struct frame want = to_backend(B, c->snat, TCP_ACK | TCP_FIN, "");
	exactly(&o, &want, "FIN to the draining backend");
	clock_skew += 11;   /* past the closing timeout */
	struct conn again;
	int b = open_conn(&again, c->client, c->sport, c->vport, NULL);
	CHECK(b == 11 || b == 13, "the same tuple after the connection ended goes to a serving backend (%d)", b);
	read_traffic();
	CHECK(backend_traffic(0, B)->active_flows == active - 1, "the ended connection left .%d's active count (%lu, was %lu)",
	      B, (unsigned long)backend_traffic(0, B)->active_flows, (unsigned long)active);
	c->backend = -1;   /* gone */
}

/* The operator drops the drained backend: what is left of its connections is rescheduled
 * (forward) or dropped (its answers), as for any removed backend. */
static void dropping_it_reschedules_as_before(void)
{
	commit(REMOVED, 0);
	uint64_t rescheduled = test_worker->cnt.event[EV_FLOWS_RESCHEDULED];
	int answers_dropped = 0, moved = 0, stayed = 0, on_b = 0, others = 0;
	for (int i = 0; i < CONNS; i++) {
		struct conn *c = &conns[0][i];
		if (c->backend == B) {
			on_b++;
			if (on_b == 1) {   /* the first one's answer comes before any forward packet */
				struct frame f = from_backend(B, c->snat, TCP_ACK, "late");
				struct outcome o = push(&f);
				answers_dropped += o.port < 0 && o.drop == DROP_NO_FLOW;
				continue;
			}
			struct frame f = to_vip(c->client, c->sport, c->vport, TCP_ACK, "");
			struct outcome o = push(&f);
			int now = o.port == 0 ? o.out.b[14 + 19] : -1;
			moved += now == 11 || now == 13;
		} else if (c->backend > 0) {
			others++;
			stayed += data_goes_to(c, c->backend, "after");
		}
	}
	CHECK(answers_dropped == 1, "an answer from the removed backend is dropped (no_flow)");
	CHECK(moved == on_b - 1, "its connections' next packets are rescheduled to serving backends (%d of %d)", moved,
	      on_b - 1);
	CHECK(test_worker->cnt.event[EV_FLOWS_RESCHEDULED] - rescheduled == (uint64_t)on_b,
	      "rescheduled flows counted (%lu of %d)",
	      (unsigned long)(test_worker->cnt.event[EV_FLOWS_RESCHEDULED] - rescheduled), on_b);
	CHECK(stayed == others, "the other connections stay (%d of %d)", stayed, others);

	struct conn c;
	CHECK(open_conn(&c, "198.18.0.100", 12100, ALL_PORT, NULL) > 0, "a service serving again takes new connections");
}

/* A service with a bad backend flag, or a backend both serving and draining, is refused
 * alone, named by its VIP, port and protocol. */
static void commits_refused(void)
{
	struct gfwd_service s[2] = { service(MAGLEV_PORT, GFWD_SCHED_MAGLEV, 0, 0),
				     service(RR_PORT, GFWD_SCHED_ROUND_ROBIN, 0, 0) };
	s[0].n_backends = 2;
	s[1].n_backends = 1;   /* .11 alone: good */
	const uint8_t bad_flags[] = { 0x02, 0x80, GFWD_BACKEND_DRAINING | 0x04 };
	struct gfwd_refusal r;
	for (size_t i = 0; i < sizeof(bad_flags); i++) {
		struct gfwd_backend b[] = { backend(11, 1, 0), backend(13, 1, bad_flags[i]) };
		int rc = gfwd_commit(gfwd_commit_seq() + 1, s, 2, b, 2, &r, 1);
		CHECK(rc == 1 && r.service == 0 && r.error == -EINVAL && strstr(r.reason, "unknown flags") != NULL &&
		      strstr(r.reason, VIP ":1/TCP: backend 198.18.0.13:8080") == r.reason,
		      "flags 0x%02x refused with a reason (rc %d: %s)", bad_flags[i], rc, r.reason);
	}
	struct gfwd_backend twice[] = { backend(11, 1, 0), backend(11, 1, GFWD_BACKEND_DRAINING) };
	int rc = gfwd_commit(gfwd_commit_seq() + 1, s, 2, twice, 2, &r, 1);
	CHECK(rc == 1 && strstr(r.reason, "backend 198.18.0.11:8080 is listed twice") != NULL,
	      "a backend both serving and draining is refused (rc %d: %s)", rc, r.reason);
	struct gfwd_backend twice_draining[] = { backend(11, 1, GFWD_BACKEND_DRAINING), backend(11, 1, GFWD_BACKEND_DRAINING) };
	rc = gfwd_commit(gfwd_commit_seq() + 1, s, 2, twice_draining, 2, &r, 1);
	CHECK(rc == 1 && strstr(r.reason, "listed twice") != NULL,
	      "a backend draining twice is refused (rc %d: %s)", rc, r.reason);
	uint32_t n_svc, n_be;
	gfwd_traffic_sizes(&n_svc, &n_be);
	CHECK(n_svc == 1, "the good service runs beside the refused one (%u)", n_svc);
	CHECK(gfwd_abi_version() == GFWD_ABI_VERSION, "the library reports the ABI version of its header");
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	tables_leave_draining_backends_out();
	commit(SERVING, 0);
	learn_backends();
	establish();
	drain();
	established_connections_keep_their_backend("while .12 drains");
	new_connections_avoid_the_draining_backend();
	affinity_lets_go_of_the_draining_backend();
	established_connections_keep_their_backend("after new connections went elsewhere");
	all_draining_service();
	counters_keep_counting();
	an_ended_connection_leaves_the_active_count();
	dropping_it_reschedules_as_before();
	commits_refused();
	return report("test_drain");
}
