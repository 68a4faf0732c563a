/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the kernel's routing says about reaching one address (libnl): the egress
 * interface, the next hop, and whether sluice's FIB lookups may forward there.
 */
#ifndef SLUICE_KERNEL_ROUTE_H
#define SLUICE_KERNEL_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"

struct nl_sock;

/* How the kernel would send a packet to one address. */
struct route_hop {
	int ifindex;			/* egress interface */
	bool local;			/* the address is one of this node's own */
	bool via_gateway;
	struct conf_addr next_hop;	/* the gateway, or the address itself when on-link */
};

/*
 * Ask the kernel for its route to dst (RTM_GETROUTE). Returns 0, -ENETUNREACH when
 * there is none (or only an unreachable, blackhole or prohibit route), or -EIO.
 */
int route_lookup(struct nl_sock *sk, const struct conf_addr *dst, struct route_hop *out);

/*
 * Can an XDP program send frames out of ifindex? Returns NULL if so, else why not
 * ("is the loopback interface", "is down", "does not exist"). name receives the
 * interface's name, or its index in text when it has none.
 */
const char *route_egress_unusable(struct nl_sock *sk, int ifindex, char name[IF_NAMESIZE]);

/*
 * Is forwarding on for family (AF_INET, AF_INET6) on ifname? The FIB lookup of the
 * data plane needs it on the receiving interface. Returns 1, 0, or -errno.
 */
int route_forwarding(int family, const char *ifname);

/* "net.ipv4.conf.eth0.forwarding", with the dots of ifname written as sysctl(8) wants. */
void route_forwarding_sysctl(int family, const char *ifname, char *buf, size_t len);

#endif /* SLUICE_KERNEL_ROUTE_H */
