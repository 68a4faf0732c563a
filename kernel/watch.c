// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The engine of `sluice watch` and `sluice run`: keep the backends' neighbours
 * resolved as the network changes. It follows the kernel's neighbour table (libnl's
 * cache manager, whose socket the caller polls) and the live backends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/neighbour.h>
#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>

#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/journal.h"
#include "kernel/neigh.h"
#include "kernel/own_mac.h"
#include "kernel/pin.h"
#include "kernel/seal.h"
#include "kernel/fmt.h"
#include "kernel/route.h"
#include "kernel/watch.h"
#include "kernel/watch_event.h"

/* A neighbour that stays unresolved is probed again at most this often. */
#define WATCH_REPROBE_MS	1000

struct watch {
	struct watch_hooks hooks;
	char ifname[IF_NAMESIZE];
	int ifindex;
	bool once;
	struct sluice_maps maps;
	struct nl_sock *sk;		/* probes and route lookups */
	struct nl_cache_mngr *mngr;
	struct nl_cache *neighs;	/* kept current by mngr */
	struct nl_cache *links;		/* likewise: our interface's MAC */
	struct watch_target *targets;
	size_t n_targets;
	size_t unrouted;		/* ipip backends without a usable route */
	unsigned int macs_set;
	bool nexthops_stale;		/* an ipip route or next hop changed: bump the gen */
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *addr_str(const struct conf_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(a->family, a->bytes, buf, INET6_ADDRSTRLEN) ? buf : "?";
}

/* "eth0: service web: backend 10.0.1.11" or "...: backend 10.0.9.9: next hop 10.0.0.1" */
static void log_target(const struct watch *w, const struct watch_target *t, const char *fmt,
		       ...) __attribute__((format(printf, 3, 4)));

static void log_target(const struct watch *w, const struct watch_target *t, const char *fmt,
		       ...)
{
	char be[INET6_ADDRSTRLEN], hop[INET6_ADDRSTRLEN];
	va_list ap;

	printf("%s: service %s: backend %s", w->ifname, t->service, addr_str(&t->backend, be));
	if (t->via_gateway)
		printf(": next hop %s", addr_str(&t->hop, hop));
	putchar(' ');
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* A change the engine made to the data plane, for the change log. */
static void log_repair(struct watch *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_repair(struct watch *w, const char *fmt, ...)
{
	char summary[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(summary, sizeof(summary), fmt, ap);
	va_end(ap);
	journal_change(&(struct change){ .action = "watch: repair", .ifname = w->ifname,
		       .summary = summary });
}

/* One element update, under the apply lock, and only if the id still is this backend. */
static int set_mac(struct watch *w, struct watch_target *t, const uint8_t mac[6])
{
	struct sluice_backend be;
	int lock_fd, err = 0;
	__u32 gen, index;

	lock_fd = pin_lock(w->ifname);
	if (lock_fd < 0)
		return lock_fd;
	err = live_running_gen(&w->maps, &gen);
	index = SLUICE_BACKEND_INDEX(gen, t->backend_id);
	if (!err && bpf_map_lookup_elem(w->maps.backends, &index, &be))
		err = -errno;
	if (!err && (!(be.flags & SLUICE_BACKEND_F_LIVE) || be.gen != t->gen ||
		     memcmp(be.addr, t->backend.bytes, sizeof(be.addr))))
		err = -ESTALE;	/* an apply moved it; the next refresh sees that */
	if (!err && memcmp(be.mac, mac, 6)) {
		memcpy(be.mac, mac, 6);
		if (bpf_map_update_elem(w->maps.backends, &index, &be, BPF_EXIST))
			err = -errno;
		else	/* what watch writes is sluice's own: sealed, as an apply's is */
			err = seal_now(w->ifname, &w->maps, NULL);
	}
	close(lock_fd);
	return err;
}

/*
 * One settings write, under the apply lock so that an apply's own settings write
 * cannot undo it: every CPU asks the FIB again on its next packet to each backend.
 */
static int bump_nexthop_gen(struct watch *w)
{
	struct sluice_settings set;
	int lock_fd, err = 0;
	__u32 gen;

	lock_fd = pin_lock(w->ifname);
	if (lock_fd < 0)
		return lock_fd;
	err = live_running_gen(&w->maps, &gen);
	if (!err && bpf_map_lookup_elem(w->maps.settings, &gen, &set))
		err = -errno;
	if (!err) {
		set.nexthop_gen++;
		if (bpf_map_update_elem(w->maps.settings, &gen, &set, BPF_EXIST))
			err = -errno;
		else
			err = seal_now(w->ifname, &w->maps, NULL);
	}
	close(lock_fd);
	return err;
}

/* However many changes the last events or refresh brought, one bump. */
static void renew_nexthops(struct watch *w)
{
	int err;

	if (!w->nexthops_stale)
		return;
	err = bump_nexthop_gen(w);
	if (err) {
		/* Cached next hops expire within a second anyway; retried next time. */
		fprintf(stderr, "sluice: %s: cannot renew the cached next hops: %s\n",
			w->ifname, strerror(-err));
		return;
	}
	w->nexthops_stale = false;
}

static const char *state_name(enum watch_what what, int state)
{
	if (what == WATCH_DELETED)
		return "was deleted";
	if (what == WATCH_ABSENT)
		return "is not resolved";
	if (state & NUD_FAILED)
		return "is FAILED";
	if (state & NUD_INCOMPLETE)
		return "is INCOMPLETE";
	return "is unresolved";
}

static void handle(struct watch *w, struct watch_target *t, enum watch_what what, int state,
		   const uint8_t *lladdr)
{
	char was[FMT_MAC_LEN], now[FMT_MAC_LEN], ifname[IF_NAMESIZE] = "?";
	char be[INET6_ADDRSTRLEN];
	bool usable = what == WATCH_PRESENT && neigh_state_usable(state) && lladdr;
	int err;

	if (watch_nexthop_moved(t, what, state, lladdr)) {
		if (usable)
			log_target(w, t, "moved to %s (was %s)", fmt_mac(lladdr, now),
				   fmt_mac(t->mac, was));
		w->nexthops_stale = true;
	}
	if (!t->l2dsr && usable)
		memcpy(t->mac, lladdr, 6);
	switch (watch_decide(t, what, state, lladdr)) {
	case WATCH_SET_MAC:
		err = set_mac(w, t, lladdr);
		if (err)
			log_target(w, t, "moved to %s but was not updated: %s",
				   fmt_mac(lladdr, now), strerror(-err));
		else
			log_target(w, t, "moved to %s (was %s): updated",
				   fmt_mac(lladdr, now), fmt_mac(t->mac, was));
		if (!err) {
			log_repair(w, "service %s: backend %s moved to %s (was %s)", t->service,
				   addr_str(&t->backend, be), fmt_mac(lladdr, now),
				   fmt_mac(t->mac, was));
			memcpy(t->mac, lladdr, 6);
			w->macs_set++;
		}
		break;
	case WATCH_PROBE:
		/* One line when it goes bad (or is first seen so), not one per retry. */
		if (t->usable || !t->probed_ms) {
			if_indextoname((unsigned int)t->ifindex, ifname);
			log_target(w, t, "%s on %s: probing", state_name(what, state), ifname);
		}
		if (now_ms() - t->probed_ms >= WATCH_REPROBE_MS) {
			watch_probe(w, t->ifindex, &t->hop);
			t->probed_ms = now_ms();
		}
		break;
	case WATCH_NOTHING:
		if (usable && !t->usable && t->state != WATCH_UNSEEN)
			log_target(w, t, "resolved again at %s", fmt_mac(lladdr, now));
		break;
	}
	t->state = what == WATCH_PRESENT ? state : WATCH_UNSEEN;
	t->usable = usable;
}

static void neigh_facts(struct rtnl_neigh *n, int *state, const uint8_t **lladdr)
{
	struct nl_addr *ll = rtnl_neigh_get_lladdr(n);

	*state = rtnl_neigh_get_state(n);
	*lladdr = ll && nl_addr_get_len(ll) == 6 ? nl_addr_get_binary_addr(ll) : NULL;
}

static bool is_target(const struct watch_target *t, struct rtnl_neigh *n)
{
	struct nl_addr *dst = rtnl_neigh_get_dst(n);

	return rtnl_neigh_get_ifindex(n) == t->ifindex && dst &&
	       nl_addr_get_family(dst) == t->hop.family &&
	       !memcmp(nl_addr_get_binary_addr(dst), t->hop.bytes, nl_addr_get_len(dst));
}

/* The caller's interest in neighbours that are no live backend's (yet). */
static void tell_hook(struct watch *w, struct rtnl_neigh *n, bool usable)
{
	struct nl_addr *dst = rtnl_neigh_get_dst(n);
	struct conf_addr addr = {0};

	if (!dst || nl_addr_get_len(dst) > sizeof(addr.bytes))
		return;
	addr.family = nl_addr_get_family(dst);
	memcpy(addr.bytes, nl_addr_get_binary_addr(dst), nl_addr_get_len(dst));
	w->hooks.neigh_seen(w->hooks.ctx, rtnl_neigh_get_ifindex(n), &addr, usable);
}

static void on_change(struct nl_cache *cache, struct nl_object *obj, int action, void *arg)
{
	struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
	struct watch *w = arg;
	const uint8_t *lladdr;
	int state;
	size_t i;

	(void)cache;
	neigh_facts(n, &state, &lladdr);
	if (w->hooks.neigh_seen)
		tell_hook(w, n, action != NL_ACT_DEL && neigh_state_usable(state) && lladdr);
	for (i = 0; i < w->n_targets; i++)
		if (is_target(&w->targets[i], n))
			handle(w, &w->targets[i], action == NL_ACT_DEL ? WATCH_DELETED :
			       WATCH_PRESENT, state, lladdr);
}

/* The interface's MAC is the data plane's (settings.macs[0]); one line when it moves. */
static void follow_own_mac(struct watch *w)
{
	char was[FMT_MAC_LEN], now[FMT_MAC_LEN];
	__u8 old[6], mac[6];

	if (own_mac_follow(w->ifname, &w->maps, old, mac) == 1) {
		printf("%s: the interface's MAC is %s now (was %s): frames to it are ours\n",
		       w->ifname, fmt_mac(mac, now), fmt_mac(old, was));
		log_repair(w, "the interface's MAC is %s now (was %s)", fmt_mac(mac, now),
			   fmt_mac(old, was));
	}
}

static void on_link_change(struct nl_cache *cache, struct nl_object *obj, int action,
			   void *arg)
{
	struct watch *w = arg;

	(void)cache;
	if (action != NL_ACT_DEL && rtnl_link_get_ifindex((struct rtnl_link *)obj) == w->ifindex)
		follow_own_mac(w);
}

/* What the table says of every target now: missed events and new backends. */
static void sync_all(struct watch *w)
{
	const uint8_t *lladdr;
	struct rtnl_neigh *n;
	struct nl_addr *dst;
	size_t i;
	int state;

	for (i = 0; i < w->n_targets; i++) {
		struct watch_target *t = &w->targets[i];

		dst = nl_addr_build(t->hop.family, t->hop.bytes, t->hop.family == AF_INET6 ?
				    16 : 4);
		n = dst ? rtnl_neigh_get(w->neighs, t->ifindex, dst) : NULL;
		nl_addr_put(dst);
		if (!n) {
			handle(w, t, WATCH_ABSENT, 0, NULL);
			continue;
		}
		neigh_facts(n, &state, &lladdr);
		handle(w, t, WATCH_PRESENT, state, lladdr);
		rtnl_neigh_put(n);
	}
}

/* ipip: the neighbour is the route's next hop; none when the route is gone. */
static bool target_of(struct watch *w, const struct live_service *svc, __u32 id,
		      const struct sluice_backend *be, struct watch_target *t)
{
	struct route_hop hop;
	char egress[IF_NAMESIZE];

	memset(t, 0, sizeof(*t));
	t->backend_id = id;
	t->gen = be->gen;
	snprintf(t->service, sizeof(t->service), "%s", svc->meta.name);
	t->backend.family = be->family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET;
	memcpy(t->backend.bytes, be->addr, sizeof(t->backend.bytes));
	t->state = WATCH_UNSEEN;
	if (svc->val.forward != SLUICE_FWD_IPIP) {
		t->l2dsr = true;
		t->ifindex = w->ifindex;
		t->hop = t->backend;
		memcpy(t->mac, be->mac, 6);
		return true;
	}
	if (route_lookup(w->sk, &t->backend, &hop) || hop.local ||
	    route_egress_unusable(w->sk, hop.ifindex, egress))
		return false;
	t->ifindex = hop.ifindex;
	t->hop = hop.next_hop;
	t->via_gateway = hop.via_gateway;
	return true;
}

/* The target of an earlier refresh for this backend id and generation, if any. */
static const struct watch_target *target_was(const struct watch *w,
					     const struct watch_target *t)
{
	size_t i;

	for (i = 0; i < w->n_targets; i++)
		if (w->targets[i].backend_id == t->backend_id && w->targets[i].gen == t->gen)
			return &w->targets[i];
	return NULL;
}

static bool same_target(const struct watch_target *a, const struct watch_target *b)
{
	return a->backend_id == b->backend_id && a->gen == b->gen &&
	       a->ifindex == b->ifindex && !memcmp(&a->hop, &b->hop, sizeof(a->hop));
}

/* Read the live backends again, keeping what was learnt of targets that stay. */
static int refresh(struct watch *w)
{
	const struct watch_target *was;
	struct watch_target *next, t;
	struct live_state *live;
	size_t n = 0, i, unrouted = 0;
	__u32 id;
	int err;

	err = live_read(&w->maps, &live);
	if (err)
		return err;
	next = calloc(SLUICE_MAX_BACKENDS, sizeof(*next));
	if (!next) {
		free(live);
		return -ENOMEM;
	}
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *be = &live->backends[id];
		const struct live_service *svc;

		if (!(be->flags & SLUICE_BACKEND_F_LIVE))
			continue;
		svc = live_service_by_id(live, be->service_id);
		if (!svc)
			continue;
		if (!target_of(w, svc, id, be, &t)) {
			if (w->once)
				log_target(w, &t, "has no route XDP can send by");
			was = target_was(w, &t);
			if (was && watch_route_moved(was, NULL)) {
				log_target(w, was, "lost its route");
				w->nexthops_stale = true;
			}
			unrouted++;
			continue;
		}
		was = target_was(w, &t);
		if (was && watch_route_moved(was, &t)) {
			log_target(w, &t, "is routed another way now");
			w->nexthops_stale = true;
		}
		for (i = 0; i < w->n_targets; i++)
			if (same_target(&w->targets[i], &t)) {
				t.state = w->targets[i].state;
				t.usable = w->targets[i].usable;
				t.probed_ms = w->targets[i].probed_ms;
				/* l2dsr: the map is the truth, an apply may have written it. */
				if (!t.l2dsr)
					memcpy(t.mac, w->targets[i].mac, 6);
				break;
			}
		next[n++] = t;
	}
	if (n != w->n_targets || unrouted != w->unrouted) {
		printf("%s: watching %zu backends", w->ifname, n);
		if (unrouted)
			printf(" (%zu more have no usable route)", unrouted);
		printf("\n");
	}
	w->unrouted = unrouted;
	free(w->targets);
	w->targets = next;
	w->n_targets = n;
	free(live);
	return 0;
}

static bool all_usable(const struct watch *w)
{
	size_t i;

	for (i = 0; i < w->n_targets; i++)
		if (!w->targets[i].usable)
			return false;
	return true;
}

int watch_settle(struct watch *w, volatile sig_atomic_t *stopping)
{
	long start = now_ms();
	unsigned int left = 0;
	size_t i;

	while (!all_usable(w) && !*stopping && now_ms() - start < NEIGH_TIMEOUT_MS) {
		nl_cache_mngr_poll(w->mngr, 100);
		sync_all(w);
	}
	renew_nexthops(w);
	for (i = 0; i < w->n_targets; i++)
		if (!w->targets[i].usable) {
			log_target(w, &w->targets[i], "did not resolve within %d ms",
				   NEIGH_TIMEOUT_MS);
			left++;
		}
	printf("%s: %zu backends checked, %u MACs updated, %u unresolved, %zu without a "
	       "route\n", w->ifname, w->n_targets, w->macs_set, left, w->unrouted);
	return (int)(left + w->unrouted);
}

int watch_fd(const struct watch *w)
{
	return nl_cache_mngr_get_fd(w->mngr);
}

int watch_readable(struct watch *w)
{
	int err = nl_cache_mngr_data_ready(w->mngr);

	if (err < 0 && err != -NLE_INTR && err != -NLE_AGAIN) {
		fprintf(stderr, "sluice: watching neighbours: %s\n", nl_geterror(err));
		return -EIO;
	}
	renew_nexthops(w);
	return 0;
}

int watch_refresh(struct watch *w)
{
	/* Its maps stay readable through our fds; nothing uses them any more. */
	if (!pin_dir_exists(w->ifname)) {
		printf("%s: sluice was detached\n", w->ifname);
		return WATCH_DETACHED;
	}
	if (refresh(w))
		return -EIO;
	sync_all(w);
	renew_nexthops(w);
	return 0;
}

bool watch_neigh_usable(struct watch *w, int ifindex, const struct conf_addr *addr)
{
	struct nl_addr *dst = nl_addr_build(addr->family, addr->bytes,
					    addr->family == AF_INET6 ? 16 : 4);
	struct rtnl_neigh *n = dst ? rtnl_neigh_get(w->neighs, ifindex, dst) : NULL;
	const uint8_t *lladdr;
	int state;

	nl_addr_put(dst);
	if (!n)
		return false;
	neigh_facts(n, &state, &lladdr);
	rtnl_neigh_put(n);
	return neigh_state_usable(state) && lladdr;
}

void watch_probe(struct watch *w, int ifindex, const struct conf_addr *addr)
{
	struct nl_addr *dst = nl_addr_build(addr->family, addr->bytes,
					    addr->family == AF_INET6 ? 16 : 4);

	if (dst)
		neigh_probe(w->sk, ifindex, dst);
	nl_addr_put(dst);
}

int watch_open(const char *ifname, bool once, const struct watch_hooks *hooks,
	       struct watch **out)
{
	struct watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->once = once;
	if (hooks)
		w->hooks = *hooks;
	snprintf(w->ifname, sizeof(w->ifname), "%s", ifname);
	w->ifindex = (int)if_nametoindex(ifname);
	if (!w->ifindex) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		free(w);
		return -ENODEV;
	}
	if (maps_open(ifname, &w->maps)) {
		free(w);
		return -ENOENT;
	}
	err = -EIO;
	w->sk = nl_socket_alloc();
	if (!w->sk || nl_connect(w->sk, NETLINK_ROUTE)) {
		fprintf(stderr, "sluice: cannot talk to the kernel over netlink\n");
		goto fail;
	}
	err = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE, &w->mngr);
	if (!err)
		err = nl_cache_mngr_add(w->mngr, "route/neigh", on_change, w, &w->neighs);
	if (!err)
		err = nl_cache_mngr_add(w->mngr, "route/link", on_link_change, w, &w->links);
	if (err) {
		fprintf(stderr, "sluice: cannot follow the neighbour and link tables: %s\n",
			nl_geterror(err));
		err = -EIO;
		goto fail;
	}
	/* A change while nothing watched: an apply would have caught it too. */
	follow_own_mac(w);
	if (refresh(w)) {
		err = -EIO;
		goto fail;
	}
	sync_all(w);
	*out = w;
	return 0;
fail:
	watch_close(w);
	return err;
}

void watch_close(struct watch *w)
{
	if (!w)
		return;
	if (w->mngr)
		nl_cache_mngr_free(w->mngr);
	nl_socket_free(w->sk);
	free(w->targets);
	maps_close(&w->maps);
	free(w);
}
