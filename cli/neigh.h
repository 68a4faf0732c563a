/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Backend MAC addresses, resolved from the kernel's neighbour table (libnl). */
#ifndef SLUICE_CLI_NEIGH_H
#define SLUICE_CLI_NEIGH_H

#include <stdint.h>

#include "conf/config.h"

#define NEIGH_TIMEOUT_MS	3000

/* How the node reaches one backend, as resolved at apply. */
struct backend_path {
	uint8_t mac[6];		/* l2dsr: the backend's MAC */
	int ifindex;		/* the interface packets to it leave by */
};

/*
 * Resolve every backend of cfg reachable through ifname, asking the kernel to
 * probe (ARP/NDP) those it does not know yet. paths[i] receives the path of the
 * i-th backend in file order. On failure prints every unreachable backend and
 * returns -EHOSTUNREACH (or another -errno); paths is then undefined. cfg_path
 * names the file in messages.
 */
int neigh_resolve_backends(const char *ifname, const char *cfg_path,
			   const struct conf *cfg, struct backend_path *paths);

#endif /* SLUICE_CLI_NEIGH_H */
