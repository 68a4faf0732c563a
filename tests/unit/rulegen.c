// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>
#include <netinet/in.h>

#include "tests/unit/rulegen.h"

#define POOL_LEN(a)	((uint32_t)(sizeof(a) / sizeof((a)[0])))

uint32_t rulegen_next(struct rulegen *g)
{
	/* xorshift64*: small, seeded, the same on every machine. */
	g->state ^= g->state >> 12;
	g->state ^= g->state << 25;
	g->state ^= g->state >> 27;
	return (uint32_t)((g->state * 0x2545f4914f6cdd1dULL) >> 32);
}

static uint32_t below(struct rulegen *g, uint32_t n)
{
	return rulegen_next(g) % n;
}

/*
 * Prefix lengths as in published access lists: mostly hosts and /24s, some /16s,
 * few short prefixes (which contain many others, and cost the most).
 */
static unsigned int random_len(struct rulegen *g, bool v6)
{
	unsigned int roll = below(g, 20), len;

	if (roll < 8)
		len = 32;
	else if (roll < 13)
		len = 24;
	else if (roll < 16)
		len = 16 + below(g, 8);
	else if (roll < 18)
		len = 25 + below(g, 7);
	else
		len = 8 + below(g, 8);
	return v6 ? len * 4 : len;
}

static void random_prefix(struct rulegen *g, __u8 family, __u8 addr[16], __u8 *len)
{
	unsigned int bits = family == SLUICE_AF_INET6 ? 128 : 32, i;

	memset(addr, 0, 16);
	/* A small pool of networks, so that prefixes nest and repeat as in real lists. */
	addr[0] = family == SLUICE_AF_INET6 ? 0x20 : (__u8)(10 + below(g, 4));
	addr[1] = (__u8)below(g, 8);
	addr[2] = (__u8)below(g, 32);
	addr[3] = (__u8)rulegen_next(g);
	if (family == SLUICE_AF_INET6)
		for (i = 4; i < 16; i++)
			addr[i] = i < 8 ? (__u8)below(g, 4) : (__u8)rulegen_next(g);
	*len = (__u8)random_len(g, family == SLUICE_AF_INET6);
	for (i = *len; i < bits; i++)
		addr[i / 8] &= (__u8)~(0x80 >> (i % 8));
}

/* Ports as access lists name them: well-known services and a few classic ranges. */
static const __u16 well_known[] = {
	20, 21, 22, 23, 25, 53, 67, 69, 80, 110, 123, 135, 137, 139, 143, 161, 179, 389,
	443, 445, 465, 514, 587, 636, 873, 993, 995, 1433, 1521, 2049, 3306, 3389, 5060,
	5432, 5900, 6379, 8080, 8443, 9200, 11211,
};

static const __u16 ranges[][2] = {
	{ 1024, 65535 }, { 0, 1023 }, { 6000, 6063 }, { 49152, 65535 }, { 8000, 8999 },
	{ 5060, 5061 }, { 137, 139 }, { 33434, 33534 }, { 10000, 20000 }, { 1, 1023 },
};

static void random_ports(struct rulegen *g, __u16 *lo, __u16 *hi)
{
	unsigned int roll = below(g, 20), i;

	if (roll < 9) {
		*lo = *hi = well_known[below(g, POOL_LEN(well_known))];
	} else if (roll < 13) {
		i = below(g, POOL_LEN(ranges));
		*lo = ranges[i][0];
		*hi = ranges[i][1];
	} else {
		*lo = 0;
		*hi = 65535;
	}
}

static void random_rule(struct rulegen *g, struct sluice_rule *r)
{
	static const __u8 protos[] = { IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, 0, IPPROTO_ICMP };
	__u8 family = below(g, 3) ? SLUICE_AF_INET : SLUICE_AF_INET6;
	__u8 proto = protos[below(g, 5)];

	memset(r, 0, sizeof(*r));
	if (proto == IPPROTO_ICMP && family == SLUICE_AF_INET6)
		proto = IPPROTO_ICMPV6;
	if (below(g, 4)) {
		random_prefix(g, family, (__u8 *)r->src, &r->src_len);
		r->flags |= SLUICE_RULE_F_SRC;
	}
	if (below(g, 2)) {
		random_prefix(g, family, (__u8 *)r->dst, &r->dst_len);
		r->flags |= SLUICE_RULE_F_DST;
	}
	if (r->flags || proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		r->family = family;
	r->proto = proto;
	r->sport_hi = r->dport_hi = 65535;
	if (proto == IPPROTO_TCP || proto == IPPROTO_UDP) {
		random_ports(g, &r->dport_lo, &r->dport_hi);
		/* Lists seldom name source ports, and then mostly for rules without prefixes. */
		if (!below(g, r->flags ? 100 : 10))
			random_ports(g, &r->sport_lo, &r->sport_hi);
	}
	if (proto == IPPROTO_TCP && !below(g, 8)) {
		r->tcp_flags_mask = 0x12;	/* SYN and ACK: SYN only */
		r->tcp_flags = 0x02;
	}
	if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && below(g, 2)) {
		r->flags |= SLUICE_RULE_F_ICMP_TYPE;
		r->icmp_type = proto == IPPROTO_ICMP ? 8 : 128;
	}
	r->action = below(g, 2) ? SLUICE_ACT_ALLOW : SLUICE_ACT_DENY;
}

void rulegen_rules(struct rulegen *g, struct sluice_rule *rules, size_t n, __u8 default_action)
{
	size_t counts = 0;

	for (size_t i = 0; i < n; i++) {
		random_rule(g, &rules[i]);
		if (counts < SLUICE_MAX_COUNT_RULES && !below(g, 40)) {
			rules[i].action = SLUICE_ACT_COUNT;
			counts++;
		}
		rules[i].counter = (__u32)i;
	}
	memset(&rules[n], 0, sizeof(rules[n]));
	rules[n].sport_hi = rules[n].dport_hi = 65535;
	rules[n].action = default_action;
	rules[n].counter = SLUICE_DEFAULT_RULE_COUNTER;
}

static void near(struct rulegen *g, __u8 *addr, const __be32 *prefix, __u8 len, __u8 family)
{
	unsigned int bits = family == SLUICE_AF_INET6 ? 128 : 32;

	memcpy(addr, prefix, 16);
	/* Host bits at random; sometimes flip a prefix bit to land just outside. */
	for (unsigned int i = len; i < bits; i++)
		if (below(g, 2))
			addr[i / 8] |= (__u8)(0x80 >> (i % 8));
	if (len && !below(g, 4)) {
		unsigned int i = below(g, len);

		addr[i / 8] ^= (__u8)(0x80 >> (i % 8));
	}
}

void rulegen_packet(struct rulegen *g, const struct sluice_rule *rules, size_t n,
		    struct filter_packet *pkt)
{
	struct sluice_rule any;
	const struct sluice_rule *r;

	if (!below(g, 4) || !n) {
		random_rule(g, &any);
		r = &any;
	} else {
		r = &rules[below(g, (uint32_t)n)];
	}
	memset(pkt, 0, sizeof(*pkt));
	pkt->family = r->family ? r->family : below(g, 2) ? SLUICE_AF_INET : SLUICE_AF_INET6;
	pkt->proto = r->proto ? r->proto : (pkt->family == SLUICE_AF_INET6 ? IPPROTO_ICMPV6 :
					     IPPROTO_UDP);
	if (r->flags & SLUICE_RULE_F_SRC)
		near(g, pkt->src, r->src, r->src_len, pkt->family);
	else
		random_prefix(g, pkt->family, pkt->src, &(__u8){ 0 });
	if (r->flags & SLUICE_RULE_F_DST)
		near(g, pkt->dst, r->dst, r->dst_len, pkt->family);
	else
		random_prefix(g, pkt->family, pkt->dst, &(__u8){ 0 });
	pkt->detail = SLUICE_FILTER_NO_DETAIL;
	if (pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP) {
		/* One packet in ten is a later fragment: no ports. */
		pkt->has_ports = below(g, 10) != 0;
		pkt->sport = (__u16)(r->sport_lo + below(g, r->sport_hi - r->sport_lo + 2U));
		pkt->dport = (__u16)(r->dport_lo + below(g, r->dport_hi - r->dport_lo + 2U));
		if (pkt->proto == IPPROTO_TCP && pkt->has_ports)
			pkt->detail = (__u8)rulegen_next(g);
	} else if (pkt->proto == IPPROTO_ICMP || pkt->proto == IPPROTO_ICMPV6) {
		pkt->detail = below(g, 2) ? r->icmp_type : (__u8)rulegen_next(g);
	}
}
