// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <assert.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "tests/bpf/packet.h"

#define IPV4_HDR_LEN	20
#define IPV6_HDR_LEN	40
#define IPV4_MF		0x2000
#define IPV6_FRAG_LEN	8
#define IPOPT_RA	148	/* router alert, RFC 2113 */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

void pkt_fix_ipv4_csum(struct pkt *p)
{
	uint8_t *iph = p->data + p->l3_off;
	size_t hlen = (iph[0] & 0xf) * 4;

	put16(iph + 10, 0);
	put16(iph + 10, csum_fold(csum_add(0, iph, hlen)));
}

/* Pseudo-header sum for TCP, UDP and ICMPv6 (RFC 793, RFC 8200 section 8.1). */
static uint32_t pseudo_sum(const struct pkt *p, uint8_t proto, size_t l4_len)
{
	const uint8_t *ip = p->data + p->l3_off;
	uint8_t tail[8] = {0};
	uint32_t sum;

	if (p->family == AF_INET) {
		sum = csum_add(0, ip + 12, 8);
		tail[1] = proto;
		put16(tail + 2, l4_len);
		return csum_add(sum, tail, 4);
	}
	sum = csum_add(0, ip + 8, 32);
	put32(tail, l4_len);
	tail[7] = proto;
	return csum_add(sum, tail, 8);
}

static void fill_l4_csum(struct pkt *p, uint8_t proto)
{
	uint8_t *l4 = p->data + p->l4_off;
	size_t l4_len = p->len - p->l4_off;
	uint16_t csum;

	switch (proto) {
	case IPPROTO_TCP:
		csum = csum_fold(csum_add(pseudo_sum(p, proto, l4_len), l4, l4_len));
		put16(l4 + 16, csum);
		break;
	case IPPROTO_UDP:
		csum = csum_fold(csum_add(pseudo_sum(p, proto, l4_len), l4, l4_len));
		put16(l4 + 6, csum ? csum : 0xffff);
		break;
	case IPPROTO_ICMP:
		put16(l4 + 2, csum_fold(csum_add(0, l4, l4_len)));
		break;
	case IPPROTO_ICMPV6:
		csum = csum_fold(csum_add(pseudo_sum(p, proto, l4_len), l4, l4_len));
		put16(l4 + 2, csum);
		break;
	}
}

static size_t put_eth(uint8_t *d, const struct pkt_spec *s, uint16_t ethertype)
{
	size_t off = 12;
	unsigned int i;

	memcpy(d, s->dst_mac, 6);
	memcpy(d + 6, s->src_mac, 6);
	for (i = 0; i < s->n_vlans; i++) {
		put16(d + off, s->vlans[i].tpid);
		put16(d + off + 2, s->vlans[i].vid);
		off += 4;
	}
	put16(d + off, ethertype);
	return off + 2;
}

static void put_ipv4(struct pkt *p, const struct pkt_spec *s)
{
	uint8_t *iph = p->data + p->l3_off;
	size_t hlen = IPV4_HDR_LEN + s->ipv4_opt_len;

	assert(s->ipv4_opt_len % 4 == 0 && s->ipv4_opt_len <= 40);
	iph[0] = 0x40 | hlen / 4;
	put16(iph + 4, 0x1234);		/* identification */
	iph[8] = 64;			/* TTL */
	iph[9] = s->proto;
	assert(inet_pton(AF_INET, s->src, iph + 12) == 1);
	assert(inet_pton(AF_INET, s->dst, iph + 16) == 1);
	/* A real option first, then no-ops, so that options must be skipped by length. */
	memset(iph + IPV4_HDR_LEN, 1, s->ipv4_opt_len);
	if (s->ipv4_opt_len) {
		iph[IPV4_HDR_LEN] = IPOPT_RA;
		iph[IPV4_HDR_LEN + 1] = 4;
		put16(iph + IPV4_HDR_LEN + 2, 0);
	}
	p->nexthdr_off = p->l3_off + 9;
	p->l4_off = p->l3_off + hlen;
}

static void put_ipv6(struct pkt *p, const struct pkt_spec *s)
{
	uint8_t *ip6 = p->data + p->l3_off;
	size_t off = p->l3_off + IPV6_HDR_LEN;
	unsigned int i;

	assert(s->n_ext <= PKT_MAX_EXT);
	ip6[0] = 0x60;
	ip6[7] = 64;			/* hop limit */
	assert(inet_pton(AF_INET6, s->src, ip6 + 8) == 1);
	assert(inet_pton(AF_INET6, s->dst, ip6 + 24) == 1);
	p->nexthdr_off = p->l3_off + 6;
	for (i = 0; i < s->n_ext; i++) {
		uint8_t *ext = p->data + off;

		p->data[p->nexthdr_off] = s->ext[i];
		ext[1] = 0;		/* 8 bytes */
		ext[2] = 1;		/* PadN over the remaining 4 bytes */
		ext[3] = 4;
		p->nexthdr_off = off;
		off += 8;
	}
	p->data[p->nexthdr_off] = s->proto;
	p->l4_off = off;
}

static size_t put_l4(uint8_t *l4, const struct pkt_spec *s)
{
	switch (s->proto) {
	case IPPROTO_TCP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		put32(l4 + 4, 1000);	/* sequence */
		put32(l4 + 8, 2000);	/* acknowledgment */
		l4[12] = 5 << 4;	/* data offset: 20 bytes */
		l4[13] = 0x18;		/* PSH | ACK */
		put16(l4 + 14, 65535);	/* window */
		return 20;
	case IPPROTO_UDP:
		put16(l4, s->sport);
		put16(l4 + 2, s->dport);
		return 8;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		l4[0] = s->proto == IPPROTO_ICMP ? 8 : 128;	/* echo request */
		put16(l4 + 4, 0x4242);	/* identifier */
		put16(l4 + 6, 1);	/* sequence */
		return 8;
	}
	return 0;
}

void pkt_build(struct pkt *p, const struct pkt_spec *s)
{
	size_t l4_len, i;

	memset(p, 0, sizeof(*p));
	p->family = s->family;
	p->l3_off = put_eth(p->data, s, s->family == AF_INET ? ETH_P_IP : ETH_P_IPV6);
	if (s->family == AF_INET)
		put_ipv4(p, s);
	else
		put_ipv6(p, s);
	l4_len = put_l4(p->data + p->l4_off, s);
	assert(p->l4_off + l4_len + s->payload_len <= PKT_MAX);
	for (i = 0; i < s->payload_len; i++)
		p->data[p->l4_off + l4_len + i] = i * 7 + 3;
	p->len = p->l4_off + l4_len + s->payload_len;

	if (s->family == AF_INET) {
		put16(p->data + p->l3_off + 2, p->len - p->l3_off);
		pkt_fix_ipv4_csum(p);
	} else {
		put16(p->data + p->l3_off + 4, p->len - p->l3_off - IPV6_HDR_LEN);
	}
	fill_l4_csum(p, s->proto);
}

void pkt_build_arp(struct pkt *p, const uint8_t src_mac[6])
{
	uint8_t *arp;

	memset(p, 0, sizeof(*p));
	memset(p->data, 0xff, 6);
	memcpy(p->data + 6, src_mac, 6);
	put16(p->data + 12, ETH_P_ARP);
	arp = p->data + ETH_HLEN;
	put16(arp, 1);			/* Ethernet */
	put16(arp + 2, ETH_P_IP);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1);		/* request */
	memcpy(arp + 8, src_mac, 6);
	assert(inet_pton(AF_INET, "10.0.0.1", arp + 14) == 1);
	assert(inet_pton(AF_INET, "10.0.0.2", arp + 24) == 1);
	p->len = ETH_HLEN + 28;
}

void pkt_fragment(struct pkt *f, const struct pkt *w, size_t start, size_t end, bool more)
{
	size_t hdr = w->l4_off, len = end - start;

	assert(start % 8 == 0 && (!more || end % 8 == 0));
	assert(start < end && hdr + end <= w->len);
	memset(f, 0, sizeof(*f));
	f->family = w->family;
	f->l3_off = w->l3_off;
	memcpy(f->data, w->data, hdr);
	if (w->family == AF_INET) {
		uint8_t *iph = f->data + f->l3_off;

		memcpy(f->data + hdr, w->data + hdr + start, len);
		f->len = hdr + len;
		f->nexthdr_off = w->nexthdr_off;
		f->l4_off = hdr;
		put16(iph + 2, f->len - f->l3_off);
		put16(iph + 6, start / 8 | (more ? IPV4_MF : 0));
		pkt_fix_ipv4_csum(f);
		return;
	}
	/* The fragment header goes last in the chain, naming the L4 protocol. */
	f->data[hdr] = w->data[w->nexthdr_off];
	f->data[w->nexthdr_off] = IPPROTO_FRAGMENT;
	put16(f->data + hdr + 2, start | (more ? 1 : 0));
	put32(f->data + hdr + 4, 0x5eed);	/* identification */
	memcpy(f->data + hdr + IPV6_FRAG_LEN, w->data + hdr + start, len);
	f->len = hdr + IPV6_FRAG_LEN + len;
	f->nexthdr_off = hdr;
	f->l4_off = hdr + IPV6_FRAG_LEN;
	put16(f->data + f->l3_off + 4, f->len - f->l3_off - IPV6_HDR_LEN);
}
