/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 2, filter: classify the packet with the compiled rule set (abi.h describes
 * its tables), then do what the first matching rule says. Every packet costs the
 * same bounded number of lookups, with ten rules or ten thousand.
 *
 * Ports: a rule that constrains a port matches only packets that carry ports, that
 * is TCP and UDP including a first fragment (it holds the L4 header), but never a
 * later fragment nor ICMP. Matching first fragments by port keeps a deny rule from
 * being sidestepped by fragmenting: without its first fragment, a datagram never
 * reassembles. TCP flags and ICMP types likewise match only packets that show them.
 */
#ifndef SLUICE_XDP_FILTER_H
#define SLUICE_XDP_FILTER_H

#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/maps.h"
#include "xdp/parse.h"
#include "xdp/ratelimit.h"
#include "xdp/stats.h"

/*
 * What filter_packet returns: a verdict in the low FILTER_VERDICT_BITS, the counter
 * of the rule that decided above them (for `sluice monitor` to name it).
 */
enum filter_verdict {
	FILTER_ALLOW,
	FILTER_DENY,
	FILTER_LIMITED,		/* over a rate-limit rule's rate: dropped too */
};

#define FILTER_VERDICT_BITS	2
#define FILTER_VERDICT_MASK	((1U << FILTER_VERDICT_BITS) - 1)

/*
 * The slot's header and table, looked up once per packet; the trie and hashes only
 * by the packets that need them.
 */
struct filter_maps {
	const struct sluice_filter_header *h;
	void *table;
	const struct sluice_filter_fixed *fixed;
	__u32 slot;
	int hot_fixed;		/* SLUICE_FILTER_HOT_FIXED: a constant in each copy */
	int all_fixed;		/* SLUICE_FILTER_ALL_FIXED: likewise */
};

/* A group result that decides nothing: beyond every position. */
#define FILTER_NO_MATCH		SLUICE_FILTER_POS_MASK

/* A cell of the slot's fixed regions (abi.h: SLUICE_FIXED_*). */
static __always_inline __u64 filter_fixed_cell(const struct filter_maps *m, __u32 index)
{
	return index < SLUICE_FIXED_CELLS ? m->fixed->cells[index] : 0;
}

static __always_inline __u64 filter_cell(void *table, __u32 index, __u64 missing)
{
	const __u64 *cell = bpf_map_lookup_elem(table, &index);

	return cell ? *cell : missing;
}

/* A cell of the whole table, from its copy in the fixed value when there is one. */
static __always_inline __u64 filter_table_cell(const struct filter_maps *m, __u32 index,
					       __u64 missing)
{
	if (m->all_fixed)
		return m->fixed->cells[SLUICE_FIXED_HOT + (index & (SLUICE_FIXED_HOT_CELLS - 1))];
	return filter_cell(m->table, index, missing);
}

/*
 * A cell before dir_off, from its copy in the fixed value when there is one. The
 * compiler's offsets stay inside the hot region; the mask shows the verifier so.
 */
static __always_inline __u64 filter_hot(const struct filter_maps *m, __u32 index,
					__u64 missing)
{
	if (m->hot_fixed)
		return m->fixed->cells[SLUICE_FIXED_HOT + (index & (SLUICE_FIXED_HOT_CELLS - 1))];
	return filter_table_cell(m, index, missing);
}

/* The earlier of two group results, with the count rules either matched. */
static __always_inline __u64 filter_first(__u64 a, __u64 b)
{
	__u64 pos_a = a & SLUICE_FILTER_POS_MASK, pos_b = b & SLUICE_FILTER_POS_MASK;

	return ((a | b) & ~SLUICE_FILTER_POS_MASK) | (pos_a < pos_b ? pos_a : pos_b);
}

static __always_inline __u32 filter_misc_index(const struct parsed_pkt *pkt)
{
	__u32 kind;

	switch (pkt->tuple.proto) {
	case IPPROTO_TCP:
		kind = 0;
		break;
	case IPPROTO_UDP:
		kind = 1;
		break;
	case IPPROTO_ICMP:
		kind = 2;
		break;
	case IPPROTO_ICMPV6:
		kind = 3;
		break;
	default:
		kind = 4;
	}
	if (pkt->tuple.family == SLUICE_AF_INET6)
		kind += SLUICE_FILTER_KINDS;
	return kind * SLUICE_FILTER_DETAILS + pkt->detail;
}

static __always_inline const struct sluice_addr_value *
filter_prefix(void *trie, __u8 tag, const __be32 *addr)
{
	struct sluice_prefix_key key;

	key.prefixlen = SLUICE_PREFIX_FIXED_BITS + 128;
	key.tag = tag;
	__builtin_memcpy(key.addr, addr, sizeof(key.addr));
	return bpf_map_lookup_elem(trie, &key);
}

/* What the rules with an address and ports add: the joined cell, if any. */
static __always_inline __u64 filter_mixed_join(const struct filter_maps *m, __u64 res,
					       __u32 group, __u32 row, __u64 packed)
{
	__u32 col = packed >> (group >> 30) * SLUICE_FILTER_CLASS_BITS & SLUICE_FILTER_CLASS_MASK;
	struct sluice_mixed_key key = { .row = group | row, .col = col };
	const __u64 *cell;
	void *mixed;

	/* Class 0 on either side: no rule joins this address to these ports. */
	if (!row || !col)
		return res;
	mixed = bpf_map_lookup_elem(&filter_mixed, &m->slot);
	cell = mixed ? bpf_map_lookup_elem(mixed, &key) : NULL;
	return cell ? filter_first(res, *cell) : res;
}

/*
 * What the rules naming an address add: those without ports by protocol word,
 * those with ports through their join with the p class.
 */
static __always_inline __u64 filter_addr(const struct filter_maps *m, __u64 res,
					 const struct sluice_addr_value *v, __u32 group,
					 __u32 misc_class, __u64 packed)
{
	/* Row 0 is the empty set of rules: it would decide nothing. */
	if (v->results)
		res = filter_first(res, filter_hot(m, m->h->ares_off + v->results * m->h->n_misc +
						   misc_class, FILTER_NO_MATCH));
	return filter_mixed_join(m, res, group, v->mixed, packed);
}

/*
 * An IPv4 address's classes from the multibit trie: at most three cells. Fills
 * *v and returns non-zero when some rule names the address.
 */
static __always_inline int filter_dir4(const struct filter_maps *m, __u32 level1,
				       const __be32 *addr, struct sluice_addr_value *v)
{
	__u32 a = bpf_ntohl(addr[0]);
	__u64 cell = filter_fixed_cell(m, level1 + (a >> 16));

	if (cell & SLUICE_DIR_POINTER)
		cell = filter_table_cell(m, m->h->dir_off + (__u32)cell + (a >> 8 & 0xff), 0);
	if (cell & SLUICE_DIR_POINTER)
		cell = filter_table_cell(m, m->h->dir_off + (__u32)cell + (a & 0xff), 0);
	v->mixed = cell & SLUICE_FILTER_CLASS_MASK;
	v->pair = cell >> 21 & SLUICE_FILTER_CLASS_MASK;
	v->results = cell >> 42 & SLUICE_FILTER_CLASS_MASK;
	return cell != 0;
}

/* The classes of a src (dst = 0) or dst (dst = 1) address, or NULL if no rule names it. */
static __always_inline const struct sluice_addr_value *
filter_address(const struct filter_maps *m, const struct parsed_pkt *pkt, int dst,
	       struct sluice_addr_value *v4)
{
	const __be32 *addr = dst ? pkt->tuple.dst : pkt->tuple.src;

	if (pkt->tuple.family == SLUICE_AF_INET6) {
		void *trie = bpf_map_lookup_elem(&filter_prefixes, &m->slot);

		return trie ? filter_prefix(trie, dst ? SLUICE_PREFIX_DST6 : SLUICE_PREFIX_SRC6,
					    addr) : NULL;
	}
	return filter_dir4(m, SLUICE_FIXED_DIR + (dst ? SLUICE_DIR_LEVEL1 : 0), addr, v4) ? v4 : NULL;
}

/* Index of the highest bit set in x (x != 0). */
static __always_inline __u32 filter_fls(__u64 x)
{
	__u32 r = 0;

	if (x >> 32) { r += 32; x >>= 32; }
	if (x >> 16) { r += 16; x >>= 16; }
	if (x >> 8) { r += 8; x >>= 8; }
	if (x >> 4) { r += 4; x >>= 4; }
	if (x >> 2) { r += 2; x >>= 2; }
	return r + (__u32)(x >> 1);
}

/* Clear every bit of key->addr past len. */
static __always_inline void filter_mask_addr(struct sluice_pair_key *key, __u32 len)
{
	__u32 *addr = (__u32 *)key->addr;
	int i;

	for (i = 0; i < 4; i++) {
		__s32 bits = (__s32)len - 32 * i;

		if (bits <= 0)
			addr[i] = 0;
		else if (bits < 32)
			addr[i] &= bpf_htonl(~0U << (32 - bits));
	}
}

/*
 * One probe after another, for bpf_loop: what the probes share. Probes go from
 * the longest length down, so the key's address, masked for one probe, is masked
 * further for the next.
 */
struct filter_pair_probe {
	void *pairs;
	__u64 lengths[SLUICE_PAIR_MASK_CELLS];	/* lengths not probed yet */
	struct sluice_pair_key key;
	const struct sluice_addr_value *found;
};

/* Probe the longest length left; stop (1) on a hit or when none is left. */
static long filter_pair_step(__u32 index, void *ctx)
{
	struct filter_pair_probe *p = ctx;
	__u32 word = p->lengths[2] ? 2 : p->lengths[1] ? 1 : 0, bit;
	const struct sluice_addr_value *v;

	(void)index;
	if (!p->lengths[word])
		return 1;
	bit = filter_fls(p->lengths[word]);
	p->lengths[word] &= ~(1ULL << bit);
	p->key.len = word * 64 + bit;
	filter_mask_addr(&p->key, p->key.len);
	v = bpf_map_lookup_elem(p->pairs, &p->key);
	if (!v)
		return 0;
	p->found = v;
	return 1;
}

/*
 * Rules with both prefixes: the longest dst prefix their src class lists. Each
 * probe is one hash lookup at a length the scope has, longest first; bpf_loop
 * keeps the verifier's work to one pass over a probe.
 */
static __always_inline const struct sluice_addr_value *
filter_pair(const struct filter_maps *m, __u32 scope, __u32 dst_row,
	    const struct parsed_pkt *pkt)
{
	__u32 base = m->h->pmask_off + scope * SLUICE_PAIR_MASK_CELLS;
	__u32 dbase = m->h->dmask_off + dst_row * SLUICE_PAIR_MASK_CELLS;
	struct filter_pair_probe p;
	__u64 len0, len1, len2;
	void *pairs;

	/*
	 * Only lengths at which both the class and the address have a prefix can hit.
	 * Usually there are none: that is decided before the probes are set up.
	 */
	len0 = filter_hot(m, base, 0) & filter_hot(m, dbase, 0);
	len1 = filter_hot(m, base + 1, 0) & filter_hot(m, dbase + 1, 0);
	len2 = filter_hot(m, base + 2, 0) & filter_hot(m, dbase + 2, 0);
	if (!(len0 | len1 | len2))
		return NULL;
	pairs = bpf_map_lookup_elem(&filter_pairs, &m->slot);
	if (!pairs)
		return NULL;
	__builtin_memset(&p, 0, sizeof(p));
	p.pairs = pairs;
	p.lengths[0] = len0;
	p.lengths[1] = len1;
	p.lengths[2] = len2;
	p.key.scope = scope;
	p.key.family = pkt->tuple.family;
	__builtin_memcpy(p.key.addr, pkt->tuple.dst, sizeof(p.key.addr));
	bpf_loop(129, filter_pair_step, &p, 0);
	return p.found;
}

/* What the count-rule loop shares with each step. */
struct filter_count_walk {
	const struct filter_maps *m;
	__u64 counts;		/* rank bits not counted yet */
	__u32 bytes;
};

/* Count the lowest count rule left; stop (1) when none is. */
static long filter_count_step(__u32 index, void *ctx)
{
	struct filter_count_walk *w = ctx;
	const struct sluice_filter_header *h = w->m->h;
	__u32 rank;

	(void)index;
	if (!w->counts)
		return 1;
	rank = filter_fls(w->counts & -w->counts);
	w->counts &= w->counts - 1;
	stats_add(&rule_stats, (__u32)filter_hot(w->m, h->count_off + rank, 0), w->bytes);
	return 0;
}

/*
 * Count rules before the deciding one. Rare, so bpf_loop's call per rule costs
 * little, and the verifier checks one step instead of every rank.
 */
static __always_inline void filter_count(const struct filter_maps *m, __u64 counts, __u32 bytes)
{
	struct filter_count_walk w = { .m = m, .counts = counts, .bytes = bytes };

	bpf_loop(SLUICE_MAX_COUNT_RULES, filter_count_step, &w, 0);
}

/* What the rules naming addresses make of res, the port/protocol result. */
static __always_inline __u64 filter_by_address(const struct filter_maps *m,
					       const struct parsed_pkt *pkt, __u64 res,
					       __u32 misc_class, __u64 packed)
{
	const struct sluice_filter_header *h = m->h;
	const struct sluice_addr_value *src, *dst, *pair;
	struct sluice_addr_value src4, dst4;

	src = filter_address(m, pkt, 0, &src4);
	if (src)
		res = filter_addr(m, res, src, SLUICE_MIXED_SRC, misc_class, packed);
	if ((res & SLUICE_FILTER_POS_MASK) <= h->first_dst_pos && !(src && src->pair))
		return res;
	dst = filter_address(m, pkt, 1, &dst4);
	if (!dst)
		return res;
	res = filter_addr(m, res, dst, SLUICE_MIXED_DST, misc_class, packed);
	pair = src && src->pair && dst->pair ? filter_pair(m, src->pair, dst->pair, pkt) : NULL;
	return pair ? filter_addr(m, res, pair, SLUICE_MIXED_BOTH, misc_class, packed) : res;
}

/* The position a result decides: its rule's, or the default's when no rule matched. */
static __always_inline __u32 filter_position(const struct filter_maps *m, __u64 res)
{
	__u32 pos = res & SLUICE_FILTER_POS_MASK;

	return pos < m->h->n_rules ? pos : m->h->n_rules - 1;
}

/*
 * The result of the compiled classifier (deciding position and count bits), and
 * the deciding rule's position and action word.
 */
static __always_inline __u64 filter_classify(const struct filter_maps *m,
					     const struct parsed_pkt *pkt, __u32 *pos, __u64 *act)
{
	const struct sluice_filter_header *h = m->h;
	__u64 misc, sp, dp, x, res, word;
	__u32 sport, dport, p;

	dport = pkt->has_ports ? bpf_ntohs(pkt->tuple.dport) : SLUICE_FILTER_NO_PORT;
	misc = filter_fixed_cell(m, SLUICE_FIXED_MISC + filter_misc_index(pkt));
	dp = filter_fixed_cell(m, SLUICE_FIXED_DPORT + dport);
	if (h->n_sport == 1) {
		/* No rule names a source port: misc brings its t2 row. */
		p = misc >> 32;
	} else {
		sport = pkt->has_ports ? bpf_ntohs(pkt->tuple.sport) : SLUICE_FILTER_NO_PORT;
		sp = filter_fixed_cell(m, SLUICE_FIXED_SPORT + sport);
		x = filter_hot(m, h->t1_off + (__u32)misc * h->n_sport + (__u32)sp, 0);
		p = h->t2_off + 2 * (__u32)x * h->n_dport;
	}
	p += 2 * (__u32)dp;
	res = filter_hot(m, p, FILTER_NO_MATCH);
	word = filter_hot(m, p + 1, 0);
	if ((res & SLUICE_FILTER_POS_MASK) < h->first_addr_pos) {
		*pos = filter_position(m, res);
		*act = word;	/* settled by ports and protocol: the row holds the action */
		return res;
	}
	res = filter_by_address(m, pkt, res, misc & (SLUICE_FILTER_MISC_MAX - 1), word);
	*pos = filter_position(m, res);
	*act = filter_hot(m, h->act_off + *pos, 0);
	return res;
}

/* Router and neighbour solicitations and advertisements, and redirects (RFC 4861). */
static __always_inline int filter_is_ndp(const struct parsed_pkt *pkt)
{
	return pkt->tuple.proto == IPPROTO_ICMPV6 && pkt->detail >= 133 && pkt->detail <= 137;
}

/*
 * A reply to a health check of `sluice run`: TCP from a checked backend's address
 * and check port. Asked only of packets the deny default is about to drop.
 */
static __always_inline int filter_is_check_reply(const struct parsed_pkt *pkt)
{
	struct sluice_health_peer peer = {
		.port = pkt->tuple.sport,
		.family = pkt->tuple.family | (pkt->root & SLUICE_ROOT_GEN),
	};

	if (pkt->tuple.proto != IPPROTO_TCP)
		return 0;
	__builtin_memcpy(peer.addr, pkt->tuple.src, sizeof(peer.addr));
	return bpf_map_lookup_elem(&health_peers, &peer) != NULL;
}

/*
 * The deciding rule's action word and position, and in *counts the count rules
 * before it. Inlined once for each place the tables can be, so that no cell asks.
 */
static __always_inline __u64 filter_decide(const struct filter_maps *m,
					   const struct parsed_pkt *pkt, __u32 *pos,
					   __u64 *counts)
{
	__u64 res, act;

	res = filter_classify(m, pkt, pos, &act);
	*counts = res >> SLUICE_FILTER_POS_BITS & ((1ULL << SLUICE_FILTER_ACT_RANK(act)) - 1);
	return act;
}

/*
 * Not inlined: a global function is verified once on its own, so the verifier's
 * work on the classifier, of which there are three copies, does not multiply with
 * the paths of the stages around it.
 */
__noinline int filter_packet(const struct parsed_pkt *pkt)
{
	__u32 pos, action, counter;
	struct filter_maps m;
	__u64 act, counts;

	if (!pkt)
		return FILTER_ALLOW;
	m.slot = pkt->root & SLUICE_ROOT_FILTER_SLOT;
	m.h = bpf_map_lookup_elem(&filter_headers, &m.slot);
	m.fixed = bpf_map_lookup_elem(&filter_fixed, &m.slot);
	m.table = bpf_map_lookup_elem(&filter_tables, &m.slot);
	/* Before the first apply there is no rule set: everything is allowed. */
	if (!m.h || !m.h->ready || !m.fixed || !m.table)
		return FILTER_ALLOW;
	if (m.h->flags & SLUICE_FILTER_ALL_FIXED) {
		m.hot_fixed = 1;
		m.all_fixed = 1;
		act = filter_decide(&m, pkt, &pos, &counts);
	} else if (m.h->flags & SLUICE_FILTER_HOT_FIXED) {
		m.hot_fixed = 1;
		m.all_fixed = 0;
		act = filter_decide(&m, pkt, &pos, &counts);
	} else {
		m.hot_fixed = 0;
		m.all_fixed = 0;
		act = filter_decide(&m, pkt, &pos, &counts);
	}
	/* Once, after the three copies: the count walk reads the tables' place from m. */
	if (counts)
		filter_count(&m, counts, pkt->len);
	counter = SLUICE_FILTER_ACT_COUNTER(act);
	action = SLUICE_FILTER_ACT_ACTION(act);
	/* Neighbour discovery outlives a deny default unless the config says otherwise. */
	if (action == SLUICE_ACT_DENY && pos == m.h->n_rules - 1 &&
	    (m.h->flags & SLUICE_FILTER_SPARE_NDP) && filter_is_ndp(pkt)) {
		counter = SLUICE_NDP_RULE_COUNTER;
		action = SLUICE_ACT_ALLOW;
	}
	/* So are health checks: a backend must not look dead for a deny default. */
	if (action == SLUICE_ACT_DENY && pos == m.h->n_rules - 1 && filter_is_check_reply(pkt)) {
		counter = SLUICE_HEALTH_RULE_COUNTER;
		action = SLUICE_ACT_ALLOW;
	}
	stats_add(&rule_stats, counter, pkt->len);
	if (action == SLUICE_ACT_DENY)
		return counter << FILTER_VERDICT_BITS | FILTER_DENY;
	if (action == SLUICE_ACT_RATE_LIMIT && !limit_conforms(counter, m.slot, pkt)) {
		stats_add(&rule_limited, counter, pkt->len);
		stats_add(&stats, SLUICE_STAT_RATE_LIMITED, pkt->len);
		return counter << FILTER_VERDICT_BITS | FILTER_LIMITED;
	}
	return counter << FILTER_VERDICT_BITS | FILTER_ALLOW;
}

#endif /* SLUICE_XDP_FILTER_H */
