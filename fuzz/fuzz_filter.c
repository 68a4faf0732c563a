// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The filter compiler, differentially: for any rule set a config can express and
 * any packet, the compiled classifier (read as xdp/filter.h reads it) must name the
 * same deciding rule and the same count rules as the rules taken one by one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "filter/filter_compile.h"
#include "fuzz/bytes.h"
#include "tests/unit/reference.h"

#define MAX_RULES	48	/* and the default: small sets reach every corner fastest */
/* How filter_compile() refuses more combinations than SLUICE_FILTER_MISC_MAX. */
#define MISC_LIMIT	"the rules combine protocols, TCP flags and ICMP types in"

/* Networks that rules and packets share, so that prefixes nest, repeat and match. */
static const uint8_t nets4[4][4] = {
	{ 10, 0, 0, 0 }, { 10, 1, 0, 0 }, { 192, 0, 2, 0 }, { 0, 0, 0, 0 },
};
static const uint8_t nets6[4][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8 }, { 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, { 0xfe, 0x80 }, { 0 },
};

/* An address of family: a shared network, then bytes of the input over part of it. */
static void take_addr(struct bytes *in, __u8 family, __u8 addr[16])
{
	uint8_t pick = take8(in);

	memset(addr, 0, 16);
	if (family == SLUICE_AF_INET) {
		memcpy(addr, nets4[pick & 3], 4);
		for (int i = 4 - (pick >> 2 & 3); i < 4; i++)
			addr[i] = take8(in);
		return;
	}
	memcpy(addr, nets6[pick & 3], 16);
	for (int i = 16 - 2 * (pick >> 2 & 7); i < 16; i++)
		addr[i] = take8(in);
}

static void take_prefix(struct bytes *in, __u8 family, __be32 prefix[4], __u8 *len)
{
	unsigned int bits = family == SLUICE_AF_INET6 ? 128 : 32;
	__u8 *p = (__u8 *)prefix;

	take_addr(in, family, p);
	/* conf keeps a /0 out of the prefix tables: it says only "this family". */
	*len = (__u8)(1 + take8(in) % bits);
	for (unsigned int i = *len; i < bits; i++)
		p[i / 8] &= (__u8)~(0x80 >> (i % 8));
}

static void take_ports(struct bytes *in, __u16 *lo, __u16 *hi)
{
	__u16 a = take16(in), b;

	switch (take8(in) & 3) {
	case 0:
		*lo = 0;
		*hi = 65535;
		return;
	case 1:
		*lo = *hi = a;
		return;
	default:
		b = take16(in);
		*lo = a < b ? a : b;
		*hi = a < b ? b : a;
	}
}

/* One rule as conf and plan/plan_rules.c make them: only combinations conf accepts. */
static void take_rule(struct bytes *in, struct sluice_rule *r, unsigned int *counts)
{
	static const __u8 protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6 };
	static const __u8 actions[] = {
		SLUICE_ACT_ALLOW, SLUICE_ACT_DENY, SLUICE_ACT_COUNT, SLUICE_ACT_RATE_LIMIT,
	};
	uint8_t shape = take8(in);

	memset(r, 0, sizeof(*r));
	r->proto = protos[(shape & 7) % 5];
	r->family = r->proto == IPPROTO_ICMP ? SLUICE_AF_INET :
		    r->proto == IPPROTO_ICMPV6 ? SLUICE_AF_INET6 :
		    (shape & 8) ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	if (shape & 16) {
		take_prefix(in, r->family, r->src, &r->src_len);
		r->flags |= SLUICE_RULE_F_SRC;
	}
	if (shape & 32) {
		take_prefix(in, r->family, r->dst, &r->dst_len);
		r->flags |= SLUICE_RULE_F_DST;
	}
	/* Neither prefix nor ICMP: "any family", unless a /0 named one. */
	if (!(r->flags & (SLUICE_RULE_F_SRC | SLUICE_RULE_F_DST)) &&
	    r->proto != IPPROTO_ICMP && r->proto != IPPROTO_ICMPV6 && !(shape & 64))
		r->family = 0;
	r->sport_hi = r->dport_hi = 65535;
	if (r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP) {
		take_ports(in, &r->sport_lo, &r->sport_hi);
		take_ports(in, &r->dport_lo, &r->dport_hi);
	}
	if (r->proto == IPPROTO_TCP && (shape & 128)) {
		r->tcp_flags_mask = take8(in);
		r->tcp_flags = take8(in) & r->tcp_flags_mask;
	}
	if ((r->proto == IPPROTO_ICMP || r->proto == IPPROTO_ICMPV6) && (shape & 128)) {
		r->flags |= SLUICE_RULE_F_ICMP_TYPE;
		r->icmp_type = take8(in);
	}
	r->action = actions[take8(in) & 3];
	if (r->action == SLUICE_ACT_COUNT && ++*counts > SLUICE_MAX_COUNT_RULES)
		r->action = SLUICE_ACT_DENY;
	if (r->action == SLUICE_ACT_RATE_LIMIT)
		r->rate_packets = r->rate_seconds = r->rate_burst = 1;
}

/* A packet aimed at one of the rules (its prefixes, bits flipped) or anywhere. */
static void take_packet(struct bytes *in, const struct sluice_rule *rules, size_t n,
			struct filter_packet *pkt)
{
	const struct sluice_rule *r = &rules[take8(in) % n];
	uint8_t shape = take8(in);

	memset(pkt, 0, sizeof(*pkt));
	pkt->family = r->family ? r->family : (shape & 1) ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	pkt->proto = (shape & 2) ? take8(in) : r->proto ? r->proto :
		     pkt->family == SLUICE_AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	take_addr(in, pkt->family, pkt->src);
	take_addr(in, pkt->family, pkt->dst);
	if ((r->flags & SLUICE_RULE_F_SRC) && (shape & 4))
		memcpy(pkt->src, r->src, 16);
	if ((r->flags & SLUICE_RULE_F_DST) && (shape & 8))
		memcpy(pkt->dst, r->dst, 16);
	if (shape & 16)
		pkt->src[take8(in) % 16] ^= take8(in);
	pkt->detail = SLUICE_FILTER_NO_DETAIL;
	switch (pkt->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		/* A later fragment has no ports, and so no TCP flags either. */
		pkt->has_ports = !(shape & 32);
		pkt->sport = (shape & 64) ? r->sport_hi : take16(in);
		pkt->dport = (shape & 128) ? r->dport_lo : take16(in);
		if (pkt->proto == IPPROTO_TCP && pkt->has_ports)
			pkt->detail = take8(in);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (!(shape & 32))
			pkt->detail = (shape & 64) ? r->icmp_type : take8(in);
		break;
	}
}

/* The last address of a prefix (k odd) or its first, then one step beyond (k & 2). */
static void edge_addr(__u8 addr[16], const __be32 *prefix, __u8 len, __u8 family, unsigned int k)
{
	unsigned int bits = family == SLUICE_AF_INET6 ? 128 : 32;

	memcpy(addr, prefix, 16);
	if (k & 1)
		for (unsigned int i = len; i < bits; i++)
			addr[i / 8] |= (__u8)(0x80 >> (i % 8));
	if (k & 2) {
		/* Add or subtract one at the last bit: the neighbour outside the prefix. */
		for (int i = (int)bits / 8 - 1; i >= 0; i--) {
			addr[i] += (k & 1) ? 1 : 0xff;
			if (addr[i] != ((k & 1) ? 0 : 0xff))
				break;
		}
	}
}

/* Packets on the edges of rule r: first and last address and port, and one beyond. */
static void edge_packet(const struct sluice_rule *r, unsigned int k, struct filter_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->family = r->family ? r->family : (k & 4) ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	pkt->proto = r->proto ? r->proto : IPPROTO_UDP;
	if (r->flags & SLUICE_RULE_F_SRC)
		edge_addr(pkt->src, r->src, r->src_len, pkt->family, k);
	if (r->flags & SLUICE_RULE_F_DST)
		edge_addr(pkt->dst, r->dst, r->dst_len, pkt->family, k >> 1);
	pkt->has_ports = pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP;
	pkt->sport = (__u16)((k & 1 ? r->sport_hi : r->sport_lo) + (k & 2 ? (k & 1 ? 1 : -1) : 0));
	pkt->dport = (__u16)((k & 1 ? r->dport_lo : r->dport_hi) + (k & 2 ? (k & 1 ? -1 : 1) : 0));
	pkt->detail = SLUICE_FILTER_NO_DETAIL;
	if (pkt->proto == IPPROTO_TCP)
		pkt->detail = (__u8)(r->tcp_flags ^ (k & 2 ? r->tcp_flags_mask & -r->tcp_flags_mask : 0));
	else if (r->flags & SLUICE_RULE_F_ICMP_TYPE)
		pkt->detail = (__u8)(r->icmp_type + (k & 2 ? 1 : 0));
}

static void disagree(size_t n, __u32 want, __u64 want_counts, __u32 got, __u64 got_counts)
{
	fprintf(stderr, "%zu rules: rule %u (counts %llx) decides, the compiled filter says %u "
		"(counts %llx)\n", n, want, (unsigned long long)want_counts, got,
		(unsigned long long)got_counts);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sluice_rule rules[MAX_RULES + 1];
	struct bytes in = { data, size };
	unsigned int counts = 0;
	size_t n = take8(&in) % (MAX_RULES + 1);
	struct filter_image img;
	char err[512];

	for (size_t i = 0; i < n; i++) {
		take_rule(&in, &rules[i], &counts);
		rules[i].counter = (__u32)i;
	}
	memset(&rules[n], 0, sizeof(rules[n]));
	rules[n].sport_hi = rules[n].dport_hi = 65535;
	rules[n].action = take8(&in) & 1 ? SLUICE_ACT_DENY : SLUICE_ACT_ALLOW;
	rules[n].counter = SLUICE_DEFAULT_RULE_COUNTER;
	n++;
	if (filter_compile(rules, n, &img, err, sizeof(err))) {
		/* The one limit a handful of rules can reach, documented in README.md. */
		if (!strncmp(err, MISC_LIMIT, strlen(MISC_LIMIT)))
			return 0;
		fprintf(stderr, "%zu rules a config can hold, refused: %s\n", n, err);
		abort();
	}
	/* Every rule's edges, then the packets the input describes. */
	for (size_t i = 0; i < 8 * n || in.n; i++) {
		struct filter_packet pkt;
		__u64 want_counts, got_counts;
		__u32 want, got;

		if (i < 8 * n)
			edge_packet(&rules[i / 8], i % 8, &pkt);
		else
			take_packet(&in, rules, n, &pkt);
		want = reference_verdict(rules, n, &pkt, &want_counts);
		got = filter_image_classify(&img, &pkt, &got_counts);
		if (want != got || want_counts != got_counts)
			disagree(n, want, want_counts, got, got_counts);
	}
	filter_image_free(&img);
	return 0;
}
