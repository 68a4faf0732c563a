/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Writing the Prometheus text exposition format (version 0.0.4): a family's HELP
 * and TYPE lines, then its samples. Every family sluice serves, the daemon's
 * included, is written through these, so escaping is done in one place.
 */
#ifndef SLUICE_METRICS_PROM_H
#define SLUICE_METRICS_PROM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The most labels a sample has, `le` of a histogram bucket included. */
#define PROM_MAX_LABELS	8

/* What an HTTP response carrying the format says it is. */
#define PROM_CONTENT_TYPE	"text/plain; version=0.0.4; charset=utf-8"

struct prom_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, written as is */
	const char *value;	/* any text: escaped */
};

/* type: "counter", "gauge" or "histogram". Once per family, before its samples. */
void prom_family(FILE *out, const char *name, const char *type, const char *help);

/* name{labels} value, for a count (exact whatever its size). */
void prom_count(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		uint64_t value);

/* name{labels} value, for a measure (seconds, ratios). */
void prom_value(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		double value);

/* Longest text prom_number writes, NUL included. */
#define PROM_NUMBER_LEN	32

/* value as Prometheus reads it back exactly, as short as that allows: "0.005". */
const char *prom_number(double value, char buf[PROM_NUMBER_LEN]);

#endif /* SLUICE_METRICS_PROM_H */
