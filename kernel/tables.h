/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the compiled tables of a slot hold, read from their inner maps: how a
 * service's Maglev table shares its slots among backends, and the entries and
 * kernel memory of the filter's maps. `sluice status` shows them.
 */
#ifndef SLUICE_KERNEL_TABLES_H
#define SLUICE_KERNEL_TABLES_H

#include "xdp/abi.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "lb/maglev.h"

/*
 * Add to slots_of[id] (SLUICE_MAX_BACKENDS cells) the slots each live backend of
 * `live` holds in the Maglev table of `size` slots in table slot `slot`, and write
 * the table's digest (lb/maglev_digest.h: the same on every node holding the same
 * table; empty when it cannot be read). Returns 0 or -errno.
 */
int tables_maglev_slots(const struct sluice_maps *maps, const struct live_state *live,
			__u32 slot, __u32 size, __u32 *slots_of,
			char digest[MAGLEV_DIGEST_HEX_LEN]);

/* The inner maps of one filter slot; an entry count is -1 when it cannot be read. */
struct tables_filter {
	long long table_cells;		/* filter_tables */
	long long prefixes;		/* filter_prefixes */
	long long pair_entries;		/* filter_pairs */
	long long address_joins;	/* filter_mixed */
	long long memory_bytes;		/* what the kernel charges for the four, plus
					 * the slot's fixed value */
};

void tables_filter_read(const struct sluice_maps *maps, __u32 slot, struct tables_filter *out);

#endif /* SLUICE_KERNEL_TABLES_H */
