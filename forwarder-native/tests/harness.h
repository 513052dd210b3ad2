/* SPDX-License-Identifier: Apache-2.0
 * Test harness: an EAL without hugepages or devices, one ring port, a worker driven by
 * hand (no lcore launched), and a helper that pushes one frame through the pipeline and
 * reports what came out, checking that no mbuf leaked. */
#ifndef GFWD_TEST_HARNESS_H
#define GFWD_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include "dataplane.h"
#include "frame.h"
#include "housekeeper.h"
#include "pipeline.h"
#include "worker.h"

static int failures;
static int checks;

#define CHECK(cond, ...) do {                                          \
	checks++;                                                      \
	if (!(cond)) {                                                 \
		failures++;                                            \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);  \
		fprintf(stderr, __VA_ARGS__);                          \
		fprintf(stderr, "\n");                                 \
	}                                                              \
} while (0)

static const uint8_t PORT_MAC[6] = { 0x02, 0x67, 0x61, 0x74, 0x00, 0x01 };
static const uint8_t BCAST_MAC[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t ZERO_MAC[6] = { 0 };
#define PORT_IP "198.18.0.2"
#define PORT_IP6 "2001:2::2"

static struct worker *test_worker;
static uint32_t clock_skew;   /* seconds added to the worker's clock: expiry tests */

static void harness_init(const char *prog)
{
	char *argv[] = { (char *)prog, "-l", "0", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			 "--no-telemetry", "--log-level", "*:warning", NULL };
	if (gfwd_init(11, argv) != 0) {
		fprintf(stderr, "gfwd_init: %s\n", gfwd_last_error());
		exit(1);
	}
	struct gfwd_port_conf pc = { .v4 = { .family = GFWD_AF_INET, .prefix_len = 24 },
				     .v6 = { .family = GFWD_AF_INET6, .prefix_len = 64 } };
	inet_pton(AF_INET, PORT_IP, pc.v4.addr);
	inet_pton(AF_INET6, PORT_IP6, pc.v6.addr);
	if (gfwd_port_add_ring("ring0", &pc) != 0) {
		fprintf(stderr, "port: %s\n", gfwd_last_error());
		exit(1);
	}
	test_worker = worker_create(0, 1, 0, 4096, 0);
	if (test_worker == NULL) {
		fprintf(stderr, "worker_create failed\n");
		exit(1);
	}
}

/* What the pipeline did with one frame. */
struct outcome {
	int port;                 /* output port, -1 if nothing was sent */
	struct frame out;
	int drop;                 /* drop reason counted, -1 if none */
	int leaked;               /* mbufs missing from the pool afterwards */
	int punted;               /* items handed to the agent (gfwd_punt_read) */
	struct frame punt;        /* the first of them, */
	uint8_t punt_kind;        /* its enum gfwd_punt_kind */
	uint16_t punt_port;
	int to_kernel;            /* frames handed to port 0's kernel interface (kernel.h), */
	struct frame kernel;      /* the first of them */
};

/* Takes what the pipeline handed to port 0's kernel interface, as worker 0 would. */
static void read_kernel(struct outcome *o)
{
	struct rte_ring *r = dp.ports[0].to_kernel;
	struct rte_mbuf *m;
	while (r != NULL && rte_ring_dequeue(r, (void **)&m) == 0) {
		if (o->to_kernel++ == 0) {
			o->kernel = frame_new();
			o->kernel.len = (uint16_t)rte_pktmbuf_pkt_len(m);
			memcpy(o->kernel.b, rte_pktmbuf_mtod(m, void *), o->kernel.len);
		}
		rte_pktmbuf_free(m);
	}
}

/* Reads what the pipeline punted, as the agent does, into o. */
static void read_punted(struct outcome *o)
{
	struct frame f = frame_new();
	uint16_t port;
	uint8_t kind;
	int n;
	while ((n = gfwd_punt_read(f.b, sizeof(f.b), &port, &kind)) > 0) {
		if (o->punted++ == 0) {
			o->punt = f;
			o->punt.len = (uint16_t)n;
			o->punt_kind = kind;
			o->punt_port = port;
		}
	}
}

/* With GATUN_WRITE_CORPUS=DIR, every frame pushed becomes a fuzzing seed (a file of one
 * length-prefixed frame), and the whole run one more (every frame in order, so flows open
 * before their replies come). */
static uint8_t corpus_run[1 << 20];
static size_t corpus_run_len;

static void corpus_write(const uint8_t *data, size_t len)
{
	const char *dir = getenv("GATUN_WRITE_CORPUS");
	if (dir == NULL)
		return;
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	char path[512];
	snprintf(path, sizeof(path), "%s/%016llx", dir, (unsigned long long)h);
	FILE *f = fopen(path, "wb");
	if (f != NULL) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

static void corpus_add(const struct frame *in)
{
	uint8_t one[2 + sizeof(in->b)];
	one[0] = (uint8_t)(in->len >> 8);
	one[1] = (uint8_t)in->len;
	memcpy(one + 2, in->b, in->len);
	corpus_write(one, 2u + in->len);
	if (corpus_run_len + 2u + in->len <= sizeof(corpus_run)) {
		memcpy(corpus_run + corpus_run_len, one, 2u + in->len);
		corpus_run_len += 2u + in->len;
	}
}

static __attribute__((unused)) struct outcome push(const struct frame *in)
{
	corpus_add(in);
	struct outcome o = { .port = -1, .drop = -1 };
	struct worker *w = test_worker;
	unsigned before = rte_mempool_avail_count(dp.pool);
	uint64_t drops[DROP_MAX];
	memcpy(drops, w->cnt.drop, sizeof(drops));

	struct rte_mbuf *m = rte_pktmbuf_alloc(dp.pool);
	memcpy(rte_pktmbuf_append(m, in->len), in->b, in->len);
	worker_tick(w);
	w->now += clock_skew;
	pipeline_burst(w, dp_config(), 0, &m, 1);

	for (int p = 0; p < dp.n_ports; p++) {
		struct tx_queue *q = &w->tx[p];
		for (int i = 0; i < q->n; i++) {
			if (o.port < 0) {
				o.port = p;
				o.out = frame_new();
				o.out.len = rte_pktmbuf_data_len(q->m[i]);
				memcpy(o.out.b, rte_pktmbuf_mtod(q->m[i], void *), o.out.len);
			} else {
				o.port = 1000;      /* more than one frame out: never expected */
			}
			rte_pktmbuf_free(q->m[i]);
		}
		q->n = 0;
	}
	read_punted(&o);
	read_kernel(&o);
	for (int d = 0; d < DROP_MAX; d++)
		if (w->cnt.drop[d] != drops[d])
			o.drop = o.drop < 0 ? d : 1000;
	o.leaked = (int)before - (int)rte_mempool_avail_count(dp.pool);
	return o;
}

/* ---------------------------------------------------------------- packet tables */

enum verdict { SENT, DROPPED, CONSUMED };

/* One row of a packet table: an input frame, what must happen to it and, when a frame goes
 * out, its exact bytes (on port 0); when something is handed to the agent, its exact bytes
 * and kind (nothing may be when `punted` is NULL). */
struct packet_case {
	const char *name;
	void (*input)(struct frame *);
	enum verdict verdict;
	void (*expect)(struct frame *);
	enum gfwd_drop reason;
	void (*punted)(struct frame *);
	uint8_t punt_kind;
	void (*to_kernel)(struct frame *);   /* what port 0's kernel interface must get (NULL: nothing) */
};

static void hexdump_diff(const struct frame *got, const struct frame *want)
{
	fprintf(stderr, "  got %u bytes, want %u bytes\n", got->len, want->len);
	int shown = 0;
	for (unsigned i = 0; (i < got->len || i < want->len) && shown < 12; i++) {
		int g = i < got->len ? got->b[i] : -1, w = i < want->len ? want->b[i] : -1;
		if (g != w) {
			fprintf(stderr, "  byte %u: got %02x want %02x\n", i, g & 0xff, w & 0xff);
			shown++;
		}
	}
}

static void check_punted(const struct packet_case *c, const struct outcome *o)
{
	if (c->punted == NULL) {
		CHECK(o->punted == 0, "%s: expected nothing punted, got %d", c->name, o->punted);
		return;
	}
	CHECK(o->punted == 1 && o->punt_kind == c->punt_kind && o->punt_port == 0,
	      "%s: expected one item of kind %u punted from port 0, got %d of kind %u from port %u", c->name,
	      c->punt_kind, o->punted, o->punt_kind, o->punt_port);
	struct frame want = frame_new();
	c->punted(&want);
	if (o->punted == 0)
		return;
	int same = o->punt.len == want.len && memcmp(o->punt.b, want.b, want.len) == 0;
	CHECK(same, "%s: punted item differs", c->name);
	if (!same)
		hexdump_diff(&o->punt, &want);
}

/* Runs the rows in order (they share the worker's flows), a leak check after each. */
static __attribute__((unused)) void run_table(const struct packet_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct packet_case *c = &cases[i];
		struct frame in = frame_new();
		c->input(&in);
		struct outcome o = push(&in);
		CHECK(o.leaked == 0, "%s: %d mbufs leaked", c->name, o.leaked);
		check_punted(c, &o);
		if (c->to_kernel == NULL) {
			CHECK(o.to_kernel == 0, "%s: expected nothing for the kernel, got %d", c->name, o.to_kernel);
		} else {
			struct frame want = frame_new();
			c->to_kernel(&want);
			CHECK(o.to_kernel == 1, "%s: expected one frame for the kernel, got %d", c->name, o.to_kernel);
			int same = o.to_kernel == 1 && o.kernel.len == want.len && memcmp(o.kernel.b, want.b, want.len) == 0;
			CHECK(o.to_kernel != 1 || same, "%s: the kernel's frame differs", c->name);
			if (o.to_kernel == 1 && !same)
				hexdump_diff(&o.kernel, &want);
		}
		if (c->verdict == SENT) {
			struct frame want = frame_new();
			c->expect(&want);
			CHECK(o.port == 0 && o.drop < 0, "%s: expected one frame out, got port %d drop %d", c->name, o.port, o.drop);
			if (o.port != 0)
				continue;
			int same = o.out.len == want.len && memcmp(o.out.b, want.b, want.len) == 0;
			CHECK(same, "%s: output differs", c->name);
			if (!same)
				hexdump_diff(&o.out, &want);
			if (want.l3 >= 0)
				CHECK(frame_checksums_ok(o.out.b, o.out.len, want.l3, want.l4), "%s: checksums wrong", c->name);
		} else if (c->verdict == DROPPED) {
			CHECK(o.port < 0 && o.drop == (int)c->reason, "%s: expected drop %d, got port %d drop %d",
			      c->name, c->reason, o.port, o.drop);
		} else {
			CHECK(o.port < 0 && o.drop < 0, "%s: expected nothing out, got port %d drop %d", c->name, o.port, o.drop);
		}
	}
}

static int report(const char *name)
{
	corpus_write(corpus_run, corpus_run_len);
	printf("%s: %d checks, %d failures\n", name, checks, failures);
	return failures ? 1 : 0;
}

#endif
