/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Which VIPs a node should announce, and which of the routes in its table go:
 * the decision of announce.h, apart from the netlink that carries it out.
 */
#ifndef SLUICE_DAEMON_ANNOUNCE_DECIDE_H
#define SLUICE_DAEMON_ANNOUNCE_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"
#include "daemon/health.h"
#include "kernel/neigh.h"

#define ANNOUNCE_WHY_LEN	192
/* Why nothing is announced once a graceful stop began. */
#define ANNOUNCE_WHY_STOPPING	"stopping: withdrawn, forwarding until the drain ends"

/* One VIP of the running config, as last synced. */
struct announce_vip {
	struct conf_addr vip;
	bool announced;
	char why[ANNOUNCE_WHY_LEN];	/* why not, when not announced */
};

/* Whether a and b name the same routes: both unset, or the same table and protocol. */
bool announce_same_identity(const struct conf_announce *a, const struct conf_announce *b);

/*
 * Each VIP of cfg once, in file order: why[] empty when it should be announced (a
 * service of it has a backend up, active and resolved, and the daemon is not
 * stopping), else why not. h and waiting are per backend, in file order. announced
 * stays false: only a route in the table makes it true. Returns NULL with *n 0 for
 * a config without services, NULL with *n nonzero when out of memory.
 */
struct announce_vip *announce_decide(const struct conf *cfg, const struct health *h,
				     const struct neigh_wait *waiting, bool stopping, size_t *n);

/* Whether route is a host route (/32, /128) to a VIP of vips[0..n) that wants it. */
bool announce_route_wanted(const struct conf_cidr *route, const struct announce_vip *vips,
			   size_t n);

/*
 * Whether route may stay while cfg is applied: a host route to one of its VIPs. A
 * VIP the config drops is withdrawn before the apply, so that routers stop sending
 * its traffic before the node stops serving it.
 */
bool announce_route_in_config(const struct conf_cidr *route, const struct conf *cfg);

#endif /* SLUICE_DAEMON_ANNOUNCE_DECIDE_H */
