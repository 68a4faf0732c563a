/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* How the node reaches its backends, resolved from the kernel's tables (libnl). */
#ifndef SLUICE_KERNEL_NEIGH_H
#define SLUICE_KERNEL_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/config.h"

#define NEIGH_TIMEOUT_MS	3000

/* How the node reaches one backend, as resolved at apply. */
struct backend_path {
	uint8_t mac[6];		/* l2dsr: the backend's MAC */
	int ifindex;		/* the interface packets to it leave by */
};

/*
 * A backend left out for now because its neighbour has not answered: the neighbour
 * to wait for, so that the caller can probe it and take the backend in when it does.
 */
struct neigh_wait {
	bool waiting;
	int ifindex;		/* where the neighbour is */
	struct conf_addr hop;	/* the backend itself, or the next hop to it (ipip) */
};

/*
 * Resolve every backend of cfg for the sluice program on ifname, asking the kernel
 * to probe (ARP/NDP) the neighbours it does not know yet: an l2dsr backend must be
 * on one of ifname's subnets and answer there; an ipip backend needs a route whose
 * egress XDP can send out of, a next hop that answers, and forwarding on ifname for
 * its family. paths[i] receives the path of the i-th backend in file order.
 *
 * waiting, when not NULL, is the daemon's lenient mode: nothing waits. The neighbours
 * the kernel has usable now resolve; every other is asked for once (ARP/NDP) and
 * marked in waiting[i] with where it is, and is no reason to fail. A backend the
 * config cannot reach (off-subnet, no route) still is. NULL: probe and wait up to
 * NEIGH_TIMEOUT_MS for every neighbour; one that does not answer fails the call.
 *
 * Returns 0; -EHOSTUNREACH when the config cannot be applied as the network stands
 * (each reason printed as cfg_path:LINE:COL: message, cfg_path naming the file); or
 * another -errno when the kernel could not be asked. paths is then undefined.
 */
int neigh_resolve_backends(const char *ifname, const char *cfg_path,
			   const struct conf *cfg, struct backend_path *paths,
			   struct neigh_wait *waiting);

struct nl_sock;
struct nl_addr;

/* Ask the kernel to resolve dst on ifindex as if a packet were waiting for it. */
void neigh_probe(struct nl_sock *sk, int ifindex, struct nl_addr *dst);

/* Does a neighbour in NUD state `state` have a link-layer address to use now? */
bool neigh_state_usable(int state);

#endif /* SLUICE_KERNEL_NEIGH_H */
