// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What `sluice watch` decides when a backend's neighbour changes (no kernel calls). */
#include <string.h>
#include <linux/neighbour.h>

#include "kernel/neigh.h"
#include "kernel/watch_event.h"

enum watch_action watch_decide(const struct watch_target *t, enum watch_what what,
			       int state, const uint8_t *lladdr)
{
	if (what != WATCH_PRESENT)
		return WATCH_PROBE;
	/*
	 * Nothing sends packets through the kernel to it (XDP does), so nothing else
	 * would make the kernel retry: a FAILED or never-resolved entry stays so.
	 */
	if (state & (NUD_FAILED | NUD_INCOMPLETE) || state == NUD_NONE)
		return WATCH_PROBE;
	if (t->l2dsr && neigh_state_usable(state) && lladdr && memcmp(lladdr, t->mac, 6))
		return WATCH_SET_MAC;
	return WATCH_NOTHING;
}

bool watch_nexthop_moved(const struct watch_target *t, enum watch_what what, int state,
			 const uint8_t *lladdr)
{
	if (t->l2dsr || !t->usable)
		return false;
	return what != WATCH_PRESENT || !neigh_state_usable(state) || !lladdr ||
	       memcmp(lladdr, t->mac, 6);
}

bool watch_route_moved(const struct watch_target *was, const struct watch_target *now)
{
	if (was->l2dsr)
		return false;
	return !now || was->ifindex != now->ifindex ||
	       memcmp(&was->hop, &now->hop, sizeof(was->hop));
}
