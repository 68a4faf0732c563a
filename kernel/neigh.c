// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Resolving backends to next hops and MACs through the kernel's neighbour table. */
#include <errno.h>
#include <stdarg.h>
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

#include "kernel/neigh.h"
#include "kernel/route.h"

#define NEIGH_POLL_MS		20
#define NEIGH_REPROBE_MS	500
/* States whose link-layer address can be used right away. */
#define NUD_USABLE (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | \
		    NUD_NOARP)

/* One neighbour to resolve for one backend: the backend itself, or its next hop. */
struct wanted {
	const struct conf_service *svc;
	const struct conf_backend *be;
	int ifindex;		/* where the neighbour is */
	struct conf_addr hop;	/* the neighbour: the backend, or the gateway to it */
	bool via_gateway;
	struct nl_addr *dst;	/* hop, for libnl */
	bool resolved;
};

/* Where messages about the configuration point. */
struct where {
	const char *cfg_path;
	const char *ifname;	/* the interface sluice is attached to */
	int ifindex;
};

bool neigh_state_usable(int state)
{
	return state & NUD_USABLE;
}

static const char *addr_str(const struct conf_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(a->family, a->bytes, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

static void backend_error(const struct where *at, const struct wanted *w, const char *fmt,
			  ...) __attribute__((format(printf, 3, 4)));

/* "FILE:LINE:COL: service NAME: backend ADDR " followed by the reason. */
static void backend_error(const struct where *at, const struct wanted *w, const char *fmt,
			  ...)
{
	char addr[INET6_ADDRSTRLEN];
	va_list ap;

	fprintf(stderr, "%s:%u:%u: service %s: backend %s ", at->cfg_path, w->be->pos.line,
		w->be->pos.col, w->svc->name, addr_str(&w->be->addr, addr));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

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

static int plan_l2dsr(const struct where *at, struct nl_cache *addrs, struct wanted *w)
{
	w->ifindex = at->ifindex;
	w->hop = w->be->addr;
	if (on_link(addrs, at->ifindex, &w->be->addr))
		return 0;
	backend_error(at, w, "is not on a subnet of %s; l2dsr needs backends on the same "
		      "L2 segment", at->ifname);
	return -EHOSTUNREACH;
}

/* ipip: wherever the kernel's route to the backend leads, if XDP can send there. */
static int plan_ipip(const struct where *at, struct nl_sock *sk, struct wanted *w)
{
	char egress[IF_NAMESIZE];
	struct route_hop hop;
	const char *why;
	int err;

	err = route_lookup(sk, &w->be->addr, &hop);
	if (err == -ENETUNREACH) {
		backend_error(at, w, "is unreachable: no route");
		return -EHOSTUNREACH;
	}
	if (err)
		return err;
	if (hop.local) {
		backend_error(at, w, "is an address of this node; ipip needs a backend "
			      "elsewhere");
		return -EHOSTUNREACH;
	}
	why = route_egress_unusable(sk, hop.ifindex, egress);
	if (why) {
		backend_error(at, w, "is unreachable: its route leaves by %s, which %s "
			      "(XDP cannot send there)", egress, why);
		return -EHOSTUNREACH;
	}
	w->ifindex = hop.ifindex;
	w->hop = hop.next_hop;
	w->via_gateway = hop.via_gateway;
	return 0;
}

/*
 * The data plane's FIB lookup answers "forwarding disabled" unless the receiving
 * interface forwards the outer family; check each family ipip services use, once.
 */
static int check_forwarding(const struct where *at, const struct conf *cfg)
{
	static const int families[] = { AF_INET, AF_INET6 };
	char sysctl[128];
	size_t f, i, j;
	int err = 0, on;

	for (f = 0; f < 2; f++) {
		const struct conf_service *first = NULL;

		for (i = 0; i < cfg->n_services && !first; i++) {
			const struct conf_service *svc = &cfg->services[i];

			for (j = 0; j < svc->n_backends && !first; j++)
				if (svc->forward == CONF_FORWARD_IPIP &&
				    svc->backends[j].addr.family == families[f])
					first = svc;
		}
		if (!first)
			continue;
		on = route_forwarding(families[f], at->ifname);
		if (on < 0) {
			fprintf(stderr, "sluice: cannot read the forwarding setting of %s: %s\n",
				at->ifname, strerror(-on));
			return on;
		}
		if (on)
			continue;
		route_forwarding_sysctl(families[f], at->ifname, sysctl, sizeof(sysctl));
		fprintf(stderr, "%s:%u:%u: service %s: ipip needs %s forwarding on %s: "
			"sysctl -w %s=1\n", at->cfg_path, first->pos.line, first->pos.col,
			first->name, families[f] == AF_INET ? "IPv4" : "IPv6", at->ifname,
			sysctl);
		err = -EHOSTUNREACH;
	}
	return err;
}

void neigh_probe(struct nl_sock *sk, int ifindex, struct nl_addr *dst)
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

/*
 * The cache's entry for w, found through the cache's hash of (family, interface,
 * address): rtnl_neigh_get() walks the whole table, which made a config of 2,000
 * backends on a node of 4,000 neighbours 8 million comparisons.
 */
static struct rtnl_neigh *find(struct nl_cache *neighs, const struct wanted *w)
{
	struct rtnl_neigh *needle = rtnl_neigh_alloc(), *n = NULL;

	if (!needle)
		return NULL;
	rtnl_neigh_set_family(needle, nl_addr_get_family(w->dst));
	rtnl_neigh_set_ifindex(needle, w->ifindex);
	if (!rtnl_neigh_set_dst(needle, w->dst))
		n = (struct rtnl_neigh *)nl_cache_search(neighs, (struct nl_object *)needle);
	rtnl_neigh_put(needle);
	return n;
}

static bool lookup(struct nl_cache *neighs, struct wanted *w, uint8_t mac[6])
{
	struct rtnl_neigh *n = find(neighs, w);
	struct nl_addr *ll;
	bool ok = false;

	if (!n)
		return false;
	ll = rtnl_neigh_get_lladdr(n);
	if (neigh_state_usable(rtnl_neigh_get_state(n)) && ll && nl_addr_get_len(ll) == 6) {
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

static void unresolved_error(const struct where *at, const struct wanted *w)
{
	const char *asked = w->hop.family == AF_INET6 ? "neighbour solicitation" : "ARP";
	char ifname[IF_NAMESIZE] = "?", hop[INET6_ADDRSTRLEN];

	if_indextoname((unsigned int)w->ifindex, ifname);
	if (w->svc->forward != CONF_FORWARD_IPIP)
		backend_error(at, w, "did not answer %s on %s within %d ms (is it up?)", asked,
			      ifname, NEIGH_TIMEOUT_MS);
	else if (w->via_gateway)
		backend_error(at, w, "is unreachable: its next hop %s did not answer %s on %s "
			      "within %d ms", addr_str(&w->hop, hop), asked, ifname,
			      NEIGH_TIMEOUT_MS);
	else
		backend_error(at, w, "is unreachable: it did not answer %s on %s within %d ms "
			      "(is it up?)", asked, ifname, NEIGH_TIMEOUT_MS);
}

/* Every neighbour the table holds usable now: its MAC where l2dsr needs it. */
static size_t take_usable(struct nl_cache *neighs, struct wanted *w, size_t n,
			  struct backend_path *paths)
{
	size_t i, found = 0;
	uint8_t mac[6];

	for (i = 0; i < n; i++) {
		if (w[i].resolved || !lookup(neighs, &w[i], mac))
			continue;
		/* ipip takes its MACs from the FIB per packet; l2dsr from here. */
		if (w[i].svc->forward != CONF_FORWARD_IPIP)
			memcpy(paths[i].mac, mac, 6);
		w[i].resolved = true;
		found++;
	}
	return found;
}

static void probe_missing(struct nl_sock *sk, const struct wanted *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!w[i].resolved)
			neigh_probe(sk, w[i].ifindex, w[i].dst);
}

/* Probe and wait until every neighbour answers or NEIGH_TIMEOUT_MS passes. */
static int resolve_strict(const struct where *at, struct nl_sock *sk, struct wanted *w,
			  size_t n, struct backend_path *paths)
{
	struct nl_cache *neighs = NULL;
	long start = now_ms(), last_probe = 0;
	size_t i, missing = n;

	if (rtnl_neigh_alloc_cache(sk, &neighs))
		return -EIO;
	for (;;) {
		missing -= take_usable(neighs, w, n, paths);
		if (!missing || now_ms() - start > NEIGH_TIMEOUT_MS)
			break;
		if (now_ms() - last_probe >= NEIGH_REPROBE_MS) {
			probe_missing(sk, w, n);
			last_probe = now_ms();
		}
		usleep(NEIGH_POLL_MS * 1000);
		nl_cache_refill(sk, neighs);
	}
	nl_cache_free(neighs);
	for (i = 0; i < n; i++)
		if (!w[i].resolved)
			unresolved_error(at, &w[i]);
	return missing ? -EHOSTUNREACH : 0;
}

/*
 * The daemon's: what the table has now, without waiting (its event loop must not
 * stall); the rest is asked for once and left to the caller to wait for.
 */
static int resolve_now(struct nl_sock *sk, struct wanted *w, size_t n,
		       struct backend_path *paths, struct neigh_wait *waiting)
{
	struct nl_cache *neighs = NULL;
	size_t i;

	if (rtnl_neigh_alloc_cache(sk, &neighs))
		return -EIO;
	take_usable(neighs, w, n, paths);
	nl_cache_free(neighs);
	probe_missing(sk, w, n);
	for (i = 0; i < n; i++)
		if (!w[i].resolved)
			waiting[i] = (struct neigh_wait){ .waiting = true,
							  .ifindex = w[i].ifindex,
							  .hop = w[i].hop };
	return 0;
}

/* Where each backend's neighbour is; every reason a backend cannot be reached printed. */
static int plan_all(const struct where *at, struct nl_sock *sk, const struct conf *cfg,
		    struct wanted *w, struct backend_path *paths)
{
	struct nl_cache *addrs = NULL;
	size_t i, j, k = 0;
	int err = 0, e;

	if (rtnl_addr_alloc_cache(sk, &addrs))
		return -EIO;
	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];

		for (j = 0; j < svc->n_backends; j++, k++) {
			w[k].svc = svc;
			w[k].be = &svc->backends[j];
			e = svc->forward == CONF_FORWARD_IPIP ? plan_ipip(at, sk, &w[k]) :
				plan_l2dsr(at, addrs, &w[k]);
			if (e && e != -EHOSTUNREACH) {
				err = e;
				goto out;
			}
			if (e) {
				err = e;
				continue;
			}
			paths[k].ifindex = w[k].ifindex;
			w[k].dst = nl_addr_build(w[k].hop.family, w[k].hop.bytes,
						 w[k].hop.family == AF_INET6 ? 16 : 4);
			if (!w[k].dst) {
				err = -ENOMEM;
				goto out;
			}
		}
	}
	e = check_forwarding(at, cfg);
	err = err ? err : e;
out:
	nl_cache_free(addrs);
	return err;
}

int neigh_resolve_backends(const char *ifname, const char *cfg_path,
			   const struct conf *cfg, struct backend_path *paths,
			   struct neigh_wait *waiting)
{
	struct where at = { .cfg_path = cfg_path, .ifname = ifname };
	size_t n = conf_backend_count(cfg), i;
	struct nl_sock *sk = NULL;
	struct wanted *w;
	int err;

	at.ifindex = (int)if_nametoindex(ifname);
	if (!at.ifindex) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		return -ENODEV;
	}
	if (!n)
		return 0;
	memset(paths, 0, n * sizeof(*paths));
	if (waiting)
		memset(waiting, 0, n * sizeof(*waiting));
	w = calloc(n, sizeof(*w));
	sk = nl_socket_alloc();
	if (!w || !sk || nl_connect(sk, NETLINK_ROUTE)) {
		fprintf(stderr, "sluice: cannot talk to the kernel over netlink\n");
		err = -EIO;
		goto out;
	}
	err = plan_all(&at, sk, cfg, w, paths);
	if (err && err != -EHOSTUNREACH)
		fprintf(stderr, "sluice: cannot ask the kernel how to reach the backends: %s\n",
			strerror(-err));
	if (!err)
		err = waiting ? resolve_now(sk, w, n, paths, waiting) :
				resolve_strict(&at, sk, w, n, paths);
out:
	for (i = 0; w && i < n; i++)
		nl_addr_put(w[i].dst);
	free(w);
	nl_socket_free(sk);
	return err;
}
