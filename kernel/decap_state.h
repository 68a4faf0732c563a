/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `sluice decap`'s state on an interface, in and out of its pinned maps: loading
 * and attaching the program with its sources filled in, and reading back what it
 * accepts and what it counted.
 */
#ifndef SLUICE_KERNEL_DECAP_STATE_H
#define SLUICE_KERNEL_DECAP_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <xdp/libxdp.h>

#include "conf/config.h"
#include "xdp/abi.h"

struct decap_state {
	bool restricted;		/* only sources[] are stripped */
	size_t n_sources;
	struct conf_cidr sources[SLUICE_DECAP_SOURCES];
	bool counted;			/* counters[] could be read */
	struct sluice_counter counters[SLUICE_DECAP_STAT_MAX];
};

/*
 * Load decap with its maps pinned in dir (kernel/pin.h's name of the interface's
 * decap state) and the n_from outer sources it accepts already in them (none: any),
 * and attach it to ifindex through libxdp. Prints why not; returns 0 or -errno.
 */
int decap_load_attach(const char *ifname, int ifindex, enum xdp_attach_mode mode,
		      const char *dir, const struct conf_cidr *from, size_t n_from);

/* What the maps pinned in dir hold; what cannot be read stays empty. */
void decap_state_read(const char *dir, struct decap_state *out);

/*
 * Are the maps pinned in dir those of program prog_id? NULL if so, else the name
 * of the first that is not (or cannot be read): decap was attached again without
 * these pins (another mount namespace), so what they hold is no program's.
 */
const char *decap_state_stranger(const char *dir, __u32 prog_id);

#endif /* SLUICE_KERNEL_DECAP_STATE_H */
