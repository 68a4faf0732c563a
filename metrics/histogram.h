/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A Prometheus histogram with fixed buckets (the daemon's health-check latency):
 * observations counted per bucket, written as cumulative _bucket samples with
 * `le`, then _sum and _count.
 */
#ifndef SLUICE_METRICS_HISTOGRAM_H
#define SLUICE_METRICS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics/prom.h"

#define HISTOGRAM_MAX_BOUNDS	16

struct histogram {
	size_t n_bounds;
	double bounds[HISTOGRAM_MAX_BOUNDS];		/* upper bounds, ascending */
	uint64_t in_bucket[HISTOGRAM_MAX_BOUNDS + 1];	/* not cumulative; last: above all */
	double sum;
	uint64_t count;
};

/* Empty, with these upper bounds (+Inf is implied). -1 unless 1..16 strictly ascending. */
int histogram_init(struct histogram *h, const double *bounds, size_t n_bounds);

void histogram_observe(struct histogram *h, double value);

/*
 * The samples of name (its family header is the caller's: prom_family with
 * "histogram"): name_bucket{labels,le} for every bound and +Inf, name_sum,
 * name_count. At most PROM_MAX_LABELS - 1 labels.
 */
void histogram_write(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		     const struct histogram *h);

#endif /* SLUICE_METRICS_HISTOGRAM_H */
