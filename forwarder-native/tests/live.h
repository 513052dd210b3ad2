/* SPDX-License-Identifier: Apache-2.0
 * Tests with real worker lcores: the public API only, frames through ring ports. */
#ifndef GFWD_TEST_LIVE_H
#define GFWD_TEST_LIVE_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "frame.h"
#include "gatunfwd.h"

static int failures, checks;
#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; \
	fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
	fprintf(stderr, "\n"); } } while (0)

static const uint8_t PORT_MAC[6] = { 0x02, 0x67, 0x61, 0x74, 0x00, 0x01 };
static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
#define PORT_IP "198.18.0.2"

static void die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, gfwd_last_error());
	exit(1);
}

/* EAL with the given lcore list, one ring port 198.18.0.2/24 with a queue per worker. */
static void live_init(const char *prog, const char *lcores)
{
	char *argv[] = { (char *)prog, "--lcores", (char *)lcores, "--no-huge", "-m", "512", "--no-pci",
			 "--no-shconf", "--no-telemetry", "--log-level", "*:warning", NULL };
	if (gfwd_init(11, argv) != 0)
		die("gfwd_init");
	struct gfwd_port_conf pc = { .v4 = { .family = GFWD_AF_INET, .prefix_len = 24 } };
	inet_pton(AF_INET, PORT_IP, pc.v4.addr);
	if (gfwd_port_add_ring("live0", &pc) != 0)
		die("port");
}

static inline void static_neighbor(const char *ip, uint8_t last)
{
	uint8_t a[16] = { 0 }, mac[6] = { 0x02, 0, 0, 0, 0, last };
	inet_pton(AF_INET, ip, a);
	if (gfwd_neighbor_set(GFWD_AF_INET, a, mac) != 0)
		die("neighbor");
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* How long a test waits for a frame the worker owes it: the worker shares two cores with
 * builds and other tests, so this is long; a frame that comes returns at once. */
#define PATIENCE_S 30.0

/* The next transmitted frame within timeout_s, into f; 0 if none came. */
static inline int collect(struct frame *f, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	do {
		int n = gfwd_ring_collect(0, f->b, sizeof(f->b));
		if (n > 0) {
			f->len = (uint16_t)n;
			return 1;
		}
		/* Yield: EAL pinned this thread and the housekeeper it started to one core. */
		usleep(20);
	} while (now_s() < deadline);
	return 0;
}

static inline uint64_t counter(const char *name)
{
	uint64_t v[128];
	uint32_t n = gfwd_counter_count();
	gfwd_counters_read(v, n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(gfwd_counter_name(i), name) == 0)
			return v[i];
	return UINT64_MAX;
}

static inline uint64_t drops_total(void)
{
	uint64_t v[128], sum = 0;
	uint32_t n = gfwd_counter_count();
	gfwd_counters_read(v, n);
	for (uint32_t i = 0; i < n; i++)
		if (strncmp(gfwd_counter_name(i), "drop_", 5) == 0)
			sum += v[i];
	return sum;
}

#endif
