// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>

#include "cli/neigh.h"

#define NEIGH_POLL_MS		20
#define NEIGH_REPROBE_MS	500
/* States whose link-layer address can be used right away. */
#define NUD_USABLE (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | \
		    NUD_NOARP)

struct wanted {
	const struct conf_service *svc;
	const struct conf_backend *be;
	struct nl_addr *dst;
	bool resolved;
};

static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned int prefix_len)
{
	unsigned int full = prefix_len / 8, rest = prefix_len % 8;

	if (memcmp(a, b, full))
		return false;
	return !rest || !((a[full] ^ b[full]) & (0xff00 >> rest));
}

/* l2dsr rewrites only MACs, so a backend must sit on one of ifname's own subnets. */
static bool on_link(struct nl_cache *addrs, int ifindex, const struct conf_addr *addr)
{
	struct nl_object *obj;

	for (obj = nl_cache_get_first(addrs); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(a);

		if (rtnl_addr_get_ifindex(a) != ifindex || !local ||
		    nl_addr_get_family(local) != addr->family)
			continue;
		if (same_prefix(nl_addr_get_binary_addr(local), addr->bytes,
				(unsigned int)rtnl_addr_get_prefixlen(a)))
			return true;
	}
	return false;
}

/* Ask the kernel to resolve dst as if a packet were waiting for it (NTF_USE). */
static void probe(struct nl_sock *sk, int ifindex, struct nl_addr *dst)
{
	struct rtnl_neigh *n = rtnl_neigh_alloc();

	if (!n)
		return;
	rtnl_neigh_set_ifindex(n, ifindex);
	rtnl_neigh_set_dst(n, dst);
	rtnl_neigh_set_flags(n, NTF_USE);
	/* Without NLM_F_CREATE the kernel refuses to make the entry it is to resolve. */
	rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_REPLACE);
	rtnl_neigh_put(n);
}

static bool lookup(struct nl_cache *neighs, int ifindex, struct wanted *w, uint8_t mac[6])
{
	struct rtnl_neigh *n = rtnl_neigh_get(neighs, ifindex, w->dst);
	struct nl_addr *ll;
	bool ok = false;

	if (!n)
		return false;
	ll = rtnl_neigh_get_lladdr(n);
	if ((rtnl_neigh_get_state(n) & NUD_USABLE) && ll && nl_addr_get_len(ll) == 6) {
		memcpy(mac, nl_addr_get_binary_addr(ll), 6);
		ok = true;
	}
	rtnl_neigh_put(n);
	return ok;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int resolve(struct nl_sock *sk, const char *ifname, int ifindex, struct wanted *w,
		   size_t n, struct backend_path *paths)
{
	struct nl_cache *neighs = NULL;
	long start = now_ms(), last_probe = 0;
	size_t i, missing = n;
	char addr[INET6_ADDRSTRLEN];

	if (rtnl_neigh_alloc_cache(sk, &neighs))
		return -EIO;
	for (;;) {
		for (i = 0; i < n; i++)
			if (!w[i].resolved && lookup(neighs, ifindex, &w[i], paths[i].mac)) {
				w[i].resolved = true;
				missing--;
			}
		if (!missing || now_ms() - start > NEIGH_TIMEOUT_MS)
			break;
		if (now_ms() - last_probe >= NEIGH_REPROBE_MS) {
			for (i = 0; i < n; i++)
				if (!w[i].resolved)
					probe(sk, ifindex, w[i].dst);
			last_probe = now_ms();
		}
		usleep(NEIGH_POLL_MS * 1000);
		nl_cache_refill(sk, neighs);
	}
	nl_cache_free(neighs);
	for (i = 0; i < n; i++) {
		if (w[i].resolved)
			continue;
		inet_ntop(w[i].be->addr.family, w[i].be->addr.bytes, addr, sizeof(addr));
		fprintf(stderr, "sluice: service %s: backend %s did not answer %s on %s "
			"within %d ms (is it up?)\n", w[i].svc->name, addr,
			w[i].be->addr.family == AF_INET6 ? "neighbour solicitation" : "ARP",
			ifname, NEIGH_TIMEOUT_MS);
	}
	return missing ? -EHOSTUNREACH : 0;
}

int neigh_resolve_backends(const char *ifname, const char *cfg_path,
			   const struct conf *cfg, struct backend_path *paths)
{
	size_t n = conf_backend_count(cfg), i, j, k = 0;
	struct nl_cache *addrs = NULL;
	struct nl_sock *sk = NULL;
	struct wanted *w;
	int ifindex, err = 0;
	char addr[INET6_ADDRSTRLEN];

	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		return -ENODEV;
	}
	if (!n)
		return 0;
	w = calloc(n, sizeof(*w));
	sk = nl_socket_alloc();
	if (!w || !sk || nl_connect(sk, NETLINK_ROUTE) || rtnl_addr_alloc_cache(sk, &addrs)) {
		fprintf(stderr, "sluice: cannot talk to the kernel over netlink\n");
		err = -EIO;
		goto out;
	}
	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];

		for (j = 0; j < svc->n_backends; j++, k++) {
			paths[k].ifindex = ifindex;
			w[k].svc = svc;
			w[k].be = &svc->backends[j];
			w[k].dst = nl_addr_build(w[k].be->addr.family, w[k].be->addr.bytes,
						 w[k].be->addr.family == AF_INET6 ? 16 : 4);
			if (!w[k].dst) {
				err = -ENOMEM;
				goto out;
			}
			if (!on_link(addrs, ifindex, &w[k].be->addr)) {
				inet_ntop(w[k].be->addr.family, w[k].be->addr.bytes, addr,
					  sizeof(addr));
				fprintf(stderr, "%s:%u:%u: service %s: backend %s is not on a "
					"subnet of %s; l2dsr needs backends on the same L2 "
					"segment\n", cfg_path, w[k].be->pos.line,
					w[k].be->pos.col, svc->name, addr, ifname);
				err = -EHOSTUNREACH;
			}
		}
	}
	if (!err)
		err = resolve(sk, ifname, ifindex, w, n, paths);
out:
	for (i = 0; w && i < n; i++)
		nl_addr_put(w[i].dst);
	free(w);
	nl_cache_free(addrs);
	nl_socket_free(sk);
	return err;
}
