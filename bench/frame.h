/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Benchmark frames: Ethernet, IPv4 or IPv6 without options, TCP or UDP, zero
 * payload up to the requested size, every checksum valid. Flow i of a spec is the
 * frame the generator's BPF program makes from it (see flow.h).
 */
#ifndef SLUICE_BENCH_FRAME_H
#define SLUICE_BENCH_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX	1514	/* one Ethernet MTU's worth, without FCS */

struct frame_spec {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	uint8_t src[16];	/* network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
	uint16_t sport;		/* flow 0's source port, host order */
	uint16_t dport;
	uint32_t flows;		/* distinct flows, at least 1 */
	size_t size;		/* frame length without FCS; raised to the headers' length */
};

/* Length of the frame a spec makes (its headers at least). */
size_t frame_len(const struct frame_spec *s);

/* The last 16 bits of the spec's source address, host order (flow 0's). */
uint16_t frame_saddr_lo(const struct frame_spec *s);

/*
 * Writes flow `flow` of spec into buf (FRAME_MAX bytes) and returns its length, or
 * 0 when the spec cannot make that flow (ports or addresses would wrap).
 */
size_t frame_build(const struct frame_spec *s, uint32_t flow, uint8_t *buf);

/*
 * Command-line options describing a frame, shared by the generator and the micro
 * benchmark. frame_option() returns 1 if opt was one of them and was applied, 0 if
 * opt is not a frame option, -1 (after printing why) if its value is bad.
 */
#define FRAME_OPTIONS \
	{ "proto", required_argument, NULL, 'P' }, \
	{ "src", required_argument, NULL, 's' }, \
	{ "dst", required_argument, NULL, 'd' }, \
	{ "sport", required_argument, NULL, 'S' }, \
	{ "dport", required_argument, NULL, 'D' }, \
	{ "flows", required_argument, NULL, 'F' }, \
	{ "size", required_argument, NULL, 'z' }, \
	{ "src-mac", required_argument, NULL, 'M' }, \
	{ "dst-mac", required_argument, NULL, 'm' }

#define FRAME_OPTIONS_HELP \
	"  --proto tcp|udp --src ADDR --dst ADDR   the flow (family from the addresses)\n" \
	"  --sport PORT --dport PORT               flow 0's ports\n" \
	"  --flows N                               distinct flows: source port, then\n" \
	"                                          source address, counted up\n" \
	"  --size BYTES                            frame length without FCS\n" \
	"  --src-mac MAC --dst-mac MAC\n"

void frame_spec_init(struct frame_spec *s);
int frame_option(struct frame_spec *s, int opt, const char *arg);
/* After parsing: 0 if the spec is complete and consistent, else -1 (printed). */
int frame_spec_check(const struct frame_spec *s);

#endif /* SLUICE_BENCH_FRAME_H */
