/* SPDX-License-Identifier: Apache-2.0
 * Maglev table properties: balance, weights, order independence, minimal disruption. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "maglev.h"

static int failures, checks;
#define CHECK(cond, ...) do { checks++; if (!(cond)) { failures++; fprintf(stderr, "FAIL: "); \
	fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

static struct maglev_input backend(uint32_t i, uint32_t weight)
{
	struct maglev_input b = { .port = 8080, .weight = weight };
	b.addr.b[0] = 10;
	b.addr.b[1] = (uint8_t)(i >> 16);
	b.addr.b[2] = (uint8_t)(i >> 8);
	b.addr.b[3] = (uint8_t)i;
	return b;
}

static void balance(void)
{
	enum { N = 10, M = 65537 };
	static uint16_t t[M];
	struct maglev_input in[N];
	for (int i = 0; i < N; i++)
		in[i] = backend((uint32_t)i, 1);
	CHECK(maglev_build(t, M, in, N) == 0, "build");
	int count[N] = { 0 };
	for (int s = 0; s < M; s++)
		count[t[s]]++;
	for (int i = 0; i < N; i++)
		CHECK(abs(count[i] - M / N) <= 1, "equal weights share the table evenly (%d has %d)", i, count[i]);
}

static void weights(void)
{
	enum { M = 65537 };
	static uint16_t t[M];
	struct maglev_input in[3] = { backend(1, 1), backend(2, 2), backend(3, 1) };
	CHECK(maglev_build(t, M, in, 3) == 0, "build");
	int count[3] = { 0 };
	for (int s = 0; s < M; s++)
		count[t[s]]++;
	CHECK(abs(count[1] - M / 2) < 50, "weight 2 of 4 gets half the table (%d)", count[1]);
}

static void order_independent(void)
{
	enum { N = 50, M = 4099 };
	static uint16_t a[M], b[M];
	struct maglev_input fwd[N], rev[N];
	for (int i = 0; i < N; i++) {
		fwd[i] = backend((uint32_t)i, 1);
		rev[N - 1 - i] = backend((uint32_t)i, 1);
	}
	maglev_build(a, M, fwd, N);
	maglev_build(b, M, rev, N);
	int same = 0;
	for (int s = 0; s < M; s++)
		same += fwd[a[s]].addr.b[3] == rev[b[s]].addr.b[3];
	CHECK(same == M, "input order does not matter (%d of %d entries agree)", same, M);
}

/* The Maglev paper's property the data-plane issue asks for: N=1000, M=65537, remove
 * 1% of backends → at most 3.4% of entries move. */
static void disruption(void)
{
	enum { N = 1000, M = 65537, REMOVED = 10 };
	static uint16_t before[M], after[M];
	static struct maglev_input all[N], kept[N];
	for (int i = 0; i < N; i++)
		all[i] = backend((uint32_t)i, 1);
	int k = 0;
	for (int i = 0; i < N; i++)
		if (i % (N / REMOVED) != 7)
			kept[k++] = all[i];
	CHECK(k == N - REMOVED, "removed %d", N - k);
	maglev_build(before, M, all, N);
	maglev_build(after, M, kept, (uint32_t)k);
	int moved = 0;
	for (int s = 0; s < M; s++)
		moved += memcmp(&all[before[s]].addr, &kept[after[s]].addr, sizeof(struct addr)) != 0;
	double pct = 100.0 * moved / M;
	printf("maglev disruption: N=%d M=%d removed %d -> %.2f%% of entries moved\n", N, M, REMOVED, pct);
	CHECK(pct <= 3.4, "at most 3.4%% of entries move (%.2f%%)", pct);
}

/* The operator's default table size (operator/.../api/MaglevTableSize.java: the smallest of
 * these primes with 100 entries per backend) keeps disruption near the figure above: at every
 * rung filled to its 100 entries per backend, removing 1% of the backends (one at least) moves
 * the entries that must move and at most 3% more (measured: 0 to 2.7%, the most at 10 and 20
 * backends; the paper's setting above moves 2.3% more than it must). Beyond the top rung
 * (1,000 backends) the figure above holds as it is. */
static void ladder_disruption(void)
{
	static const uint32_t LADDER[] = { 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65537 };
	static uint16_t before[65537], after[65537];
	static struct maglev_input all[655], kept[655];
	for (size_t r = 0; r < sizeof(LADDER) / sizeof(LADDER[0]); r++) {
		uint32_t m = LADDER[r], n = m / 100, removed = (n + 99) / 100;
		for (uint32_t i = 0; i < n; i++)
			all[i] = backend(i, 1);
		uint32_t k = 0;
		for (uint32_t i = 0; i < n; i++)
			if (i % (n / removed) != 0 || i / (n / removed) >= removed)
				kept[k++] = all[i];
		maglev_build(before, m, all, n);
		maglev_build(after, m, kept, k);
		uint32_t moved = 0, needless = 0;   /* needless: moved away from a backend that stayed */
		for (uint32_t s = 0; s < m; s++) {
			int same = memcmp(&all[before[s]].addr, &kept[after[s]].addr, sizeof(struct addr)) == 0;
			moved += !same;
			int stayed = 0;
			for (uint32_t j = 0; j < k && !stayed; j++)
				stayed = memcmp(&all[before[s]].addr, &kept[j].addr, sizeof(struct addr)) == 0;
			needless += !same && stayed;
		}
		double must = 100.0 * (n - k) / n, pct = 100.0 * moved / m, extra = 100.0 * needless / m;
		printf("maglev disruption: N=%u M=%u removed %u -> %.2f%% moved (%.2f%% had to, %.2f%% more)\n", n, m,
		       n - k, pct, must, extra);
		CHECK(extra <= 3.0, "M=%u, N=%u: at most 3%% of entries move needlessly (%.2f%%)", m, n, extra);
	}
}

static void rejects_bad_sizes(void)
{
	static uint16_t t[8];
	struct maglev_input in[8];
	for (int i = 0; i < 8; i++)
		in[i] = backend((uint32_t)i, 1);
	CHECK(maglev_build(t, 7, in, 8) != 0, "more backends than entries is refused");
	CHECK(maglev_build(t, 7, in, 0) == 0 && t[0] == MAGLEV_EMPTY, "no backends: every entry empty");
	CHECK(maglev_is_prime(65537) && !maglev_is_prime(65536), "primality");
}

int main(void)
{
	balance();
	weights();
	order_independent();
	disruption();
	ladder_disruption();
	rejects_bad_sizes();
	printf("test_maglev: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
