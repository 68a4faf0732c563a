// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "bench/flow.h"
#include "bench/frame.h"

static size_t l3_len(const struct frame_spec *s)
{
	return s->family == AF_INET6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
}

static size_t l4_len(const struct frame_spec *s)
{
	return s->proto == IPPROTO_UDP ? sizeof(struct udphdr) : sizeof(struct tcphdr);
}

size_t frame_len(const struct frame_spec *s)
{
	size_t min = ETH_HLEN + l3_len(s) + l4_len(s);

	return s->size > min ? s->size : min;
}

static size_t addr_len(const struct frame_spec *s)
{
	return s->family == AF_INET6 ? 16 : 4;
}

uint16_t frame_saddr_lo(const struct frame_spec *s)
{
	size_t n = addr_len(s);

	return (uint16_t)(s->src[n - 2] << 8 | s->src[n - 1]);
}

static uint32_t sum16(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* The checksum in network order, ready to store. */
static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static uint16_t l4_csum(const struct frame_spec *s, const uint8_t *src, const uint8_t *dst,
			const uint8_t *l4, size_t len)
{
	uint32_t sum = 0;
	uint16_t csum;

	sum = sum16(sum, src, addr_len(s));
	sum = sum16(sum, dst, addr_len(s));
	sum += s->proto;
	sum += (uint32_t)len;
	sum = sum16(sum, l4, len);
	csum = fold(sum);
	return s->proto == IPPROTO_UDP && !csum ? 0xffff : csum;
}

size_t frame_build(const struct frame_spec *s, uint32_t flow, uint8_t *buf)
{
	uint32_t port = s->sport + flow % BENCH_FLOW_PORTS;
	uint32_t saddr_lo = frame_saddr_lo(s) + flow / BENCH_FLOW_PORTS;
	size_t len = frame_len(s), l4_off = ETH_HLEN + l3_len(s), n = addr_len(s);
	struct ethhdr *eth = (struct ethhdr *)buf;
	uint8_t *src, *dst, *l4 = buf + l4_off;

	if (port > 0xffff || saddr_lo > 0xffff || len > FRAME_MAX)
		return 0;
	memset(buf, 0, len);
	memcpy(eth->h_dest, s->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, s->src_mac, ETH_ALEN);
	if (s->family == AF_INET6) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->payload_len = htons((uint16_t)(len - l4_off));
		ip6->nexthdr = s->proto;
		ip6->hop_limit = 64;
		src = (uint8_t *)&ip6->saddr;
		dst = (uint8_t *)&ip6->daddr;
	} else {
		struct iphdr *iph = (struct iphdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IP);
		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons((uint16_t)(len - ETH_HLEN));
		iph->frag_off = htons(0x4000);	/* DF */
		iph->ttl = 64;
		iph->protocol = s->proto;
		src = (uint8_t *)&iph->saddr;
		dst = (uint8_t *)&iph->daddr;
	}
	memcpy(src, s->src, n);
	memcpy(dst, s->dst, n);
	src[n - 2] = (uint8_t)(saddr_lo >> 8);
	src[n - 1] = (uint8_t)saddr_lo;
	if (s->family == AF_INET) {
		struct iphdr *iph = (struct iphdr *)(eth + 1);

		iph->check = fold(sum16(0, iph, sizeof(*iph)));
	}
	if (s->proto == IPPROTO_UDP) {
		struct udphdr *uh = (struct udphdr *)l4;

		uh->source = htons((uint16_t)port);
		uh->dest = htons(s->dport);
		uh->len = htons((uint16_t)(len - l4_off));
		uh->check = l4_csum(s, src, dst, l4, len - l4_off);
	} else {
		struct tcphdr *th = (struct tcphdr *)l4;

		th->source = htons((uint16_t)port);
		th->dest = htons(s->dport);
		th->seq = htonl(1);
		th->ack_seq = htonl(1);
		th->doff = sizeof(*th) / 4;
		th->ack = 1;
		th->window = htons(65535);
		th->check = l4_csum(s, src, dst, l4, len - l4_off);
	}
	return len;
}

void frame_spec_init(struct frame_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->proto = IPPROTO_UDP;
	s->flows = 1;
	s->size = 64;
}

static int parse_u32(const char *opt, const char *arg, unsigned long max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > max) {
		fprintf(stderr, "--%s: '%s' is not a number from 0 to %lu\n", opt, arg, max);
		return -1;
	}
	*out = (uint32_t)v;
	return 1;
}

static int parse_mac(const char *opt, const char *arg, uint8_t mac[6])
{
	if (sscanf(arg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		   &mac[4], &mac[5]) != 6) {
		fprintf(stderr, "--%s: '%s' is not a MAC address\n", opt, arg);
		return -1;
	}
	return 1;
}

static int parse_addr(struct frame_spec *s, const char *opt, const char *arg, uint8_t addr[16])
{
	int family = strchr(arg, ':') ? AF_INET6 : AF_INET;

	if (inet_pton(family, arg, addr) != 1) {
		fprintf(stderr, "--%s: '%s' is not an IP address\n", opt, arg);
		return -1;
	}
	if (s->family && s->family != family) {
		fprintf(stderr, "--%s: '%s' is not of the other address's family\n", opt, arg);
		return -1;
	}
	s->family = family;
	return 1;
}

int frame_option(struct frame_spec *s, int opt, const char *arg)
{
	uint32_t v;
	int ret;

	switch (opt) {
	case 'P':
		if (!strcmp(arg, "tcp") || !strcmp(arg, "udp")) {
			s->proto = arg[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
			return 1;
		}
		fprintf(stderr, "--proto: '%s' is neither tcp nor udp\n", arg);
		return -1;
	case 's':
		return parse_addr(s, "src", arg, s->src);
	case 'd':
		return parse_addr(s, "dst", arg, s->dst);
	case 'S':
		ret = parse_u32("sport", arg, 0xffff, &v);
		s->sport = (uint16_t)v;
		return ret;
	case 'D':
		ret = parse_u32("dport", arg, 0xffff, &v);
		s->dport = (uint16_t)v;
		return ret;
	case 'F':
		ret = parse_u32("flows", arg, UINT32_MAX, &s->flows);
		if (ret == 1 && !s->flows) {
			fprintf(stderr, "--flows: at least 1\n");
			return -1;
		}
		return ret;
	case 'z':
		ret = parse_u32("size", arg, FRAME_MAX, &v);
		s->size = v;
		return ret;
	case 'M':
		return parse_mac("src-mac", arg, s->src_mac);
	case 'm':
		return parse_mac("dst-mac", arg, s->dst_mac);
	default:
		return 0;
	}
}

int frame_spec_check(const struct frame_spec *s)
{
	uint8_t buf[FRAME_MAX];

	if (!s->family) {
		fprintf(stderr, "--src and --dst are required\n");
		return -1;
	}
	/* The last flow is the one that could wrap a port or an address. */
	if (!frame_build(s, s->flows - 1, buf)) {
		fprintf(stderr, "%u flows from source port %u do not fit in the source ports "
			"and the last 16 bits of the source address\n", s->flows, s->sport);
		return -1;
	}
	return 0;
}
