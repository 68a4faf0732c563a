// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bench-maglev: the control plane's Maglev figures for a table of M slots and N
 * equally weighted backends: build time (median of several builds), balance (the
 * most loaded backend's share over its fair share), and disruption (share of slots
 * that change owner) when one backend is removed or one is added, against the
 * ideal 1/N; and the build time of the same N with weights 1..1000, drawn from a
 * fixed seed (the lighter backends' turns are scheduled apart from the heaviest).
 * Prints one JSON object per N on one line each.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lb/maglev.h"

#define WEIGHT	100
#define WEIGHT_SEED	7	/* the weighted builds' weights: the same in every run */
#define ROUNDS		5	/* runs of consecutive builds whose medians show the noise */

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench-maglev [--size M] [--builds K] N...\n\n"
		"Maglev build time, balance and disruption for tables of M slots (default\n"
		"65537) over N backends; K builds are timed (default 50), the median kept,\n"
		"with equal weights and with weights 1..1000 (build_ms_weighted).\n");
}

/* Backend i of a set: named, like sluice names them, by its address bytes. */
static void backend(struct maglev_backend *b, uint32_t i)
{
	memset(b, 0, sizeof(*b));
	b->key[0] = 10;
	b->key[1] = 201;
	b->key[2] = (uint8_t)(1 + i / 250);
	b->key[3] = (uint8_t)(1 + i % 250);
	b->key_len = 4;
	b->weight = WEIGHT;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* xorshift64: weights 1..1000 that every run and host draws alike. */
static uint32_t random_weight(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (uint32_t)(1 + *state % 1000);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Disruption from the n-backend table to one with backend `drop` removed or one added. */
static double change(const struct maglev_backend *set, const uint32_t *table, uint32_t n,
		     uint32_t m, int delta)
{
	struct maglev_backend *other = calloc(n + 1, sizeof(*other));
	uint32_t *t = calloc(m, sizeof(*t)), k = 0, i;
	double d = -1;

	if (!other || !t)
		goto out;
	for (i = 0; i < n; i++)
		if (delta > 0 || i != n / 2)
			other[k++] = set[i];
	if (delta > 0)
		backend(&other[k++], n);
	if (!maglev_build(other, k, m, t))
		d = maglev_disruption(set, table, other, t, m);
out:
	free(other);
	free(t);
	return d;
}

/*
 * Median ms of `builds` builds of set, -1 when one fails; rounds[] gets the median
 * of each of ROUNDS runs of consecutive builds (when there are that many builds),
 * the noise `sluice-bench --compare` allows for.
 */
static double build_ms(const struct maglev_backend *set, uint32_t n, uint32_t m,
		       uint32_t *table, double *ns, unsigned int builds, double *rounds)
{
	unsigned int k, r, from, to;
	double t;

	for (k = 0; k < builds; k++) {
		t = now_ns();
		if (maglev_build(set, n, m, table))
			return -1;
		ns[k] = now_ns() - t;
	}
	for (r = 0; r < ROUNDS && builds >= ROUNDS; r++) {
		from = builds * r / ROUNDS;
		to = builds * (r + 1) / ROUNDS;
		qsort(ns + from, to - from, sizeof(*ns), cmp_double);
		rounds[r] = ns[from + (to - from) / 2] / 1e6;
	}
	qsort(ns, builds, sizeof(*ns), cmp_double);
	return ns[builds / 2] / 1e6;
}

/* "key": [r0, r1, ...], rounds as build_ms() filled them. */
static void print_rounds(const char *key, const double *rounds, unsigned int builds)
{
	printf(", \"%s\": [", key);
	for (unsigned int r = 0; r < ROUNDS && builds >= ROUNDS; r++)
		printf("%s%.3f", r ? ", " : "", rounds[r]);
	printf("]");
}

static int run(uint32_t n, uint32_t m, unsigned int builds)
{
	struct maglev_backend *set = calloc(n, sizeof(*set)), *weighted = calloc(n, sizeof(*set));
	uint32_t *table = calloc(m, sizeof(*table));
	double *ns = calloc(builds, sizeof(*ns)), equal_ms, weighted_ms;
	double equal_rounds[ROUNDS], weighted_rounds[ROUNDS];
	uint64_t seed = WEIGHT_SEED;
	unsigned int k;
	int ret = -1;

	if (!set || !weighted || !table || !ns)
		goto out;
	for (k = 0; k < n; k++) {
		backend(&set[k], k);
		weighted[k] = set[k];
		weighted[k].weight = random_weight(&seed);
	}
	weighted_ms = build_ms(weighted, n, m, table, ns, builds, weighted_rounds);
	/* The equal-weight table last: balance and disruption are figures of it. */
	equal_ms = build_ms(set, n, m, table, ns, builds, equal_rounds);
	if (weighted_ms < 0 || equal_ms < 0)
		goto out;
	printf("{\"backends\": %u, \"table_size\": %u, \"builds\": %u", n, m, builds);
	print_rounds("build_ms_rounds", equal_rounds, builds);
	print_rounds("build_ms_weighted_rounds", weighted_rounds, builds);
	printf(", \"build_ms\": %.3f, "
	       "\"build_ms_weighted\": %.3f, "
	       "\"balance\": %.4f, \"disruption_remove\": %.5f, \"disruption_add\": %.5f, "
	       "\"disruption_ideal_remove\": %.5f, \"disruption_ideal_add\": %.5f}\n",
	       equal_ms, weighted_ms, maglev_balance(set, n, table, m),
	       change(set, table, n, m, -1), change(set, table, n, m, +1),
	       1.0 / n, 1.0 / (n + 1));
	ret = 0;
out:
	free(set);
	free(weighted);
	free(table);
	free(ns);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size", required_argument, NULL, 'm' },
		{ "builds", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long m = 65537, builds = 50, n;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			m = strtoul(optarg, NULL, 10);
			break;
		case 'k':
			builds = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind == argc || !builds || !maglev_is_prime((uint32_t)m)) {
		usage(stderr);
		return 2;
	}
	for (i = optind; i < argc; i++) {
		n = strtoul(argv[i], NULL, 10);
		if (n < 2 || n >= m || n > 62500) {
			fprintf(stderr, "bench-maglev: N must be from 2 to below M (and 62500)\n");
			return 2;
		}
		if (run((uint32_t)n, (uint32_t)m, (unsigned int)builds)) {
			fprintf(stderr, "bench-maglev: building a table of %lu for %lu failed\n",
				m, n);
			return 1;
		}
	}
	return 0;
}
