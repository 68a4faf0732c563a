/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The host routes `sluice run` keeps for announced VIPs (libnl): blackhole routes
 * in a table of their own, marked with a route protocol number of their own, which
 * a BGP daemon exports. Every route of that protocol in that table is sluice's;
 * no other route is ever touched (the kernel matches the protocol on delete).
 */
#ifndef SLUICE_KERNEL_VIP_ROUTE_H
#define SLUICE_KERNEL_VIP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"

struct vip_routes;

/* A netlink socket for routes of (table, protocol). Returns 0 or -errno. */
int vip_routes_open(uint32_t table, uint8_t protocol, struct vip_routes **out);

void vip_routes_close(struct vip_routes *vr);

/*
 * The routes of our protocol in our table, both families, into a malloc'ed array
 * (*n of them; *out NULL when none). Returns 0 or -errno.
 */
int vip_routes_list(struct vip_routes *vr, struct conf_cidr **out, size_t *n);

/*
 * Add the host route of vip. Returns 0, -EEXIST when the table holds a route to
 * it already (another program's: ours would have been listed), or -errno.
 */
int vip_routes_add(struct vip_routes *vr, const struct conf_addr *vip);

/* Delete our route to dst (only of our protocol). Returns 0, -ESRCH, or -errno. */
int vip_routes_del(struct vip_routes *vr, const struct conf_cidr *dst);

#endif /* SLUICE_KERNEL_VIP_ROUTE_H */
