// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "bench/ipip_check.h"

#define OUTER_TTL	64	/* sluice's outer TTL and hop limit */
#define IPV4_DF		0x4000

int ipip_prefix_parse(const char *opt, const char *arg, int family, struct ipip_prefix *p)
{
	unsigned int max = family == AF_INET6 ? 128 : 32;
	char addr[INET6_ADDRSTRLEN], *end;
	const char *slash = strchr(arg, '/');
	unsigned long len;

	if (!slash || (size_t)(slash - arg) >= sizeof(addr))
		goto bad;
	memcpy(addr, arg, (size_t)(slash - arg));
	addr[slash - arg] = '\0';
	len = strtoul(slash + 1, &end, 10);
	if (end == slash + 1 || *end || len > max)
		goto bad;
	memset(p, 0, sizeof(*p));
	if (inet_pton(family, addr, p->addr) != 1)
		goto bad;
	p->len = (unsigned int)len;
	return 0;
bad:
	fprintf(stderr, "--%s: '%s' is not an IPv%d prefix ADDR/LEN of the outer family\n",
		opt, arg, family == AF_INET6 ? 6 : 4);
	return -1;
}

static bool in_prefix(const struct ipip_prefix *p, const uint8_t *addr)
{
	unsigned int bytes = p->len / 8, bits = p->len % 8;

	if (memcmp(addr, p->addr, bytes))
		return false;
	return !bits || !((addr[bytes] ^ p->addr[bytes]) & (uint8_t)(0xff << (8 - bits)));
}

/* True when the IPv4 header's checksum (RFC 1071) is right. */
static bool ipv4_csum_ok(const uint8_t *iph)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < sizeof(struct iphdr); i += 2)
		sum += (uint32_t)(iph[i] << 8 | iph[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/* The input packet's DSCP and ECN, which the outer header carries too. */
static uint8_t inner_tos(const uint8_t *ip, bool inner6)
{
	return inner6 ? (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4) : ip[1];
}

static const char *check_outer4(const struct ipip_expect *e, const struct iphdr *iph,
				size_t ip_len, uint8_t tos, bool inner6)
{
	if (inner6)
		return "outer family (IPv6 is never carried in IPv4)";
	if (iph->version != 4 || iph->ihl != sizeof(*iph) / 4)
		return "outer IPv4 version or header length";
	if (iph->protocol != IPPROTO_IPIP)
		return "outer protocol (not 4)";
	if (ntohs(iph->tot_len) != ip_len + sizeof(*iph))
		return "outer total length";
	if (iph->ttl != OUTER_TTL || ntohs(iph->frag_off) != IPV4_DF || iph->tos != tos)
		return "outer TTL, DF or TOS";
	if (!ipv4_csum_ok((const uint8_t *)iph))
		return "outer IPv4 checksum";
	if (!in_prefix(&e->backends, (const uint8_t *)&iph->daddr))
		return "outer destination (not a backend's address)";
	if (!in_prefix(&e->encap, (const uint8_t *)&iph->saddr))
		return "outer source (outside the encap prefix)";
	return NULL;
}

static const char *check_outer6(const struct ipip_expect *e, const struct ipv6hdr *ip6,
				size_t ip_len, uint8_t tos, bool inner6)
{
	if (ip6->version != 6)
		return "outer IPv6 version";
	if (ip6->nexthdr != (inner6 ? IPPROTO_IPV6 : IPPROTO_IPIP))
		return "outer next header (not 4 for IPv4 inside, 41 for IPv6)";
	if (ntohs(ip6->payload_len) != ip_len)
		return "outer payload length";
	if (ip6->hop_limit != OUTER_TTL || inner_tos((const uint8_t *)ip6, true) != tos)
		return "outer hop limit or traffic class";
	if (!in_prefix(&e->backends, ip6->daddr.s6_addr))
		return "outer destination (not a backend's address)";
	if (!in_prefix(&e->encap, ip6->saddr.s6_addr))
		return "outer source (outside the encap prefix)";
	return NULL;
}

const char *ipip_check(const struct ipip_expect *e, const uint8_t *in, size_t len,
		       const uint8_t *out, size_t out_len)
{
	const struct ethhdr *in_eth = (const void *)in, *eth = (const void *)out;
	bool outer6 = e->outer == AF_INET6, inner6 = in_eth->h_proto == htons(ETH_P_IPV6);
	size_t outer_len = outer6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	size_t ip_len = len - ETH_HLEN;
	const uint8_t *outer = out + ETH_HLEN;
	uint8_t tos = inner_tos(in + ETH_HLEN, inner6);
	const char *bad;

	if (out_len != len + outer_len)
		return "length (not the input plus one outer header)";
	if (memcmp(eth->h_dest, e->backend_mac, sizeof(e->backend_mac)))
		return "destination MAC (not a backend's)";
	if (memcmp(eth->h_source, in_eth->h_dest, ETH_ALEN))
		return "source MAC (not the interface's)";
	if (eth->h_proto != htons(outer6 ? ETH_P_IPV6 : ETH_P_IP))
		return "EtherType (not the outer family's)";
	bad = outer6 ? check_outer6(e, (const void *)outer, ip_len, tos, inner6)
		     : check_outer4(e, (const void *)outer, ip_len, tos, inner6);
	if (bad)
		return bad;
	return memcmp(outer + outer_len, in + ETH_HLEN, ip_len) ? "inner packet" : NULL;
}
