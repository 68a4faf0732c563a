/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The daemon's watch on changes made behind its back: every TAMPER_EVERY_TICKS
 * seconds it compares the maps with what it applied (kernel/seal.h); a difference
 * is logged, counted (sluice_tamper_total), and with settings.tamper: repair
 * written again by the next apply.
 */
#ifndef SLUICE_DAEMON_TAMPER_H
#define SLUICE_DAEMON_TAMPER_H

#include <stdint.h>
#include <stdio.h>

#include "kernel/seal.h"

#define TAMPER_EVERY_TICKS	3

struct tamper_count {
	uint64_t found[SEAL_PARTS];	/* times a part was found changed */
	unsigned int last_parts;	/* what the last check found */
};

struct running;

/* From the daemon's one-second tick. */
void tamper_tick(struct running *r);

/* sluice_tamper_total, for the daemon's /metrics. */
void tamper_families(FILE *out, const struct running *r);

#endif /* SLUICE_DAEMON_TAMPER_H */
