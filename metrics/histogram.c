// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "metrics/histogram.h"

int histogram_init(struct histogram *h, const double *bounds, size_t n_bounds)
{
	size_t i;

	memset(h, 0, sizeof(*h));
	if (!n_bounds || n_bounds > HISTOGRAM_MAX_BOUNDS)
		return -1;
	for (i = 1; i < n_bounds; i++)
		if (!(bounds[i - 1] < bounds[i]))
			return -1;
	memcpy(h->bounds, bounds, n_bounds * sizeof(*bounds));
	h->n_bounds = n_bounds;
	return 0;
}

void histogram_observe(struct histogram *h, double value)
{
	size_t i = 0;

	/* Buckets are "less than or equal": a value on a bound belongs to it. */
	while (i < h->n_bounds && value > h->bounds[i])
		i++;
	h->in_bucket[i]++;
	h->sum += value;
	h->count++;
}

void histogram_write(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		     const struct histogram *h)
{
	struct prom_label with_le[PROM_MAX_LABELS];
	char metric[128], le[PROM_NUMBER_LEN];
	uint64_t below = 0;
	size_t i;

	if (n > PROM_MAX_LABELS - 1)
		n = PROM_MAX_LABELS - 1;
	memcpy(with_le, labels, n * sizeof(*labels));
	with_le[n] = (struct prom_label){ "le", le };
	snprintf(metric, sizeof(metric), "%s_bucket", name);
	for (i = 0; i <= h->n_bounds; i++) {
		below += h->in_bucket[i];
		if (i < h->n_bounds)
			prom_number(h->bounds[i], le);
		else
			snprintf(le, sizeof(le), "+Inf");
		prom_count(out, metric, with_le, n + 1, below);
	}
	snprintf(metric, sizeof(metric), "%s_sum", name);
	prom_value(out, metric, labels, n, h->sum);
	snprintf(metric, sizeof(metric), "%s_count", name);
	prom_count(out, metric, labels, n, h->count);
}
