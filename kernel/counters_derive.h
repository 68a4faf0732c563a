/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The global counters the data plane does not write: RX and FILTER_PASS are the
 * sums of their parts (xdp/stats.h), so every reader adds them up instead of the
 * program counting each packet twice more. A sum of counters that only grow only
 * grows, however the reads of its parts interleave with packets: rates and
 * Prometheus counters built on them stay sound. Header-only, so that everything
 * that reads the `stats` map (commands, metrics, tests, the fuzzer) derives them
 * alike.
 */
#ifndef SLUICE_KERNEL_COUNTERS_DERIVE_H
#define SLUICE_KERNEL_COUNTERS_DERIVE_H

#include "xdp/abi.h"

static inline void counters_add(struct sluice_counter *sum, const struct sluice_counter *c)
{
	sum->packets += c->packets;
	sum->bytes += c->bytes;
}

/* Fill g[SLUICE_STAT_FILTER_PASS] and g[SLUICE_STAT_RX] from the counters read. */
static inline void counters_derive(struct sluice_counter g[SLUICE_STAT_MAX])
{
	static const enum sluice_stat after_filter[] = {
		SLUICE_STAT_PASS, SLUICE_STAT_LB_NO_BACKEND, SLUICE_STAT_LB_FORWARD,
		SLUICE_STAT_LB_NO_ROUTE, SLUICE_STAT_LB_NO_NEIGH, SLUICE_STAT_LB_ENCAP_ERROR,
		SLUICE_STAT_LB_TOO_BIG, SLUICE_STAT_LB_TOO_BIG_NODF,
	};
	static const enum sluice_stat every_frame[] = {
		SLUICE_STAT_OTHER_HOST, SLUICE_STAT_NON_IP, SLUICE_STAT_MALFORMED,
		SLUICE_STAT_FILTER_DROP, SLUICE_STAT_FILTER_PASS,
	};
	unsigned int i;

	g[SLUICE_STAT_FILTER_PASS] = (struct sluice_counter){ 0 };
	for (i = 0; i < sizeof(after_filter) / sizeof(after_filter[0]); i++)
		counters_add(&g[SLUICE_STAT_FILTER_PASS], &g[after_filter[i]]);
	g[SLUICE_STAT_RX] = (struct sluice_counter){ 0 };
	for (i = 0; i < sizeof(every_frame) / sizeof(every_frame[0]); i++)
		counters_add(&g[SLUICE_STAT_RX], &g[every_frame[i]]);
}

#endif /* SLUICE_KERNEL_COUNTERS_DERIVE_H */
