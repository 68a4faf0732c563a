// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The whole XDP program, loaded from the real object as tests/bpf/ load it, on any
 * frame through BPF_PROG_TEST_RUN (needs root): a frame whose headers do not add
 * up is never forwarded, a forwarded one leaves only with its MACs rewritten, and
 * the counters add up for every frame (xdp/stats.h): exactly one of OTHER_HOST,
 * NON_IP, MALFORMED, FILTER_DROP and FILTER_PASS (each of which the program writes
 * or a reader derives) grows by one, and RX, their sum, by the frame's length.
 * web6 has the rule set's answer (its packets skip the classifier), the two IPv4
 * services have rules that single out some of their packets.
 *
 * The first input byte says how to take the rest: bit 0 sends it to our MAC, bit 1
 * makes the IP length fields match the frame, so that mutations reach past them,
 * and bit 2 sets the malformed policy to drop, which a malformed frame must get.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include "kernel/counters_derive.h"
#include "tests/bpf/fixture.h"

#define TO_OUR_MAC	0x01
#define FIX_LENGTHS	0x02
#define DROP_MALFORMED	0x04
#define ETH_LEN		14

static struct fixture *fx;
static int stats_fd;
static uint32_t malformed_policy = SLUICE_MALFORMED_PASS;

/* Which counters moved, by verdict: what libFuzzer cannot see inside the program. */
static uint8_t outcomes[SLUICE_STAT_MAX][XDP_REDIRECT + 1]
	__attribute__((section("__libfuzzer_extra_counters"), used));

static void broken(const char *what, int verdict)
{
	fprintf(stderr, "sluice_xdp, verdict %d: %s\n", verdict, what);
	abort();
}

/* Three services: TCP port 80 on each family, and every UDP port of VIP4. */
static void set_up(void)
{
	const uint32_t web4[] = { 1, 2 }, web6 = 3, udp_any = 4;
	struct sluice_rule rules[4];
	struct filter_service svcs[3];
	void *state;

	if (fixture_setup(&state)) {
		fprintf(stderr, "cannot load the sluice object (root needed)\n");
		exit(1);
	}
	fx = state;
	fx_settings(fx, SLUICE_MALFORMED_PASS, 1);
	fx_service(fx, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(fx, 0, SLUICE_TABLE_SIZE_MIN, web4, 2);
	fx_service(fx, VIP6, 80, IPPROTO_TCP, 2, 1, SLUICE_TABLE_SIZE_MIN);
	fx_table(fx, 1, SLUICE_TABLE_SIZE_MIN, &web6, 1);
	fx_service(fx, VIP4, 0, IPPROTO_UDP, 3, 2, SLUICE_TABLE_SIZE_MIN);
	fx_table(fx, 2, SLUICE_TABLE_SIZE_MIN, &udp_any, 1);
	for (uint32_t id = 1; id <= 4; id++)
		fx_backend(fx, id, 1, true);
	rules[0] = fx_rule(SLUICE_ACT_COUNT, 0);
	rules[0].proto = IPPROTO_ICMP;
	rules[0].family = SLUICE_AF_INET;
	rules[1] = fx_rule(SLUICE_ACT_DENY, 1);
	rules[1].proto = IPPROTO_UDP;
	rules[1].dport_lo = rules[1].dport_hi = 11211;
	rules[2] = fx_rule(SLUICE_ACT_DENY, 2);
	fx_rule_src(&rules[2], "203.0.113.0", 24);
	rules[3] = fx_rule(SLUICE_ACT_ALLOW, SLUICE_DEFAULT_RULE_COUNTER);
	svcs[0] = fx_answer_service(VIP4, 80, IPPROTO_TCP, 1);
	svcs[1] = fx_answer_service(VIP6, 80, IPPROTO_TCP, 2);
	svcs[2] = fx_answer_service(VIP4, 0, IPPROTO_UDP, 3);
	fx_rules_answered(fx, rules, 4, svcs, 3);
	stats_fd = fx_map_fd(fx, "stats");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	set_up();
	return 0;
}

static void read_stats(struct sluice_counter c[SLUICE_STAT_MAX])
{
	for (uint32_t i = 0; i < SLUICE_STAT_MAX; i++)
		c[i] = fx_counter(stats_fd, i);
	counters_derive(c);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Where the IP header starts, past up to two VLAN tags, and its ethertype. */
static size_t l3_of(const uint8_t *d, size_t len, uint16_t *type)
{
	size_t off = ETH_LEN;

	*type = get16(d + 12);
	for (int i = 0; i < 2 && (*type == 0x8100 || *type == 0x88a8); i++) {
		if (off + 4 > len)
			return 0;
		*type = get16(d + off + 2);
		off += 4;
	}
	return off;
}

static void fix_lengths(uint8_t *d, size_t len)
{
	uint16_t type;
	size_t off = l3_of(d, len, &type);

	if (type == 0x0800 && off + 20 <= len)
		put16(d + off + 2, len - off);
	else if (type == 0x86dd && off + 40 <= len)
		put16(d + off + 4, len - off - 40);
}

/* Is the L4 header of proto whole inside [off, end)? */
static bool l4_whole(const uint8_t *d, size_t off, size_t end, uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return off + 20 <= end && d[off + 12] >> 4 >= 5 && off + (d[off + 12] >> 4) * 4 <= end;
	case IPPROTO_UDP:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return off + 8 <= end;
	}
	return true;
}

/* RFC 791 and 8200, as a receiver checks them: what may be forwarded at all. */
static bool well_formed(const uint8_t *d, size_t len)
{
	uint16_t type;
	size_t off = l3_of(d, len, &type), end;
	uint8_t next;

	if (!off)
		return false;
	if (type == 0x0800) {
		size_t ihl = (d[off] & 0xf) * 4u;

		if (off + 20 > len || d[off] >> 4 != 4 || ihl < 20)
			return false;
		end = off + get16(d + off + 2);
		if (end < off + ihl || end > len)
			return false;
		/* A later fragment carries no L4 header to check. */
		return (get16(d + off + 6) & 0x1fff) || l4_whole(d, off + ihl, end, d[off + 9]);
	}
	if (type != 0x86dd || off + 40 > len || d[off] >> 4 != 6)
		return false;
	end = off + 40 + get16(d + off + 4);
	if (end > len)
		return false;
	next = d[off + 6];
	off += 40;
	for (int i = 0; next == 0 || next == 43 || next == 60 || next == 44; i++) {
		if (i == 5 || off + 8 > end || (next == 0 && i))
			return false;
		if (next == 44) {
			if (get16(d + off + 2) & 0xfff8)
				return true;
			next = d[off];
			off += 8;
			continue;
		}
		next = d[off];
		off += (d[off + 1] + 1) * 8u;
		if (off > end)
			return false;
	}
	return l4_whole(d, off, end, next);
}

/* l2dsr: only the MACs change, to a backend's from ours. */
static bool only_macs_rewritten(const struct pkt *in, const struct pkt *out)
{
	const uint8_t ours[6] = OUR_MAC;

	return out->len == in->len && out->data[0] == 0x02 && out->data[1] == 0xbe &&
	       !memcmp(out->data + 6, ours, 6) &&
	       !memcmp(out->data + 12, in->data + 12, in->len - 12);
}

static void check_counters(const struct sluice_counter *a, const struct sluice_counter *b,
			   size_t len, int verdict)
{
	static const enum sluice_stat fates[] = {
		SLUICE_STAT_OTHER_HOST, SLUICE_STAT_NON_IP, SLUICE_STAT_MALFORMED,
		SLUICE_STAT_FILTER_DROP, SLUICE_STAT_FILTER_PASS,
	};
	uint64_t fate = 0;

	for (unsigned int i = 0; i < sizeof(fates) / sizeof(fates[0]); i++)
		fate += b[fates[i]].packets - a[fates[i]].packets;
	if (b[SLUICE_STAT_RX].packets - a[SLUICE_STAT_RX].packets != 1 ||
	    b[SLUICE_STAT_RX].bytes - a[SLUICE_STAT_RX].bytes != len)
		broken("RX did not count the frame once, with its length", verdict);
	if (fate != 1)
		broken("the frame is not counted in exactly one of RX's parts", verdict);
	for (uint32_t i = 0; i < SLUICE_STAT_MAX; i++)
		if (b[i].packets != a[i].packets && verdict >= 0 && verdict <= XDP_REDIRECT)
			outcomes[i][verdict]++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sluice_counter before[SLUICE_STAT_MAX], after[SLUICE_STAT_MAX];
	static struct pkt in, out;
	const uint8_t ours[6] = OUR_MAC;
	uint32_t policy;
	int verdict;

	/* The kernel runs no frame shorter than an Ethernet header. */
	if (size < 1 + ETH_LEN)
		return 0;
	in.len = size - 1 < PKT_MAX ? size - 1 : PKT_MAX;
	memcpy(in.data, data + 1, in.len);
	if (data[0] & TO_OUR_MAC)
		memcpy(in.data, ours, 6);
	if (data[0] & FIX_LENGTHS)
		fix_lengths(in.data, in.len);
	policy = data[0] & DROP_MALFORMED ? SLUICE_MALFORMED_DROP : SLUICE_MALFORMED_PASS;
	if (policy != malformed_policy) {
		malformed_policy = policy;
		fx_settings(fx, policy, 1);
	}
	read_stats(before);
	verdict = fx_run(fx, &in, &out);
	read_stats(after);
	check_counters(before, after, in.len, verdict);
	if (after[SLUICE_STAT_MALFORMED].packets != before[SLUICE_STAT_MALFORMED].packets &&
	    verdict != (malformed_policy == SLUICE_MALFORMED_DROP ? XDP_DROP : XDP_PASS))
		broken("a malformed frame did not get the malformed policy", verdict);
	if (verdict == XDP_TX || verdict == XDP_REDIRECT) {
		if (after[SLUICE_STAT_MALFORMED].packets != before[SLUICE_STAT_MALFORMED].packets ||
		    !well_formed(in.data, in.len))
			broken("a malformed frame was forwarded", verdict);
		if (!only_macs_rewritten(&in, &out))
			broken("a forwarded frame changed beyond its MACs", verdict);
	} else if (verdict != XDP_PASS && verdict != XDP_DROP) {
		broken("a verdict sluice never gives", verdict);
	}
	return 0;
}
