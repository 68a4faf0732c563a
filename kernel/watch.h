/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Keeping the live backends reachable as the network changes: the engine that
 * `sluice watch` runs alone and `sluice run` runs in its event loop. It follows the
 * kernel's neighbour table through one netlink socket the caller polls, rewrites
 * l2dsr backends' MACs, probes neighbours that fail, and drops the ipip next hops
 * the data plane cached when they move. One line on stdout per event.
 */
#ifndef SLUICE_KERNEL_WATCH_H
#define SLUICE_KERNEL_WATCH_H

#include <signal.h>
#include <stdbool.h>

#include "conf/config.h"

/* How often the live backends (and the routes to ipip ones) should be read again. */
#define WATCH_REFRESH_MS	1000

/* What watch_refresh returns when sluice is no longer attached. */
#define WATCH_DETACHED		1

struct watch;

struct watch_hooks {
	/*
	 * Every neighbour event on any interface, the live backends' or not: the daemon
	 * learns here that a backend it left out for want of a MAC answers now.
	 */
	void (*neigh_seen)(void *ctx, int ifindex, const struct conf_addr *addr,
			   bool usable);
	void *ctx;
};

/*
 * Start watching the backends of sluice on ifname (hooks may be NULL). once: log
 * every backend without a route (for --once). Returns 0 or -errno after printing why.
 */
int watch_open(const char *ifname, bool once, const struct watch_hooks *hooks,
	       struct watch **out);
void watch_close(struct watch *w);

/* The socket to poll for readability; then call watch_readable. */
int watch_fd(const struct watch *w);
int watch_readable(struct watch *w);

/*
 * Read the live backends again (applies made meanwhile) and fix what the table
 * says now; call every WATCH_REFRESH_MS. Returns 0, WATCH_DETACHED, or -errno.
 */
int watch_refresh(struct watch *w);

/*
 * --once: probe what is unresolved and wait up to NEIGH_TIMEOUT_MS for it (or until
 * *stopping). Returns how many backends are left unresolved or without a route.
 */
int watch_settle(struct watch *w, volatile sig_atomic_t *stopping);

/* Does the neighbour table, as the last events left it, hold addr on ifindex usable? */
bool watch_neigh_usable(struct watch *w, int ifindex, const struct conf_addr *addr);

/* Ask the kernel to resolve addr on ifindex (ARP/NDP). */
void watch_probe(struct watch *w, int ifindex, const struct conf_addr *addr);

#endif /* SLUICE_KERNEL_WATCH_H */
