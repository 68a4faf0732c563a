/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What bench-micro accepts as sluice's ipip output for one input frame: the input's
 * IP packet, unchanged, behind a new outer IPv4 or IPv6 header to a backend, from
 * an address of the service's encap prefix, in a frame to the backend's MAC.
 */
#ifndef SLUICE_BENCH_IPIP_CHECK_H
#define SLUICE_BENCH_IPIP_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct ipip_prefix {
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes */
	unsigned int len;	/* prefix length in bits */
};

struct ipip_expect {
	int outer;			/* AF_INET or AF_INET6: the backends' family */
	uint8_t backend_mac[2];		/* the first two bytes of every backend's MAC */
	struct ipip_prefix backends;	/* every backend's address is in it */
	struct ipip_prefix encap;	/* every outer source is in it */
};

/*
 * Parses "ADDR/LEN" of family into p; 0, or -1 after printing why (opt names the
 * option it came from).
 */
int ipip_prefix_parse(const char *opt, const char *arg, int family, struct ipip_prefix *p);

/*
 * NULL when out (out_len bytes) is in (len bytes: Ethernet without tags, then IP)
 * encapsulated as e says, else what differs.
 */
const char *ipip_check(const struct ipip_expect *e, const uint8_t *in, size_t len,
		       const uint8_t *out, size_t out_len);

#endif /* SLUICE_BENCH_IPIP_CHECK_H */
