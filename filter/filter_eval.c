// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Two ways to judge a packet in user space: rule by rule, which defines what the
 * filter means, and through a compiled image exactly as xdp/filter.h walks it.
 * Tests hold them against each other; apply uses the first to warn an operator
 * about to cut their own session.
 */
#include <string.h>

#include "filter/filter_build.h"

static bool prefix_matches(const __be32 *prefix, __u8 len, const __u8 *addr)
{
	const __u8 *p = (const __u8 *)prefix;
	unsigned int full = len / 8, rest = len % 8;

	if (memcmp(p, addr, full))
		return false;
	return !rest || !((p[full] ^ addr[full]) & (0xff00 >> rest));
}

static bool port_matches(__u16 lo, __u16 hi, const struct filter_packet *pkt, __u16 port)
{
	if (lo == 0 && hi == UINT16_MAX)
		return true;
	return pkt->has_ports && port >= lo && port <= hi;
}

bool filter_rule_matches(const struct sluice_rule *r, const struct filter_packet *pkt)
{
	if ((r->family && r->family != pkt->family) || (r->proto && r->proto != pkt->proto))
		return false;
	if ((r->flags & SLUICE_RULE_F_SRC) && !prefix_matches(r->src, r->src_len, pkt->src))
		return false;
	if ((r->flags & SLUICE_RULE_F_DST) && !prefix_matches(r->dst, r->dst_len, pkt->dst))
		return false;
	if (!port_matches(r->sport_lo, r->sport_hi, pkt, pkt->sport) ||
	    !port_matches(r->dport_lo, r->dport_hi, pkt, pkt->dport))
		return false;
	if (r->tcp_flags_mask && (pkt->detail == SLUICE_FILTER_NO_DETAIL ||
				  (pkt->detail & r->tcp_flags_mask) != r->tcp_flags))
		return false;
	return !(r->flags & SLUICE_RULE_F_ICMP_TYPE) || pkt->detail == r->icmp_type;
}

static __u64 cell(const struct filter_image *img, __u64 index, __u64 missing)
{
	return index < img->table_len ? img->table[index] : missing;
}

/* The trie's answer: the longest prefix holding the address (a linear search). */
static const struct sluice_addr_value *longest(const struct filter_image *img, __u8 tag,
					       const __u8 *addr)
{
	const struct filter_prefix *best = NULL;

	for (__u32 i = 0; i < img->n_prefixes; i++) {
		const struct filter_prefix *p = &img->prefixes[i];

		if (p->key.tag == tag &&
		    (!best || p->key.prefixlen > best->key.prefixlen) &&
		    prefix_matches((const __be32 *)p->key.addr,
				   (__u8)(p->key.prefixlen - SLUICE_PREFIX_FIXED_BITS), addr))
			best = p;
	}
	return best ? &best->value : NULL;
}

/* IPv4 from the multibit trie, as xdp/filter.h reads it. */
static const struct sluice_addr_value *dir4(const struct filter_image *img, bool dst,
					    const __u8 *addr, struct sluice_addr_value *v)
{
	__u32 a = (__u32)addr[0] << 24 | addr[1] << 16 | addr[2] << 8 | addr[3];
	__u64 base = img->header.dir_off;
	__u64 c = img->fixed[SLUICE_FIXED_DIR + (dst ? SLUICE_DIR_LEVEL1 : 0) + (a >> 16)];

	if (c & SLUICE_DIR_POINTER)
		c = cell(img, base + (__u32)c + (a >> 8 & 0xff), 0);
	if (c & SLUICE_DIR_POINTER)
		c = cell(img, base + (__u32)c + (a & 0xff), 0);
	v->mixed = c & SLUICE_FILTER_CLASS_MASK;
	v->pair = c >> 21 & SLUICE_FILTER_CLASS_MASK;
	v->results = c >> 42 & SLUICE_FILTER_CLASS_MASK;
	return c ? v : NULL;
}

static const struct sluice_addr_value *address(const struct filter_image *img, bool dst,
					       const struct filter_packet *pkt,
					       struct sluice_addr_value *v4)
{
	const __u8 *addr = dst ? pkt->dst : pkt->src;

	if (pkt->family == SLUICE_AF_INET6)
		return longest(img, dst ? SLUICE_PREFIX_DST6 : SLUICE_PREFIX_SRC6, addr);
	return dir4(img, dst, addr, v4);
}

static const struct sluice_addr_value *pair_entry(const struct filter_image *img,
						  const struct sluice_pair_key *key)
{
	for (__u32 i = 0; i < img->n_pairs; i++)
		if (!memcmp(&img->pairs[i].key, key, sizeof(*key)))
			return &img->pairs[i].value;
	return NULL;
}

/* The scope's dst prefixes, probed longest first at the lengths both masks list. */
static const struct sluice_addr_value *pair_of(const struct filter_image *img, __u32 scope,
					       __u32 dst_row, const struct filter_packet *pkt)
{
	__u64 base = img->header.pmask_off + (__u64)scope * SLUICE_PAIR_MASK_CELLS;
	__u64 dbase = img->header.dmask_off + (__u64)dst_row * SLUICE_PAIR_MASK_CELLS;

	for (int len = 128; len >= 0; len--) {
		struct sluice_pair_key key = {
			.scope = scope, .len = (__u8)len, .family = pkt->family,
		};
		const struct sluice_addr_value *v;

		if (!((cell(img, base + len / 64, 0) & cell(img, dbase + len / 64, 0)) >>
		      (len % 64) & 1))
			continue;
		memcpy(key.addr, pkt->dst, sizeof(key.addr));
		for (int bit = len; bit < 128; bit++)
			key.addr[bit / 8] &= (__u8)~(0x80 >> (bit % 8));
		v = pair_entry(img, &key);
		if (v)
			return v;
	}
	return NULL;
}

static __u64 first(__u64 a, __u64 b)
{
	__u64 pa = a & SLUICE_FILTER_POS_MASK, pb = b & SLUICE_FILTER_POS_MASK;

	return ((a | b) & ~SLUICE_FILTER_POS_MASK) | (pa < pb ? pa : pb);
}

static __u64 with_addr(const struct filter_image *img, __u64 res,
		       const struct sluice_addr_value *v, __u32 group, __u64 misc, __u64 packed)
{
	__u32 col = packed >> (group >> 30) * SLUICE_FILTER_CLASS_BITS & SLUICE_FILTER_CLASS_MASK;

	if (v->results)
		res = first(res, cell(img, img->header.ares_off +
				      (__u64)v->results * img->header.n_misc + misc,
				      SLUICE_FILTER_POS_MASK));
	if (!v->mixed || !col)
		return res;
	for (__u32 i = 0; i < img->n_mixed; i++)
		if (img->mixed[i].key.row == (group | v->mixed) && img->mixed[i].key.col == col)
			return first(res, img->mixed[i].result);
	return res;
}

__u32 filter_image_classify(const struct filter_image *img, const struct filter_packet *pkt,
			    __u64 *counted)
{
	const struct sluice_filter_header *h = &img->header;
	const struct sluice_addr_value *src, *dst, *pair;
	struct sluice_addr_value src4, dst4;
	__u32 pos;
	__u64 misc, sp, dp, x, p, res, packed, act;

	sp = img->fixed[SLUICE_FIXED_SPORT + (pkt->has_ports ? pkt->sport : SLUICE_FILTER_NO_PORT)];
	/* The class is the low 32 bits; SLUICE_FILTER_DPORT_ANSWERED may be above. */
	dp = (__u32)img->fixed[SLUICE_FIXED_DPORT +
			       (pkt->has_ports ? pkt->dport : SLUICE_FILTER_NO_PORT)];
	misc = img->fixed[SLUICE_FIXED_MISC +
			  filter_misc_index(pkt->family, pkt->proto, pkt->detail)];
	if (h->n_sport == 1) {
		p = (misc >> 32) + 2 * dp;
	} else {
		x = cell(img, h->t1_off + (misc & 0xffffffff) * h->n_sport + sp, 0);
		p = h->t2_off + 2 * (x * h->n_dport + dp);
	}
	res = cell(img, p, SLUICE_FILTER_POS_MASK);
	packed = cell(img, p + 1, 0);
	misc &= SLUICE_FILTER_MISC_MAX - 1;
	if ((res & SLUICE_FILTER_POS_MASK) < h->first_addr_pos) {
		/* Settled by ports and protocol: the row holds the action word. */
		act = packed;
		goto decided;
	}
	src = address(img, false, pkt, &src4);
	if (src)
		res = with_addr(img, res, src, SLUICE_MIXED_SRC, misc, packed);
	dst = (res & SLUICE_FILTER_POS_MASK) > h->first_dst_pos || (src && src->pair) ?
	      address(img, true, pkt, &dst4) : NULL;
	if (dst)
		res = with_addr(img, res, dst, SLUICE_MIXED_DST, misc, packed);
	pair = src && src->pair && dst && dst->pair ? pair_of(img, src->pair, dst->pair, pkt) :
						      NULL;
	if (pair)
		res = with_addr(img, res, pair, SLUICE_MIXED_BOTH, misc, packed);
	act = cell(img, h->act_off + filter_result_position(h, res), 0);
decided:
	pos = filter_result_position(h, res);
	*counted = res >> SLUICE_FILTER_POS_BITS & ((1ULL << SLUICE_FILTER_ACT_RANK(act)) - 1);
	return pos;
}
