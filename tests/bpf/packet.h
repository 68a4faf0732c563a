/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Test packets: Ethernet frames with optional VLAN tags, IPv4 (with options) or
 * IPv6 (with extension headers), and TCP, UDP, ICMP or ICMPv6, all checksums right.
 * Tests then break them on purpose through the offsets recorded in struct pkt.
 */
#ifndef SLUICE_TESTS_PACKET_H
#define SLUICE_TESTS_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX		2048
#define PKT_MAX_VLANS	3
#define PKT_MAX_EXT	8

struct pkt_vlan {
	uint16_t tpid;		/* ETH_P_8021Q or ETH_P_8021AD */
	uint16_t vid;
};

struct pkt_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	unsigned int n_vlans;
	struct pkt_vlan vlans[PKT_MAX_VLANS];
	int family;			/* AF_INET or AF_INET6 */
	const char *src;		/* addresses in text form */
	const char *dst;
	uint8_t proto;			/* IPPROTO_TCP, _UDP, _ICMP, _ICMPV6 or any other */
	uint16_t sport;			/* TCP and UDP */
	uint16_t dport;
	unsigned int ipv4_opt_len;	/* IPv4 options, a multiple of 4 up to 40 */
	unsigned int n_ext;		/* IPv6 extension headers (8 bytes each) */
	uint8_t ext[PKT_MAX_EXT];	/* IPPROTO_HOPOPTS, _ROUTING or _DSTOPTS */
	size_t payload_len;
};

struct pkt {
	uint8_t data[PKT_MAX];
	size_t len;
	size_t l3_off;		/* IP header */
	size_t l4_off;		/* first byte after the IP header and its extensions */
	size_t nexthdr_off;	/* the byte that names the L4 protocol (IPv4: protocol) */
	int family;
};

void pkt_build(struct pkt *p, const struct pkt_spec *spec);

/* An ARP request from src_mac, broadcast. */
void pkt_build_arp(struct pkt *p, const uint8_t src_mac[6]);

/*
 * One fragment of whole: the bytes [start, end) of what follows its IP header (and,
 * for IPv6, its extension headers), more = whether fragments follow. start and,
 * unless it is the last, end are multiples of 8. IPv6 gets a fragment header
 * after its extension headers.
 */
void pkt_fragment(struct pkt *frag, const struct pkt *whole, size_t start, size_t end,
		  bool more);

/* Recompute the IPv4 header checksum after a test changed the header. */
void pkt_fix_ipv4_csum(struct pkt *p);

#endif /* SLUICE_TESTS_PACKET_H */
