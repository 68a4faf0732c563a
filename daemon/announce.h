/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Announcing VIPs (section `announce`): a host route per VIP that should attract
 * traffic, kept in a table that a BGP daemon exports, so the routers' ECMP sends
 * VIP traffic only to nodes that can serve it. A VIP is announced once an apply of
 * a config holding it succeeded and while at least one of its services has a
 * backend that takes new flows; withdrawn otherwise, and on a graceful stop.
 * The routes are the kernel's: a daemon killed outright leaves them as they are,
 * and the next one adopts them (the same set applies: nothing flaps).
 */
#ifndef SLUICE_DAEMON_ANNOUNCE_H
#define SLUICE_DAEMON_ANNOUNCE_H

#include <stdbool.h>
#include <json-c/json.h>

#include "conf/config.h"
#include "daemon/announce_decide.h"
#include "daemon/health.h"
#include "kernel/neigh.h"

struct announce {
	struct conf_announce in_force;	/* table and protocol of the routes held */
	struct vip_routes *routes;	/* open while in_force.set */
	bool stopping;			/* withdrawn for good: the daemon stops */
	size_t n_vips;
	struct announce_vip *vips;
};

/*
 * Make the routes match cfg (applied), its backends' health (file order) and the
 * backends left out for want of a neighbour: add what is missing, delete what
 * should not be there, adopt what already is. A change of table or protocol, or a
 * config without `announce`, withdraws every route held before.
 */
void announce_sync(struct announce *a, const struct conf *cfg, const struct health *h,
		   const struct neigh_wait *waiting);

/*
 * Before next is applied: withdraw the VIPs it drops (all of them, if it changes
 * the table or protocol or has no `announce`).
 */
void announce_prepare(struct announce *a, const struct conf *next);

/*
 * Withdraw everything for good (a graceful stop). Returns true if routes were in
 * force: the routers then need the drain time to move away.
 */
bool announce_stop(struct announce *a);

/* Withdraw what is in force and free. */
void announce_free(struct announce *a);

/*
 * For the state file: {"table", "protocol", "drain", "stopping", "vips": [{"vip",
 * "announced", "reason"}]}, or NULL when the config has no `announce`.
 */
struct json_object *announce_json(const struct announce *a);

#endif /* SLUICE_DAEMON_ANNOUNCE_H */
