/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The interface's own MAC in the data plane (settings.macs[0]): the destination
 * that makes a unicast frame ours and the source of every frame sent back out.
 */
#ifndef SLUICE_KERNEL_OWN_MAC_H
#define SLUICE_KERNEL_OWN_MAC_H

#include <linux/types.h>

#include "kernel/maps.h"

/* The interface's MAC as the kernel has it now: 0, or -errno after printing why. */
int own_mac_read(const char *ifname, __u8 mac[6]);

/*
 * Make settings.macs[0] the interface's MAC now, under the apply lock, keeping the
 * MACs the config listed: at attach without a config, and when `sluice watch` sees
 * the address change (an apply writes it as part of its plan). Returns 1 when it
 * wrote (old: the MAC it replaced, zero if none; now: the new one), 0 when the
 * data plane had it already, or -errno after printing why.
 */
int own_mac_follow(const char *ifname, const struct sluice_maps *maps, __u8 old[6],
		   __u8 now[6]);

/* The same for a caller that holds the lock already (attach). */
int own_mac_follow_locked(const char *ifname, const struct sluice_maps *maps, __u8 old[6],
			  __u8 now[6]);

#endif /* SLUICE_KERNEL_OWN_MAC_H */
