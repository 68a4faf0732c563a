/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Seeded random rule sets and packets for the filter compiler's tests: shaped like
 * real access lists (prefixes drawn from a pool so that they nest and repeat, a few
 * well-known ports and ranges, both families), and packets aimed at those rules.
 */
#ifndef SLUICE_TESTS_RULEGEN_H
#define SLUICE_TESTS_RULEGEN_H

#include <stddef.h>
#include <stdint.h>

#include "filter/filter_compile.h"

struct rulegen {
	uint64_t state;
};

uint32_t rulegen_next(struct rulegen *g);

/* n rules then the default (n + 1 in all); counters are the positions. */
void rulegen_rules(struct rulegen *g, struct sluice_rule *rules, size_t n, __u8 default_action);

/* A packet near a random rule of rules[0..n-1] (or anywhere, one time in four). */
void rulegen_packet(struct rulegen *g, const struct sluice_rule *rules, size_t n,
		    struct filter_packet *pkt);

#endif /* SLUICE_TESTS_RULEGEN_H */
