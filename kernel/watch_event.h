/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What `sluice watch` does when the kernel's view of a backend's neighbour changes. */
#ifndef SLUICE_KERNEL_WATCH_EVENT_H
#define SLUICE_KERNEL_WATCH_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/config.h"

/* One neighbour kept resolved for one live backend. */
struct watch_target {
	uint32_t backend_id;
	uint32_t gen;			/* of backends[backend_id] when this was built */
	char service[CONF_NAME_LEN];
	struct conf_addr backend;
	bool l2dsr;			/* backends[backend_id].mac must follow the neighbour */
	bool via_gateway;		/* ipip: hop is the backend's gateway */
	int ifindex;			/* where the neighbour is */
	struct conf_addr hop;		/* the backend, or its gateway */
	uint8_t mac[6];			/* l2dsr: the MAC in the map; ipip: the neighbour's
					 * when last seen usable */
	int state;			/* NUD state last seen; WATCH_UNSEEN before */
	bool usable;			/* last seen with a usable link-layer address */
	long probed_ms;			/* CLOCK_MONOTONIC of the last probe */
};

#define WATCH_UNSEEN	(-1)

enum watch_what {
	WATCH_PRESENT,		/* the neighbour is in the table, in state `state` */
	WATCH_DELETED,		/* it was just removed from the table */
	WATCH_ABSENT,		/* it is not in the table */
};

enum watch_action {
	WATCH_NOTHING,
	WATCH_SET_MAC,		/* write lladdr into the backend's entry */
	WATCH_PROBE,		/* ask the kernel to resolve it again (NTF_USE) */
};

/*
 * What to do about t's neighbour now that the table says `what` (and, if present,
 * its NUD state and link-layer address, NULL when it has none).
 */
enum watch_action watch_decide(const struct watch_target *t, enum watch_what what,
			       int state, const uint8_t *lladdr);

/*
 * ipip: may the next hop the data plane cached for t be wrong now that the table says
 * `what` of t's neighbour? When it was usable at t->mac and no longer is, or has
 * another address. Its NUD state moving among the usable ones changes nothing.
 */
bool watch_nexthop_moved(const struct watch_target *t, enum watch_what what, int state,
			 const uint8_t *lladdr);

/*
 * ipip: the route to a backend, was (a target of an earlier refresh) and now (the
 * same backend id and generation now, NULL when it lost its route): is it another?
 */
bool watch_route_moved(const struct watch_target *was, const struct watch_target *now);

#endif /* SLUICE_KERNEL_WATCH_EVENT_H */
