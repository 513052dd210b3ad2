/* SPDX-License-Identifier: Apache-2.0
 * The data plane end to end, per forwarding mode and family: the fast path on a
 * net_af_packet port of a test network (tools/testnet.sh, tools/testnet-modes.sh), real
 * TCP and UDP clients and servers in network namespaces (tools/traffic.py, tools/backend.py).
 * Full NAT, NAT and DSR (L2), IPv4 and IPv6, each must reach all three backends with no
 * failed request, and every answer must come from the VIP. (IPIP is covered at the packet
 * level: this kernel has no ipip module to decapsulate.) Draining: a long-lived TCP
 * connection survives its backend being marked draining, while new connections all go to
 * the other backends (tools/drain_peer.py at both ends).
 *
 *   e2e_modes TOOLS_DIR TESTS_DIR        needs root */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include "gatunfwd.h"

static char tools[512], id[8];
static int failures;

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[2048];
	fflush(stdout);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void teardown(void)
{
	gfwd_shutdown();
	run("%s/testnet.sh down %s", tools, id);
}

struct svc { uint8_t family, proto, mode; const char *vip; uint16_t port, backend_port; };

static const char *BACKENDS4[] = { "198.18.0.11", "198.18.0.12", "198.18.0.13" };
static const char *BACKENDS6[] = { "2001:2::11", "2001:2::12", "2001:2::13" };

static const struct svc SERVICES[] = {
	{ 4, IPPROTO_TCP, GFWD_MODE_FULLNAT, "198.18.0.200", 80, 8080 },
	{ 4, IPPROTO_UDP, GFWD_MODE_FULLNAT, "198.18.0.200", 53, 5353 },
	{ 4, IPPROTO_TCP, GFWD_MODE_NAT, "198.18.0.220", 80, 8080 },
	{ 4, IPPROTO_UDP, GFWD_MODE_NAT, "198.18.0.220", 53, 5353 },
	{ 4, IPPROTO_TCP, GFWD_MODE_DSR, "198.18.0.240", 8080, 8080 },
	{ 4, IPPROTO_UDP, GFWD_MODE_DSR, "198.18.0.240", 5353, 5353 },
	{ 6, IPPROTO_TCP, GFWD_MODE_FULLNAT, "2001:2::200", 80, 8080 },
	{ 6, IPPROTO_UDP, GFWD_MODE_FULLNAT, "2001:2::200", 53, 5353 },
	{ 6, IPPROTO_TCP, GFWD_MODE_NAT, "2001:2::220", 80, 8080 },
	{ 6, IPPROTO_UDP, GFWD_MODE_NAT, "2001:2::220", 53, 5353 },
	{ 6, IPPROTO_TCP, GFWD_MODE_DSR, "2001:2::240", 8080, 8080 },
	{ 6, IPPROTO_UDP, GFWD_MODE_DSR, "2001:2::240", 5353, 5353 },
	{ 4, IPPROTO_TCP, GFWD_MODE_DSR_IPIP, "198.18.0.250", 8080, 8080 },
	{ 6, IPPROTO_TCP, GFWD_MODE_DSR_IPIP, "2001:2::250", 8080, 8080 },
};
#define N_SERVICES (sizeof(SERVICES) / sizeof(SERVICES[0]))

/* The last service: long-lived connections (drain_peer.py serve on every backend). */
#define DRAIN_VIP "198.18.0.230"
#define DRAIN_PORT 7070

/* Every service above, each with the three backends, and DRAIN_VIP with backend
 * `draining` (1-3; 0 = none) draining. */
static void commit(uint64_t generation, int draining)
{
	struct gfwd_service s[N_SERVICES + 1];
	struct gfwd_backend b[(N_SERVICES + 1) * 3];
	for (size_t i = 0; i <= N_SERVICES; i++) {
		const struct svc drain = { 4, IPPROTO_TCP, GFWD_MODE_FULLNAT, DRAIN_VIP, DRAIN_PORT, DRAIN_PORT };
		const struct svc *d = i < N_SERVICES ? &SERVICES[i] : &drain;
		int af = d->family == 4 ? AF_INET : AF_INET6;
		s[i] = (struct gfwd_service){ .family = d->family, .proto = d->proto, .port = d->port, .mode = d->mode,
					      .sched = GFWD_SCHED_MAGLEV, .first_backend = (uint32_t)(3 * i), .n_backends = 3 };
		inet_pton(af, d->vip, s[i].vip);
		for (int j = 0; j < 3; j++) {
			struct gfwd_backend *x = &b[3 * i + j];
			*x = (struct gfwd_backend){ .family = d->family, .port = d->backend_port, .weight = 1 };
			if (i == N_SERVICES && j + 1 == draining)
				x->flags = GFWD_BACKEND_DRAINING;
			inet_pton(af, d->family == 4 ? BACKENDS4[j] : BACKENDS6[j], x->addr);
		}
	}
	if (gfwd_commit(generation, s, N_SERVICES + 1, b, (N_SERVICES + 1) * 3, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* 30 TCP and 30 UDP requests; every backend must answer both, nothing may fail. */
static void traffic(const char *what, const char *vip, int tcp_port, int udp_port, const char *source)
{
	char src[64] = "";
	if (source != NULL)
		snprintf(src, sizeof(src), "--source %s", source);
	int rc = run("ip netns exec gt%s-client python3 %s/traffic.py --vip %s --tcp-port %d --udp-port %d "
		     "--requests 30 --timeout 2 %s | python3 -c 'import json, sys\n"
		     "r = json.load(sys.stdin)\n"
		     "ok = r[\"tcp_failed\"] == r[\"udp_failed\"] == 0 and len(r[\"tcp\"]) == len(r[\"udp\"]) == 3\n"
		     "print(\"  %%-28s %%s TCP %%s failed %%d, UDP %%s failed %%d\" %% (\"%s\", \"ok  \" if ok else \"FAIL\","
		     " dict(r[\"tcp\"]), r[\"tcp_failed\"], dict(r[\"udp\"]), r[\"udp_failed\"]))\n"
		     "sys.exit(0 if ok else 1)'",
		     id, tools, vip, tcp_port, udp_port, src, what);
	if (rc != 0)
		failures++;
}

/* DSR over IP-in-IP: this kernel cannot decapsulate, so the capture on the test network's
 * bridge must show the client's SYN inside an outer header from the forwarder to a backend. */
static void ipip_captured(const char *what, const char *filter, const char *vip, const char *outer_re)
{
	char out[128];
	snprintf(out, sizeof(out), "/tmp/gatun-%s-ipip.txt", id);
	run("ip netns exec gt%s-lan timeout 6 tcpdump -l -n -i br0 -c 1 '%s' > %s 2>/dev/null &", id, filter, out);
	usleep(700000);   /* tcpdump is listening */
	run("ip netns exec gt%s-client python3 -c 'import socket; s = socket.socket(socket.AF_INET6 if \":\" in \"%s\" "
	    "else socket.AF_INET); s.settimeout(0.5)\ntry: s.connect((\"%s\", 8080))\nexcept OSError: pass' ", id, vip, vip);
	sleep(1);
	int rc = run("grep -Eq '%s' %s", outer_re, out);
	run("cat %s | cut -c1-150 | sed 's/^/    captured: /'", out);
	printf("  %-28s %s\n", what, rc == 0 ? "ok   the backend received the SYN encapsulated" : "FAIL nothing encapsulated seen");
	if (rc != 0)
		failures++;
	unlink(out);
}

/* A connection held open from the client while its backend is marked draining: it must go
 * on to the same backend, and 30 new connections must all go to the other two. */
static void draining_keeps_connections(void)
{
	for (int n = 1; n <= 3; n++)
		run("ip netns exec gt%s-b%d setsid python3 %s/drain_peer.py serve --port %d --name backend-%d "
		    ">/dev/null 2>&1 < /dev/null &", id, n, tools, DRAIN_PORT, n);
	run("for n in 1 2 3; do for _ in $(seq 50); do ip netns exec gt%s-b$n ss -ltn | grep -q ':%d ' && break; "
	    "sleep 0.1; done; done", id, DRAIN_PORT);   /* until the servers listen */
	char go[128], cmd[1024], line[128] = "", then[128] = "";
	snprintf(go, sizeof(go), "/tmp/gatun-%s-drain-go", id);
	unlink(go);
	snprintf(cmd, sizeof(cmd), "ip netns exec gt%s-client python3 %s/drain_peer.py hold --vip %s --port %d --go %s",
		 id, tools, DRAIN_VIP, DRAIN_PORT, go);
	fflush(stdout);
	FILE *held = popen(cmd, "r");
	int b = 0;
	if (held == NULL || fgets(line, sizeof(line), held) == NULL || sscanf(line, "first backend-%d", &b) != 1) {
		printf("  %-28s FAIL no long-lived connection (%s)\n", "draining, full NAT, IPv4", line);
		failures++;
		if (held != NULL)
			pclose(held);
		return;
	}
	commit(2, b);   /* its backend drains */
	int rc = run("ip netns exec gt%s-client python3 %s/drain_peer.py spread --vip %s --port %d --connections 30 "
		     "| python3 -c 'import json, sys\n"
		     "r = json.load(sys.stdin)\n"
		     "a = r[\"answers\"]\n"
		     "ok = r[\"failed\"] == 0 and \"backend-%d\" not in a and len(a) == 2\n"
		     "print(\"  %%-28s %%s new connections %%s failed %%d, none to backend-%d\" %% (\"draining, full NAT, IPv4\","
		     " \"ok  \" if ok else \"FAIL\", dict(a), r[\"failed\"]))\n"
		     "sys.exit(0 if ok else 1)'",
		     id, tools, DRAIN_VIP, DRAIN_PORT, b, b);
	FILE *f = fopen(go, "w");
	if (f != NULL)
		fclose(f);
	if (fgets(then, sizeof(then), held) == NULL)
		snprintf(then, sizeof(then), "nothing");
	then[strcspn(then, "\n")] = 0;
	int held_rc = pclose(held);
	char want[32];
	snprintf(want, sizeof(want), "then backend-%d", b);
	int kept = held_rc == 0 && strcmp(then, want) == 0;
	printf("  %-28s %s the connection held since before stays on backend-%d (%s)\n", "", kept ? "ok  " : "FAIL", b,
	       then);
	if (rc != 0 || !kept)
		failures++;
	unlink(go);
}

int main(int argc, char **argv)
{
	if (argc < 2 || geteuid() != 0) {
		fprintf(stderr, "usage (as root): e2e_modes TOOLS_DIR\n");
		return 2;
	}
	snprintf(tools, sizeof(tools), "%s", argv[1]);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(id, sizeof(id), "m%04x", rand() & 0xffff);
	if (run("%s/testnet.sh up %s 3 >/dev/null && %s/testnet-modes.sh %s >/dev/null", tools, id, tools, id) != 0) {
		run("%s/testnet.sh down %s", tools, id);
		return 1;
	}

	char prefix[32], devargs[64];
	snprintf(prefix, sizeof(prefix), "e2e-modes-%s", id);
	char *eal[] = { argv[0], "-l", "0-1", "--no-huge", "-m", "1024", "--no-pci", "--no-shconf", "--no-telemetry",
			"--file-prefix", prefix, "--log-level", "*:warning", NULL };
	if (gfwd_init(13, eal) != 0) {
		fprintf(stderr, "gfwd_init: %s\n", gfwd_last_error());
		run("%s/testnet.sh down %s", tools, id);
		return 1;
	}
	atexit(teardown);
	struct gfwd_port_conf pc = { .v4 = { .family = 4, .prefix_len = 24 }, .v6 = { .family = 6, .prefix_len = 64 } };
	snprintf(devargs, sizeof(devargs), "net_af_packet0,iface=gt%sf", id);
	snprintf(pc.devargs, sizeof(pc.devargs), "%s", devargs);
	inet_pton(AF_INET, "198.18.0.2", pc.v4.addr);
	inet_pton(AF_INET6, "2001:2::2", pc.v6.addr);
	if (gfwd_port_add(&pc) != 0 || gfwd_start() != 1) {
		fprintf(stderr, "port/start: %s\n", gfwd_last_error());
		return 1;
	}
	commit(1, 0);
	sleep(1);   /* the backends' MACs: ARP and NDP answered within milliseconds */

	printf("forwarding modes end to end (testnet %s):\n", id);
	traffic("full NAT, IPv4", "198.18.0.200", 80, 53, NULL);
	traffic("NAT, IPv4", "198.18.0.220", 80, 53, "198.18.1.100");
	traffic("DSR (L2), IPv4", "198.18.0.240", 8080, 5353, NULL);
	traffic("full NAT, IPv6", "2001:2::200", 80, 53, NULL);
	traffic("NAT, IPv6", "2001:2::220", 80, 53, "2001:2:1::100");
	traffic("DSR (L2), IPv6", "2001:2::240", 8080, 5353, NULL);
	ipip_captured("DSR over IPIP, IPv4", "ip proto 4", "198.18.0.250",
		      "IP 198\\.18\\.0\\.2 > 198\\.18\\.0\\.1[123]: IP 198\\.18\\.0\\.100\\.[0-9]+ > 198\\.18\\.0\\.250\\.8080: Flags \\[S\\]");
	ipip_captured("DSR over IPIP, IPv6", "ip6 proto 41", "2001:2::250",
		      "IP6 2001:2::2 > 2001:2::1[123]: IP6 2001:2::100\\.[0-9]+ > 2001:2::250\\.8080: Flags \\[S\\]");
	draining_keeps_connections();
	printf("e2e_modes: %d of 9 checks failed\n", failures);
	return failures ? 1 : 0;
}
