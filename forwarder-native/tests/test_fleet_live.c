/* SPDX-License-Identifier: Apache-2.0
 * The fleet's functions with a real worker lcore, through the public API only: frames the
 * agent sends go out through worker 0, and fall silent when it does not loop. */
#include <errno.h>
#include "live.h"
#include "housekeeper.h"

static const uint8_t FLEET_GROUP[6] = GFWD_FLEET_MAC;

static struct frame advertisement(uint8_t seq)
{
	struct frame f = frame_new();
	frame_eth_type(&f, FLEET_GROUP, PORT_MAC, GFWD_FLEET_ETHERTYPE);
	frame_payload(&f, "GTUN advertisement, sequence ");
	frame_bytes(&f, &seq, 1);
	return f;
}

/* The frame goes out on the port byte for byte; bad arguments are refused by name. */
static void sends_frames(void)
{
	struct frame f = advertisement(1), got = frame_new();
	CHECK(gfwd_send_frame(0, f.b, f.len) == 0, "send_frame: %s", gfwd_last_error());
	int came = 0;
	double deadline = now_s() + PATIENCE_S;
	while (!came && now_s() < deadline)   /* skip the housekeeper's ARP, if any */
		came = collect(&got, 1.0) && got.len == f.len && memcmp(got.b, f.b, f.len) == 0;
	CHECK(came, "the frame went out through worker 0 as given");

	CHECK(gfwd_send_frame(1, f.b, f.len) == -EINVAL, "no port 1: -EINVAL");
	CHECK(strstr(gfwd_last_error(), "no port 1") != NULL, "says which: %s", gfwd_last_error());
	CHECK(gfwd_send_frame(0, f.b, 13) == -EMSGSIZE, "shorter than an Ethernet header: -EMSGSIZE");
	CHECK(strstr(gfwd_last_error(), "14 to 1518 bytes") != NULL, "says how long: %s", gfwd_last_error());
	static uint8_t big[1519];
	CHECK(gfwd_send_frame(0, big, sizeof(big)) == -EMSGSIZE, "longer than MTU + 18: -EMSGSIZE");
}

/* A worker that stops looping leaves the queue full: the agent is told at once (and the
 * frames stop), which is how a stuck forwarder falls silent to its peers. */
static void falls_silent_when_the_worker_stops(void)
{
	gfwd_stop();
	uint64_t full = counter("drop_control_ring_full");
	struct frame f = advertisement(2);
	int sent = 0, rc;
	while ((rc = gfwd_send_frame(0, f.b, f.len)) == 0 && sent < 100000)
		sent++;
	CHECK(rc == -ENOBUFS, "a full queue gives -ENOBUFS, got %d after %d", rc, sent);
	CHECK(sent == 1023, "the queue held 1023 frames, not %d", sent);
	CHECK(strstr(gfwd_last_error(), "is it looping?") != NULL, "says why: %s", gfwd_last_error());
	CHECK(counter("drop_control_ring_full") == full + 1, "counted as drop_control_ring_full");

	if (gfwd_start() != 1)
		die("restart");
	int out = 0;
	struct frame got = frame_new();
	while (out < sent && collect(&got, PATIENCE_S))
		out += got.len == f.len && memcmp(got.b, f.b, f.len) == 0;
	CHECK(out == sent, "a worker looping again sends what waited: %d of %d", out, sent);
	CHECK(gfwd_send_frame(0, f.b, f.len) == 0, "and the queue takes frames again");
}

/* Takeover: gratuitous ARPs in request form (RFC 5227 §3), the first at once, then spaced
 * by the interval asked for rather than by the housekeeper's 100 ms tick. */
static void announces_on_time(void)
{
	uint8_t vip[16] = { 0 };
	inet_pton(AF_INET, "198.18.0.200", vip);
	struct frame want = frame_new();
	static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, ZERO[6] = { 0 };
	frame_eth_type(&want, BCAST, PORT_MAC, 0x0806);
	frame_arp(&want, 1, PORT_MAC, "198.18.0.200", ZERO, "198.18.0.200");

	uint64_t garps = counter("garps_sent");
	double t[3];
	double start = now_s();
	CHECK(gfwd_announce(GFWD_AF_INET, vip, 3, 150) == 0, "announce: %s", gfwd_last_error());
	CHECK(counter("garps_sent") == garps + 1, "the first is queued before gfwd_announce returns");
	CHECK(housekeeper_sleep_us() <= 150000, "the housekeeper wakes for the next, not after a tick: %lu us",
	      (unsigned long)housekeeper_sleep_us());
	int n = 0;
	struct frame got = frame_new();
	while (n < 3 && collect(&got, PATIENCE_S)) {
		if (got.len != want.len || memcmp(got.b, want.b, want.len) != 0)
			continue;   /* the housekeeper's own ARP requests */
		t[n++] = now_s();
	}
	CHECK(n == 3, "three gratuitous ARPs, byte for byte, got %d", n);
	if (n == 3) {
		/* Lower bounds only, from before the call: a busy machine may delay a frame or
		 * our reading it, never hurry it. */
		CHECK(t[1] - start >= 0.15 && t[2] - start >= 0.30, "spaced by the interval: %.3f s, %.3f s after the call",
		      t[1] - start, t[2] - start);
		printf("announcements: first after %.1f ms, then %.1f ms and %.1f ms apart (interval 150 ms)\n",
		       (t[0] - start) * 1e3, (t[1] - t[0]) * 1e3, (t[2] - t[1]) * 1e3);
	}
	CHECK(counter("garps_sent") == garps + 3, "garps_sent counts the three");
	CHECK(gfwd_announce(GFWD_AF_INET, vip, 0, 150) == -EINVAL, "count 0 refused");
}

static uint64_t loops(void)
{
	uint64_t n[1];
	gfwd_worker_loops(n, 1);
	return n[0];
}

/* With the back-off on, an idle worker sleeps (at most a loop turn per millisecond once it
 * backed off) and still sends what comes, within about the cap. */
static void idle_backoff(void)
{
	CHECK(gfwd_idle_sleep_set(1000) == 0, "idle_sleep_set: %s", gfwd_last_error());
	usleep(100000);   /* it backs off after 1,100 empty turns */
	uint64_t before = loops();
	double t0 = now_s();
	usleep(500000);
	uint64_t turns = loops() - before;
	double span = now_s() - t0;
	CHECK(turns <= span * 1000 + 1100, "an idle worker sleeps: %lu turns in %.3f s", (unsigned long)turns, span);
	struct frame f = advertisement(3), got = frame_new();
	double sent = now_s();
	CHECK(gfwd_send_frame(0, f.b, f.len) == 0, "send while idle");
	int came = 0;
	while (!came && collect(&got, PATIENCE_S))
		came = got.len == f.len && memcmp(got.b, f.b, f.len) == 0;
	CHECK(came, "a sleeping worker still sends");
	printf("idle back-off at 1000 us: %lu loop turns in %.3f s idle; a frame out %.2f ms after it was queued\n",
	       (unsigned long)turns, span, (now_s() - sent) * 1e3);
	CHECK(gfwd_idle_sleep_set(200000) == -EINVAL, "a cap above 100 ms refused");
	CHECK(strstr(gfwd_last_error(), "give 0 (busy polling) to 100000") != NULL, "says what to give: %s", gfwd_last_error());
	CHECK(gfwd_idle_sleep_set(0) == 0, "off again");
}

int main(int argc, char **argv)
{
	(void)argc;
	live_init(argv[0], "0@0,1@1");
	if (gfwd_start() != 1)
		die("start");
	sends_frames();
	falls_silent_when_the_worker_stops();
	announces_on_time();
	idle_backoff();
	gfwd_shutdown();
	printf("test_fleet_live: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
