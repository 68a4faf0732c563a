/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A newer sluice replaces the running program in place: the new program is loaded
 * onto the pinned maps (flows, counters, rate buckets, tables, rules stay as they
 * are) and swapped in by one atomic replace of the interface's program, so no
 * packet finds the interface without a program and no flow changes backend.
 */
#ifndef SLUICE_KERNEL_XDP_UPGRADE_H
#define SLUICE_KERNEL_XDP_UPGRADE_H

#include <linux/types.h>

struct upgrade_done {
	__u32 old_id;		/* the program replaced */
	__u32 new_id;		/* the program now on the interface */
	__u32 layout;		/* the maps' layout, which both programs share */
};

/*
 * Replace sluice's program on ifname by the one in object_path (NULL: the object
 * this sluice carries), under the caller's apply lock. Refuses, changing nothing,
 * when the pins are not the running program's, when the running program sits in
 * libxdp's dispatcher, or when the new object is built for another map layout than
 * the running one or this sluice. Prints why and returns -errno on failure.
 */
int xdp_upgrade(const char *ifname, const char *object_path, struct upgrade_done *done);

#endif /* SLUICE_KERNEL_XDP_UPGRADE_H */
