// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Announced VIPs as blackhole host routes in sluice's table, over netlink (libnl). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/route.h>

#include "kernel/vip_route.h"

struct vip_routes {
	struct nl_sock *sk;
	uint32_t table;
	uint8_t protocol;
};

/* libnl's error codes, as the errno they stand for. */
static int errno_of(int nl_err)
{
	switch (-nl_err) {
	case NLE_EXIST: return -EEXIST;
	case NLE_OBJ_NOTFOUND: return -ESRCH;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_INVAL: return -EINVAL;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	default: return -EIO;
	}
}

int vip_routes_open(uint32_t table, uint8_t protocol, struct vip_routes **out)
{
	struct vip_routes *vr = calloc(1, sizeof(*vr));

	if (!vr)
		return -ENOMEM;
	vr->sk = nl_socket_alloc();
	if (!vr->sk || nl_connect(vr->sk, NETLINK_ROUTE)) {
		nl_socket_free(vr->sk);
		free(vr);
		return -EIO;
	}
	vr->table = table;
	vr->protocol = protocol;
	*out = vr;
	return 0;
}

void vip_routes_close(struct vip_routes *vr)
{
	if (!vr)
		return;
	nl_socket_free(vr->sk);
	free(vr);
}

struct collect {
	const struct vip_routes *vr;
	struct conf_cidr *items;
	size_t n, cap;
	int err;
};

static void collect_one(struct nl_object *obj, void *arg)
{
	struct rtnl_route *route = (struct rtnl_route *)obj;
	struct collect *c = arg;
	struct nl_addr *dst = rtnl_route_get_dst(route);
	unsigned int len = dst ? nl_addr_get_len(dst) : 0;
	struct conf_cidr *item;

	if (c->err || rtnl_route_get_table(route) != c->vr->table ||
	    rtnl_route_get_protocol(route) != c->vr->protocol ||
	    (len != 4 && len != 16))
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct conf_cidr *more = realloc(c->items, cap * sizeof(*more));

		if (!more) {
			c->err = -ENOMEM;
			return;
		}
		c->items = more;
		c->cap = cap;
	}
	item = &c->items[c->n++];
	memset(item, 0, sizeof(*item));
	item->addr.family = len == 4 ? AF_INET : AF_INET6;
	memcpy(item->addr.bytes, nl_addr_get_binary_addr(dst), len);
	item->prefix_len = (uint8_t)nl_addr_get_prefixlen(dst);
}

int vip_routes_list(struct vip_routes *vr, struct conf_cidr **out, size_t *n)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct collect c = { .vr = vr };
	struct nl_cache *cache;
	size_t i;
	int err;

	for (i = 0; i < 2 && !c.err; i++) {
		err = rtnl_route_alloc_cache(vr->sk, families[i], 0, &cache);
		if (err) {
			c.err = errno_of(err);
			break;
		}
		nl_cache_foreach(cache, collect_one, &c);
		nl_cache_free(cache);
	}
	if (c.err) {
		free(c.items);
		return c.err;
	}
	*out = c.items;
	*n = c.n;
	return 0;
}

/* A blackhole route of ours to dst: the data plane takes the VIP's packets first. */
static struct rtnl_route *route_of(const struct vip_routes *vr, const struct conf_cidr *dst)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct nl_addr *addr = nl_addr_build(dst->addr.family, dst->addr.bytes,
					     dst->addr.family == AF_INET6 ? 16 : 4);

	if (!route || !addr) {
		rtnl_route_put(route);
		nl_addr_put(addr);
		return NULL;
	}
	nl_addr_set_prefixlen(addr, dst->prefix_len);
	rtnl_route_set_family(route, (uint8_t)dst->addr.family);
	rtnl_route_set_dst(route, addr);
	nl_addr_put(addr);
	rtnl_route_set_table(route, vr->table);
	rtnl_route_set_protocol(route, vr->protocol);
	rtnl_route_set_type(route, RTN_BLACKHOLE);
	rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
	return route;
}

int vip_routes_add(struct vip_routes *vr, const struct conf_addr *vip)
{
	struct conf_cidr dst = { .addr = *vip, .prefix_len = vip->family == AF_INET6 ? 128 : 32 };
	struct rtnl_route *route = route_of(vr, &dst);
	int err;

	if (!route)
		return -ENOMEM;
	/* Never replace: a route to the VIP that is already there is not ours. */
	err = rtnl_route_add(vr->sk, route, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_route_put(route);
	return err ? errno_of(err) : 0;
}

int vip_routes_del(struct vip_routes *vr, const struct conf_cidr *dst)
{
	struct rtnl_route *route = route_of(vr, dst);
	int err;

	if (!route)
		return -ENOMEM;
	/* The kernel deletes only a route of the protocol given. */
	err = rtnl_route_delete(vr->sk, route, 0);
	rtnl_route_put(route);
	return err ? errno_of(err) : 0;
}
