// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Routes to backends, egress interfaces and forwarding sysctls, asked over netlink. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "kernel/route.h"

static int to_conf_addr(struct nl_addr *a, struct conf_addr *out)
{
	unsigned int len = nl_addr_get_len(a);

	memset(out, 0, sizeof(*out));
	out->family = nl_addr_get_family(a);
	if ((out->family != AF_INET || len != 4) && (out->family != AF_INET6 || len != 16))
		return -EAFNOSUPPORT;
	memcpy(out->bytes, nl_addr_get_binary_addr(a), len);
	return 0;
}

int route_lookup(struct nl_sock *sk, const struct conf_addr *dst, struct route_hop *out)
{
	struct nl_addr *addr = nl_addr_build(dst->family, dst->bytes,
					     dst->family == AF_INET6 ? 16 : 4);
	struct rtnl_route *route = NULL;
	struct rtnl_nexthop *nh;
	struct nl_addr *gw;
	int err;

	if (!addr)
		return -ENOMEM;
	memset(out, 0, sizeof(*out));
	err = rtnl_route_lookup(sk, addr, &route);
	nl_addr_put(addr);
	/* The kernel answers a destination it has no route for with an error. */
	if (err)
		return err == -NLE_NOMEM || err == -NLE_BAD_SOCK ? -EIO : -ENETUNREACH;
	switch (rtnl_route_get_type(route)) {
	case RTN_UNICAST:
		break;
	case RTN_LOCAL:
		out->local = true;
		break;
	default:	/* unreachable, blackhole, prohibit, throw */
		err = -ENETUNREACH;
		goto out;
	}
	nh = rtnl_route_get_nnexthops(route) ? rtnl_route_nexthop_n(route, 0) : NULL;
	if (!nh) {
		err = -ENETUNREACH;
		goto out;
	}
	out->ifindex = rtnl_route_nh_get_ifindex(nh);
	gw = rtnl_route_nh_get_gateway(nh);
	out->via_gateway = gw != NULL;
	err = gw ? to_conf_addr(gw, &out->next_hop) : 0;
	if (!gw)
		out->next_hop = *dst;
out:
	rtnl_route_put(route);
	return err;
}

const char *route_egress_unusable(struct nl_sock *sk, int ifindex, char name[IF_NAMESIZE])
{
	struct rtnl_link *link = NULL;
	const char *why = NULL;
	unsigned int flags;

	snprintf(name, IF_NAMESIZE, "%d", ifindex);
	if (rtnl_link_get_kernel(sk, ifindex, NULL, &link))
		return "does not exist";
	snprintf(name, IF_NAMESIZE, "%s", rtnl_link_get_name(link));
	flags = rtnl_link_get_flags(link);
	/* XDP_TX and devmap redirects go to a device's driver; lo has none to send. */
	if (flags & IFF_LOOPBACK)
		why = "is the loopback interface";
	else if (!(flags & IFF_UP))
		why = "is down";
	rtnl_link_put(link);
	return why;
}

int route_forwarding(int family, const char *ifname)
{
	char path[128];
	int c;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/%s/conf/%s/forwarding",
		 family == AF_INET6 ? "ipv6" : "ipv4", ifname);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	c = fgetc(f);
	fclose(f);
	return c == EOF ? -EIO : c != '0';
}

void route_forwarding_sysctl(int family, const char *ifname, char *buf, size_t len)
{
	char name[IF_NAMESIZE];
	size_t i;

	/* sysctl(8) separates levels with dots, so a dot in a name is written '/'. */
	for (i = 0; ifname[i] && i < sizeof(name) - 1; i++)
		name[i] = ifname[i] == '.' ? '/' : ifname[i];
	name[i] = '\0';
	snprintf(buf, len, "net.%s.conf.%s.forwarding", family == AF_INET6 ? "ipv6" : "ipv4",
		 name);
}
