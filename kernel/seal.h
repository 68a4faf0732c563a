/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The seal of an interface's state: what the last apply left, as digests of each
 * part packets depend on, pinned beside the maps (SEAL_PIN). Every apply, and every
 * write of `sluice watch`, seals what it wrote; status, stats and the daemon compare
 * the running state with it, so that a change made behind sluice's back (a map
 * written with bpftool, the filter's slot flipped, another program attached) is
 * named instead of run unnoticed.
 *
 * The digests cover every value the data plane reads but the rate-limit buckets and
 * the flow table, which packets write, and the inner maps by identity (which map
 * sits in a slot, and the filter's fixed region by content), not cell by cell.
 */
#ifndef SLUICE_KERNEL_SEAL_H
#define SLUICE_KERNEL_SEAL_H

#include <linux/types.h>
#include <stdbool.h>

#include "kernel/live.h"
#include "kernel/map_writes.h"
#include "kernel/maps.h"

#define SEAL_PIN	"seal"

enum seal_part {
	SEAL_PROGRAM,	/* sluice's program on the interface, by id */
	SEAL_SETTINGS,
	SEAL_SERVICES,	/* services and their names */
	SEAL_BACKENDS,
	SEAL_TABLES,	/* each service's Maglev slot and the table in it */
	SEAL_FILTER,	/* the filter's active slot, its header, fixed region, inner maps,
			 * and the slot's rate-limit parameters */
	SEAL_RULES,	/* rule_meta */
	SEAL_PEERS,	/* health_peers */
	SEAL_PORTS,	/* tx_ports */
	SEAL_ROOT,	/* the generation the root selects (its filter slot: SEAL_FILTER) */
	SEAL_PARTS,
};

struct seal {
	__u64 magic;
	__u32 prog_id;
	__u32 root;
	__u64 digest[SEAL_PARTS];
};

/*
 * The program sluice itself swapped in (`sluice upgrade`): a seal naming old_id
 * names new_id from now on, and nothing else of it changes, so a difference found
 * before the upgrade is still reported after it. 0 (also when there is no seal, or
 * it named another program) or -errno.
 */
int seal_move_program(const char *ifname, __u32 old_id, __u32 new_id);

/* What the state of ifname is now (live read from maps). 0 or -errno. */
int seal_compute(const char *ifname, const struct sluice_maps *maps,
		 const struct live_state *live, struct seal *out);

/* Pin s as ifname's seal, replacing the last one. 0 or -errno. */
int seal_write(const char *ifname, const struct seal *s);

/*
 * Compute and pin the seal of ifname now, reading its maps; the caller holds the lock
 * and has just written them. scratch: a state read before, to read into (its memory
 * is mapped already), or NULL. Prints why not. 0 or -errno.
 */
int seal_now(const char *ifname, const struct sluice_maps *maps, struct live_state *scratch);

/*
 * Seal what the writes ops[0..n-1] of an apply left, as seal_now does, given the
 * state its check read (plan/tamper.h: live, and checked, the digests of every part
 * then): a part none of the writes touched keeps the digest the check computed from
 * the same state under the same lock, so only the parts written are read back (into
 * live) and digested again. A change behind sluice's back to an untouched part
 * since the check stays different from the seal, and the next look reports it.
 * checked NULL or not computed (no seal then): the whole state. 0 or -errno.
 */
int seal_after(const char *ifname, const struct sluice_maps *maps, const struct op *ops,
	       size_t n, struct live_state *live, const struct seal *checked);

/* The pinned seal of ifname: 0, -ENOENT when there is none, or -errno. */
int seal_read(const char *ifname, struct seal *out);

/*
 * Compare the state now with the seal: returns a bit per differing part (1 <<
 * enum seal_part), 0 when none differs or there is no seal, -errno when the state
 * cannot be read.
 */
int seal_differs(const char *ifname, const struct sluice_maps *maps,
		 const struct live_state *live, struct seal *sealed, struct seal *now);

/* Print one line per differing part to stderr: "sluice: IFNAME: tampered: ...". */
void seal_report(const char *ifname, unsigned int parts, const struct seal *sealed,
		 const struct seal *now);

/* The part's name in messages and metrics ("filter", "program", ...). */
const char *seal_part_name(enum seal_part part);

#endif /* SLUICE_KERNEL_SEAL_H */
