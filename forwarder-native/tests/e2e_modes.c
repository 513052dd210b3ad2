/* SPDX-License-Identifier: Apache-2.0
 * The data plane end to end, per forwarding mode and family: the fast path on a
 * net_af_packet port of a test network (tools/testnet.sh, tools/testnet-modes.sh), real
 * TCP and UDP clients and servers in network namespaces (tools/traffic.py, tools/backend.py).
 * Full NAT, NAT and DSR (L2), IPv4 and IPv6, each must reach all three backends with no
 * failed request, and every answer must come from the VIP. (IPIP is covered at the packet
 * level: this kernel has no ipip module to decapsulate.) Draining: a long-lived TCP
 * connection survives its backend being marked draining, while new connections all go to
 * the other backends (tools/drain_peer.py at both ends). Malformed and martian frames sent
 * raw from the client (tools/hostile_frames.py) cross the bridge and reach the port, each
 * dropped under its reason.
 *
 * With `pcap` the port is net_pcap instead, on which fragments arrive as fragments (the
 * af_packet PMD has the kernel reassemble them), and UDP datagrams of 3000 bytes go both ways
 * through every mode in fragments.
 *
 *   e2e_modes TOOLS_DIR [pcap]        needs root */
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include "gatunfwd.h"
#include "dataplane.h"

static char tools[512], id[8];
static int checks, failures;
static char failed[512];   /* the failed checks' names, repeated last: CI shows a log's tail */

/* One check's verdict, counted. */
static void verdict(const char *what, int ok)
{
	checks++;
	if (!ok) {
		failures++;
		size_t used = strlen(failed);
		snprintf(failed + used, sizeof(failed) - used, "%s%s", used ? "; " : "", what);
	}
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* How long to wait for what should come soon: the machine is shared, so long. */
#define PATIENCE_S 30.0

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

/* Stopped from outside (meson's timeout sends SIGTERM): the test network goes too, or the
 * next run would find its node address taken. */
static char down_cmd[600];
static void on_stop(int sig)
{
	(void)sig;
	int rc = system(down_cmd);
	(void)rc;
	_exit(1);
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

/* The ways a client reaches the services above: mode and family, the VIP, its TCP and UDP
 * ports, and the address the client sends from (NAT: off the backends' prefix, so their answers
 * come back through the forwarder; NULL: its own). */
static const struct way { const char *what, *vip; int tcp_port, udp_port; const char *source; } WAYS[] = {
	{ "full NAT, IPv4", "198.18.0.200", 80, 53, NULL },
	{ "NAT, IPv4", "198.18.0.220", 80, 53, "198.18.1.100" },
	{ "DSR (L2), IPv4", "198.18.0.240", 8080, 5353, NULL },
	{ "full NAT, IPv6", "2001:2::200", 80, 53, NULL },
	{ "NAT, IPv6", "2001:2::220", 80, 53, "2001:2:1::100" },
	{ "DSR (L2), IPv6", "2001:2::240", 8080, 5353, NULL },
};
#define N_WAYS (sizeof(WAYS) / sizeof(WAYS[0]))

/* The last service: long-lived connections (drain_peer.py serve on every backend). */
#define DRAIN_VIP "198.18.0.230"
#define DRAIN_PORT 7070

/* Every service above, each with the three backends, and DRAIN_VIP with backend
 * `draining` (1-3; 0 = none) draining. */
static void commit(uint64_t commit_seq, int draining)
{
	struct gfwd_service s[N_SERVICES + 1];
	struct gfwd_backend b[(N_SERVICES + 1) * 3];
	for (size_t i = 0; i <= N_SERVICES; i++) {
		const struct svc drain = { 4, IPPROTO_TCP, GFWD_MODE_FULLNAT, DRAIN_VIP, DRAIN_PORT, DRAIN_PORT };
		const struct svc *d = i < N_SERVICES ? &SERVICES[i] : &drain;
		int af = d->family == 4 ? AF_INET : AF_INET6;
		s[i] = (struct gfwd_service){ .family = d->family, .proto = d->proto, .port = d->port, .mode = d->mode,
					      .sched = GFWD_SCHED_MAGLEV, .maglev_size = 65537, .first_backend = (uint32_t)(3 * i),
					      .n_backends = 3 };
		inet_pton(af, d->vip, s[i].vip);
		for (int j = 0; j < 3; j++) {
			struct gfwd_backend *x = &b[3 * i + j];
			*x = (struct gfwd_backend){ .family = d->family, .port = d->backend_port, .weight = 1 };
			if (i == N_SERVICES && j + 1 == draining)
				x->flags = GFWD_BACKEND_DRAINING;
			inet_pton(af, d->family == 4 ? BACKENDS4[j] : BACKENDS6[j], x->addr);
		}
	}
	if (gfwd_commit(commit_seq, s, N_SERVICES + 1, b, (N_SERVICES + 1) * 3, NULL, 0) != 0) {
		fprintf(stderr, "commit: %s\n", gfwd_last_error());
		exit(1);
	}
}

/* The data plane's non-zero counters, one line, for a failure's story. */
static void print_counters(void)
{
	uint64_t v[256];
	uint32_t n = gfwd_counter_count();
	if (n > 256)
		n = 256;
	gfwd_counters_read(v, n);
	printf("    counters:");
	for (uint32_t i = 0; i < n; i++)
		if (v[i] != 0)
			printf(" %s=%lu", gfwd_counter_name(i), (unsigned long)v[i]);
	printf("\n");
}

/* 30 TCP requests (unless tcp_port is 0) and 30 UDP requests of udp_size bytes (0: small; 3000:
 * the client's kernel sends each in three fragments, the backend's kernel its answer too), each
 * echoed whole; every backend must answer, nothing may fail. A UDP request unanswered within 2 s
 * is sent once more, as a resolver would (UDP promises no delivery, and a busy kernel may lose
 * one): that passes, but like a failure it prints what crossed the bridge apart from TCP (UDP,
 * ICMP, ARP, NDP) and the data plane's counters, so a request lost once in forty runs says
 * where it went. */
static void requests(const char *what, const char *vip, int tcp_port, int udp_port, int udp_size, const char *source)
{
	char src[64] = "", tcp[32] = "--no-tcp", pcap[128], log[128];
	if (source != NULL)
		snprintf(src, sizeof(src), "--source %s", source);
	if (tcp_port != 0)
		snprintf(tcp, sizeof(tcp), "--tcp-port %d", tcp_port);
	snprintf(pcap, sizeof(pcap), "/tmp/gatun-%s-traffic.pcap", id);
	snprintf(log, sizeof(log), "/tmp/gatun-%s-traffic.log", id);
	/* Everything but TCP's data: handshakes and resets show where a connection stopped.
	 * tcpdump's tcp[] reads IPv4 only: over IPv6 the flags are byte 13 of a TCP header right
	 * after the fixed 40-byte one (ip6[6], the next header, is 6). */
	run("ip netns exec gt%s-lan timeout %d tcpdump --immediate-mode -U -n -i br0 -w %s "
	    "'not tcp or (ip and tcp[tcpflags] & (tcp-syn|tcp-rst) != 0) or (ip6[6] = 6 and ip6[53] & 6 != 0)' 2> %s &", id, 3 * (int)PATIENCE_S,
	    pcap, log);
	double deadline = now_s() + PATIENCE_S;
	while (run("grep -qs 'listening on' %s", log) != 0 && now_s() < deadline)
		usleep(20000);
	/* Exit status 0: all answered at once; 3: all answered, some UDP on the retry; 1: failed. */
	int rc = run("ip netns exec gt%s-client python3 %s/traffic.py --vip %s %s --udp-port %d --udp-size %d "
		     "--requests 30 --timeout 2 --udp-retries 1 %s | python3 -c 'import json, sys\n"
		     "r = json.load(sys.stdin)\n"
		     "tcp = \"%s\" != \"--no-tcp\"\n"
		     "ok = r[\"tcp_failed\"] == r[\"udp_failed\"] == 0 and len(r[\"udp\"]) == 3 and (len(r[\"tcp\"]) == 3 or not tcp)\n"
		     "line = \"TCP %%s failed %%d, \" %% (dict(r[\"tcp\"]), r[\"tcp_failed\"]) if tcp else \"\"\n"
		     "line += \"UDP%%s %%s failed %%d\" %% (\" of %d bytes\" if %d else \"\", dict(r[\"udp\"]), r[\"udp_failed\"])\n"
		     "line += \", %%d answered when sent again\" %% r[\"udp_retried\"] if r[\"udp_retried\"] else \"\"\n"
		     "print(\"  %%-28s %%s %%s\" %% (\"%s\", \"ok  \" if ok else \"FAIL\", line))\n"
		     "[print(\"    %%.3f s %%s %%s\" %% tuple(e)) for e in r[\"failures\"]]\n"
		     "sys.exit(1 if not ok else 3 if r[\"udp_retried\"] else 0)'",
		     id, tools, vip, tcp, udp_port, udp_size, src, tcp, udp_size, udp_size, what);
	run("pkill -f 'tcpdump --immediate-mode -U -n -i br0 -w %s'", pcap);
	if (rc != 0) {
		print_counters();
		/* The first 50 lines (a first request's neighbour discovery and handshake) and the last
		 * 10: meson keeps only a failed test's last 100 lines, and the FAIL line comes before. */
		/* Who maps which address to which MAC: a DSR answer goes from the backend straight
		 * to the client, so a wrong entry at either end loses a connection here. */
		run("for h in client b1 b2 b3; do printf '    neigh %%-6s' $h; ip netns exec gt%s-$h ip neigh show dev eth0 "
		    "| awk '{ printf \" %%s %%s %%s\", $1, $3, $NF }'; echo; done", id);
		/* -e: the link-level addresses, for the same reason. */
		run("tcpdump -e -n -tttt -r %s 2>/dev/null | grep -v 'multicast listener' | cut -c12-200 "
		    "| awk '{ l[NR] = $0 } END { for (i = 1; i <= NR; i++) if (i <= 50 || i > NR - 10) print l[i]; "
		    "else if (i == 51) print \"... \" NR - 60 \" more\" }' | sed 's/^/    bridge: /'", pcap);
	}
	verdict(what, rc == 0 || WEXITSTATUS(rc) == 3);
	unlink(pcap);
	unlink(log);
}

/* DSR over IP-in-IP: this kernel cannot decapsulate, so the capture on the test network's
 * bridge must show the client's SYN inside an outer header from the forwarder to a backend. */
static void ipip_captured(const char *what, const char *filter, const char *vip, const char *outer_re)
{
	char out[128], log[128];
	snprintf(out, sizeof(out), "/tmp/gatun-%s-ipip.txt", id);
	snprintf(log, sizeof(log), "/tmp/gatun-%s-ipip.log", id);
	run("ip netns exec gt%s-lan timeout %d tcpdump -l -n -i br0 -c 1 '%s' > %s 2> %s &", id, (int)PATIENCE_S, filter,
	    out, log);
	/* Until tcpdump says it listens; then the SYN (retried, as a kernel would) until captured. */
	double deadline = now_s() + PATIENCE_S;
	while (run("grep -qs 'listening on' %s", log) != 0 && now_s() < deadline)
		usleep(20000);
	int rc;
	while ((rc = run("grep -Eq '%s' %s", outer_re, out)) != 0 && now_s() < deadline)
		run("ip netns exec gt%s-client python3 -c 'import socket; s = socket.socket(socket.AF_INET6 if \":\" in \"%s\" "
		    "else socket.AF_INET); s.settimeout(0.5)\ntry: s.connect((\"%s\", 8080))\nexcept OSError: pass' ", id, vip,
		    vip);
	run("cat %s | cut -c1-150 | sed 's/^/    captured: /'", out);
	printf("  %-28s %s\n", what, rc == 0 ? "ok   the backend received the SYN encapsulated" : "FAIL nothing encapsulated seen");
	verdict(what, rc == 0);
	unlink(out);
	unlink(log);
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
		verdict("draining: the long-lived connection", 0);
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
	verdict("draining: new connections", rc == 0);
	verdict("draining: the connection held since before", kept);
	unlink(go);
}

/* Whether the data plane knows the MAC of ip. */
static bool resolved(uint8_t family, const char *ip)
{
	struct addr a = { .q = { 0, 0 } };
	inet_pton(family == 4 ? AF_INET : AF_INET6, ip, a.b);
	struct rte_ether_addr mac;
	uint16_t n = neigh_find(&dp.neigh, family, &a);   /* again each time: the entry may come later */
	return n != NEIGH_NONE && neigh_mac(&dp.neigh, n, &mac);
}

/* Until the data plane knows every backend's MAC (ARP and NDP, asked for at the commit). */
static void backends_resolved(void)
{
	double deadline = now_s() + PATIENCE_S;
	for (int j = 0; j < 3; j++) {
		while (!(resolved(4, BACKENDS4[j]) && resolved(6, BACKENDS6[j])) && now_s() < deadline)
			usleep(10000);
		if (!(resolved(4, BACKENDS4[j]) && resolved(6, BACKENDS6[j])))
			printf("  backend %s / %s not resolved after %.0f s: its requests will fail\n", BACKENDS4[j],
			       BACKENDS6[j], PATIENCE_S);
	}
}

static uint64_t counter(const char *name)
{
	uint64_t v[128];
	uint32_t n = gfwd_counter_count();
	gfwd_counters_read(v, n);
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(gfwd_counter_name(i), name) == 0)
			return v[i];
	return 0;
}

/* Malformed and martian frames sent raw from the client cross the test network's bridge
 * (its netfilter is off: testnet.sh) and reach the port, where each is dropped under its
 * reason. A bridge that validated IP headers would drop some before the data plane. */
static void hostile_frames_reach_the_port(void)
{
	static const struct { const char *kind, *reason; } sent[] = {
		{ "bad-ip-options", "drop_bad_ip_options" },
		{ "bad-ip-checksum", "drop_bad_ip_checksum" },
		{ "ip-length-beyond", "drop_bad_ip_header" },
		{ "martian-loopback", "drop_martian_source" },
		{ "martian-broadcast", "drop_martian_source" },
		{ "land", "drop_martian_source" },
		{ "v6-length-beyond", "drop_bad_ip_header" },
	};
	enum { N = sizeof(sent) / sizeof(sent[0]) };
	static const char *reasons[] = { "drop_bad_ip_options", "drop_bad_ip_checksum", "drop_bad_ip_header",
					 "drop_martian_source" };
	uint64_t before[4], want[4] = { 0 };
	for (int r = 0; r < 4; r++)
		before[r] = counter(reasons[r]);
	char kinds[256] = "";
	for (int i = 0; i < N; i++) {
		strcat(kinds, " ");
		strcat(kinds, sent[i].kind);
		for (int r = 0; r < 4; r++)
			want[r] += strcmp(sent[i].reason, reasons[r]) == 0;
	}
	struct gfwd_port_stats port_before, port_after;
	gfwd_port_stats(0, &port_before);
	uint8_t mac[6];
	gfwd_port_mac(0, mac);
	run("ip netns exec gt%s-client python3 %s/hostile_frames.py --iface eth0 "
	    "--dst-mac %02x:%02x:%02x:%02x:%02x:%02x --vip 198.18.0.200 --vip6 2001:2::200%s >/dev/null",
	    id, tools, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], kinds);
	double deadline = now_s() + PATIENCE_S;
	int all = 0;
	while (!all && now_s() < deadline) {
		all = 1;
		for (int r = 0; r < 4; r++)
			all &= counter(reasons[r]) - before[r] >= want[r];
		if (!all)
			usleep(10000);
	}
	gfwd_port_stats(0, &port_after);
	char got[256] = "";
	for (int r = 0; r < 4; r++) {
		char one[64];
		snprintf(one, sizeof(one), "%s%s %lu of %lu", r ? ", " : "", reasons[r] + 5,
			 (unsigned long)(counter(reasons[r]) - before[r]), (unsigned long)want[r]);
		strcat(got, one);
	}
	printf("  %-28s %s %d frames sent, port rx +%lu, dropped as %s\n", "hostile frames", all ? "ok  " : "FAIL", N,
	       (unsigned long)(port_after.rx_packets - port_before.rx_packets), got);
	verdict("hostile frames", all && port_after.rx_packets - port_before.rx_packets >= N);
}

/* On net_pcap, where fragments reach the data plane as fragments (the af_packet PMD has the
 * kernel reassemble them): large UDP datagrams both ways through every mode. */
static void fragments_end_to_end(void)
{
	uint64_t before = counter("fragments");
	for (size_t i = 0; i < N_WAYS; i++) {
		char what[64];
		snprintf(what, sizeof(what), "%s, fragments", WAYS[i].what);
		requests(what, WAYS[i].vip, 0, WAYS[i].udp_port, 3000, WAYS[i].source);
	}
	/* Six services, 30 queries of three fragments each; four of them also answers. */
	uint64_t seen = counter("fragments") - before, want = 6 * 30 * 3 + 4 * 30 * 3;
	printf("  %-28s %s %lu fragments translated (%lu sent)\n", "", seen >= want ? "ok  " : "FAIL",
	       (unsigned long)seen, (unsigned long)want);
	verdict("fragments translated", seen >= want);
}

int main(int argc, char **argv)
{
	if (argc < 2 || geteuid() != 0) {
		fprintf(stderr, "usage (as root): e2e_modes TOOLS_DIR [pcap]\n");
		return 2;
	}
	snprintf(tools, sizeof(tools), "%s", argv[1]);
	int pcap = argc > 2 && strcmp(argv[2], "pcap") == 0;
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(id, sizeof(id), "m%04x", rand() & 0xffff);
	/* The network belongs to this process, not to the shell system() starts testnet.sh from:
	 * testnet.sh removes a network whose owner is gone. */
	char owner[16];
	snprintf(owner, sizeof(owner), "%d", (int)getpid());
	setenv("GATUN_TESTNET_OWNER", owner, 1);
	snprintf(down_cmd, sizeof(down_cmd), "%s/testnet.sh down %s", tools, id);
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
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
	snprintf(devargs, sizeof(devargs), pcap ? "net_pcap0,iface=gt%sf" : "net_af_packet0,iface=gt%sf", id);
	snprintf(pc.devargs, sizeof(pc.devargs), "%s", devargs);
	inet_pton(AF_INET, "198.18.0.2", pc.v4.addr);
	inet_pton(AF_INET6, "2001:2::2", pc.v6.addr);
	if (gfwd_port_add(&pc) != 0 || gfwd_start() != 1) {
		fprintf(stderr, "port/start: %s\n", gfwd_last_error());
		return 1;
	}
	commit(1, 0);
	backends_resolved();

	printf("forwarding modes end to end (testnet %s, %s):\n", id, pcap ? "net_pcap" : "net_af_packet");
	if (pcap) {
		fragments_end_to_end();
	} else {
		for (size_t i = 0; i < N_WAYS; i++)
			requests(WAYS[i].what, WAYS[i].vip, WAYS[i].tcp_port, WAYS[i].udp_port, 0, WAYS[i].source);
		ipip_captured("DSR over IPIP, IPv4", "ip proto 4", "198.18.0.250",
			      "IP 198\\.18\\.0\\.2 > 198\\.18\\.0\\.1[123]: IP 198\\.18\\.0\\.100\\.[0-9]+ > 198\\.18\\.0\\.250\\.8080: Flags \\[S\\]");
		ipip_captured("DSR over IPIP, IPv6", "ip6 proto 41", "2001:2::250",
			      "IP6 2001:2::2 > 2001:2::1[123]: IP6 2001:2::100\\.[0-9]+ > 2001:2::250\\.8080: Flags \\[S\\]");
		draining_keeps_connections();
		hostile_frames_reach_the_port();
	}
	printf("e2e_modes: %d of %d checks failed%s%s\n", failures, checks, failures ? ": " : "", failed);
	return failures ? 1 : 0;
}
