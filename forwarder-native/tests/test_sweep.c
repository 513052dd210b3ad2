/* SPDX-License-Identifier: Apache-2.0
 * Flows leave on their own: a worker's table holds half-open (a SYN flood's), established,
 * closing and UDP flows; its clock then moves on with no packet of theirs arriving, only
 * the worker loop's sweep, and each kind must be gone within its timeout plus the sweep
 * period (and not before its timeout), with the services' and backends' active counts
 * following it down to zero. */
#include <rte_cycles.h>
#include "harness.h"

static const uint8_t CLIENT_MAC[6] = { 0x02, 0, 0, 0, 0, 0x64 };
#define VIP "198.18.0.200"
enum { SYN_ONLY = 300, ESTABLISHED = 100, CLOSING = 100, UDP = 100 };

static void commit(void)
{
	struct gfwd_backend b[3];
	for (int i = 0; i < 3; i++) {
		char ip[20];
		snprintf(ip, sizeof(ip), "198.18.0.%d", 11 + i);
		b[i] = (struct gfwd_backend){ .family = GFWD_AF_INET, .port = 8080, .weight = 1 };
		inet_pton(AF_INET, ip, b[i].addr);
		uint8_t mac[6] = { 2, 0, 0, 0, 0, (uint8_t)(11 + i) };
		gfwd_neighbor_set(GFWD_AF_INET, b[i].addr, mac);
	}
	struct gfwd_service s[2] = {
		{ .family = GFWD_AF_INET, .proto = IPPROTO_TCP, .port = 80, .mode = GFWD_MODE_FULLNAT,
		  .sched = GFWD_SCHED_LEAST_CONNECTIONS, .maglev_size = 251, .first_backend = 0, .n_backends = 3 },
		{ .family = GFWD_AF_INET, .proto = IPPROTO_UDP, .port = 53, .mode = GFWD_MODE_FULLNAT,
		  .sched = GFWD_SCHED_MAGLEV, .maglev_size = 251, .first_backend = 0, .n_backends = 3 },
	};
	inet_pton(AF_INET, VIP, s[0].vip);
	inet_pton(AF_INET, VIP, s[1].vip);
	if (gfwd_commit(1, s, 2, b, 3, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* One client segment or datagram from 10.0.(n / 250).(n % 250 + 1):port. */
static void send_from(uint32_t n, uint16_t port, uint8_t proto, uint8_t flags)
{
	char ip[20];
	snprintf(ip, sizeof(ip), "10.0.%u.%u", n / 250, n % 250 + 1);
	struct frame f = frame_new();
	frame_eth(&f, PORT_MAC, CLIENT_MAC);
	frame_ipv4(&f, ip, VIP, proto);
	if (proto == IPPROTO_TCP)
		frame_tcp(&f, port, 80, flags);
	else
		frame_udp(&f, port, 53);
	frame_done(&f);
	struct outcome o = push(&f);
	CHECK(o.port == 0 && o.leaked == 0, "flow %u opened (port %d)", n, o.port);
}

static int64_t active_of_service(uint32_t svc, int64_t *backends_sum)
{
	struct gfwd_service_traffic s[2];
	struct gfwd_backend_traffic b[6];
	CHECK(gfwd_traffic_read(s, 2, b, 6) == 2, "traffic read");
	*backends_sum = 0;
	for (uint32_t j = 0; j < s[svc].n_backends; j++)
		*backends_sum += (int64_t)b[s[svc].first_backend + j].active_flows;
	return (int64_t)s[svc].active_flows;
}

/* The worker's clock moves on in 1 ms loop turns until `until` (seconds), sweeping only. */
static uint64_t loops;
static void run_until(uint32_t until)
{
	struct worker *w = test_worker;
	uint64_t hz = rte_get_tsc_hz();
	w->cfg = dp_config();
	while (w->now < until) {
		w->now_tsc += hz / 1000;
		w->now = (uint32_t)(w->now_tsc / hz);
		worker_sweep(w);
		loops++;
	}
}

static void expect(uint32_t at, uint32_t live, int64_t tcp, int64_t udp, const char *when)
{
	run_until(at);
	int64_t tcp_backends, udp_backends;
	int64_t tcp_active = active_of_service(0, &tcp_backends), udp_active = active_of_service(1, &udp_backends);
	CHECK(flow_table_live(test_worker->flows) == live, "%s: %u flows left (%u)", when, live,
	      flow_table_live(test_worker->flows));
	CHECK(tcp_active == tcp && tcp_backends == tcp, "%s: TCP service and its backends count %ld active (%ld, %ld)",
	      when, (long)tcp, (long)tcp_active, (long)tcp_backends);
	CHECK(udp_active == udp && udp_backends == udp, "%s: UDP service and its backends count %ld active (%ld, %ld)",
	      when, (long)udp, (long)udp_active, (long)udp_backends);
}

int main(int argc, char **argv)
{
	(void)argc;
	harness_init(argv[0]);
	commit();
	worker_tick(test_worker);
	uint32_t first = test_worker->now;
	uint32_t n = 0;
	for (uint32_t i = 0; i < SYN_ONLY; i++, n++)   /* a SYN flood: nothing follows */
		send_from(n, 1000, IPPROTO_TCP, TCP_SYN);
	for (uint32_t i = 0; i < ESTABLISHED; i++, n++) {
		send_from(n, 2000, IPPROTO_TCP, TCP_SYN);
		send_from(n, 2000, IPPROTO_TCP, TCP_ACK);
	}
	for (uint32_t i = 0; i < CLOSING; i++, n++) {
		send_from(n, 3000, IPPROTO_TCP, TCP_SYN);
		send_from(n, 3000, IPPROTO_TCP, TCP_ACK);
		send_from(n, 3000, IPPROTO_TCP, TCP_ACK | TCP_FIN);
	}
	for (uint32_t i = 0; i < UDP; i++, n++)
		send_from(n, 4000, IPPROTO_UDP, 0);
	uint32_t last = test_worker->now;
	uint32_t tcp_all = SYN_ONLY + ESTABLISHED + CLOSING, all = tcp_all + UDP;
	expect(last, all, tcp_all, UDP, "opened");

	/* Within timeout + sweep period + one loop turn after the last flow of a kind opened,
	 * every flow of that kind is gone; a second before the first one's timeout, none is. */
	uint32_t late = (FLOW_SWEEP_PERIOD_MS + 999) / 1000 + 2;
	expect(first + TCP_CLOSING_TIMEOUT_S - 1, all, tcp_all, UDP, "before the closing timeout");
	expect(last + TCP_CLOSING_TIMEOUT_S + late, all - CLOSING, tcp_all - CLOSING, UDP, "after the closing timeout");
	expect(first + TCP_SYN_TIMEOUT_S - 1, all - CLOSING, tcp_all - CLOSING, UDP, "before the SYN timeout");
	expect(last + TCP_SYN_TIMEOUT_S + late, ESTABLISHED + UDP, ESTABLISHED, UDP, "after the SYN timeout (the flood)");
	expect(last + UDP_TIMEOUT_S + late, ESTABLISHED, ESTABLISHED, 0, "after the UDP timeout");
	expect(first + TCP_ESTABLISHED_TIMEOUT_S - 1, ESTABLISHED, ESTABLISHED, 0, "before the established timeout");
	expect(last + TCP_ESTABLISHED_TIMEOUT_S + late, 0, 0, 0, "after the established timeout");
	CHECK(test_worker->flows->evicted == 0, "nothing was evicted: they expired (%lu)",
	      (unsigned long)test_worker->flows->evicted);
	printf("sweep: %lu loop turns of 1 ms over %u s of worker clock\n", (unsigned long)loops, last + 901 - first);
	return report("test_sweep");
}
