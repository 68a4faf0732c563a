// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Text forms of addresses, MACs and protocols, for plan notes and command output. */
#include <arpa/inet.h>
#include <stdio.h>

#include "kernel/fmt.h"

const char *fmt_addr(__u8 family, const __be32 addr[4], char buf[INET6_ADDRSTRLEN])
{
	inet_ntop(family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET, addr, buf,
		  INET6_ADDRSTRLEN);
	return buf;
}

const char *fmt_prefix(__u8 family, const __be32 addr[4], __u8 len, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", fmt_addr(family, addr, text), len);
	return buf;
}

const char *fmt_mac(const __u8 mac[6], char buf[FMT_MAC_LEN])
{
	snprintf(buf, FMT_MAC_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

const char *fmt_proto(__u8 proto)
{
	switch (proto) {
	case 0:
		return "any";
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		return "?";
	}
}

const char *fmt_vip(const struct sluice_vip_key *vip, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN], port[8] = "*";

	fmt_addr(vip->family, vip->addr, addr);
	if (vip->port)
		snprintf(port, sizeof(port), "%u", ntohs(vip->port));
	if (vip->family == SLUICE_AF_INET6)
		snprintf(buf, len, "[%s]:%s/%s", addr, port, fmt_proto(vip->proto));
	else
		snprintf(buf, len, "%s:%s/%s", addr, port, fmt_proto(vip->proto));
	return buf;
}

const char *fmt_backend_state(__u8 state)
{
	return state == SLUICE_BACKEND_DRAINING ? "draining" : "active";
}
