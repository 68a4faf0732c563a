// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A service's answer from the rule set (filter_answer.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#include "filter/filter_answer.h"

static bool prefix_holds(const __be32 *prefix, __u8 len, const __be32 *addr)
{
	const __u8 *p = (const __u8 *)prefix, *a = (const __u8 *)addr;
	unsigned int full = len / 8, rest = len % 8;

	if (memcmp(p, a, full))
		return false;
	return !rest || !((p[full] ^ a[full]) & (0xff00 >> rest));
}

static bool port_any(__u16 lo, __u16 hi)
{
	return lo == 0 && hi == UINT16_MAX;
}

/*
 * Could r match some packet of vip? Its packets are TCP or UDP of the VIP's
 * family to its address; to its port when it has one (an any-port service's
 * packets may have any port, or none: fragments), from anywhere.
 */
static bool may_match(const struct sluice_rule *r, const struct sluice_vip_key *vip)
{
	__u16 port = ntohs(vip->port);

	if ((r->family && r->family != vip->family) || (r->proto && r->proto != vip->proto))
		return false;
	if ((r->flags & SLUICE_RULE_F_DST) && !prefix_holds(r->dst, r->dst_len, vip->addr))
		return false;
	if (port && !port_any(r->dport_lo, r->dport_hi) &&
	    (port < r->dport_lo || port > r->dport_hi))
		return false;
	/*
	 * TCP flags are seen only in TCP packets. An ICMP type is compared with the
	 * byte a TCP packet's flags take (the classifier's protocol word): kept as a
	 * possible match, as is everything about the source.
	 */
	return !r->tcp_flags_mask || vip->proto == IPPROTO_TCP;
}

/* Does r match every packet of vip (given that it may match one)? */
static bool takes_all(const struct sluice_rule *r, const struct sluice_vip_key *vip)
{
	if (r->flags & (SLUICE_RULE_F_SRC | SLUICE_RULE_F_ICMP_TYPE))
		return false;
	if (r->tcp_flags_mask || !port_any(r->sport_lo, r->sport_hi))
		return false;
	/* A port range matches only packets with ports: a port-specific service's. */
	return port_any(r->dport_lo, r->dport_hi) || vip->port;
}

__u16 filter_answer_of(const struct sluice_rule *rules, size_t n,
		       const struct sluice_vip_key *vip)
{
	for (size_t i = 0; i < n; i++) {
		const struct sluice_rule *r = &rules[i];

		if (!may_match(r, vip))
			continue;
		if (r->action != SLUICE_ACT_ALLOW || !takes_all(r, vip))
			return 0;
		return (__u16)(r->counter + 1);
	}
	return 0;
}

size_t filter_answers(const struct sluice_rule *rules, size_t n,
		      const struct filter_service *svcs, size_t n_svcs, __u16 *answers)
{
	size_t i, found = 0;

	memset(answers, 0, SLUICE_MAX_SERVICES * sizeof(*answers));
	for (i = 0; i < n_svcs; i++) {
		if (svcs[i].id >= SLUICE_MAX_SERVICES)
			continue;
		answers[svcs[i].id] = filter_answer_of(rules, n, &svcs[i].vip);
		found += answers[svcs[i].id] != 0;
	}
	return found;
}

void filter_answers_mark(struct filter_image *img, const struct filter_service *svcs,
			 size_t n_svcs, const __u16 *answers)
{
	uint64_t *dport = img->fixed + SLUICE_FIXED_DPORT;

	memcpy(img->header.answers, answers, sizeof(img->header.answers));
	for (size_t i = 0; i < n_svcs; i++) {
		__u16 port = ntohs(svcs[i].vip.port);

		if (svcs[i].id >= SLUICE_MAX_SERVICES || !answers[svcs[i].id])
			continue;
		if (port) {
			dport[port] |= SLUICE_FILTER_DPORT_ANSWERED;
			continue;
		}
		for (__u32 p = 0; p < SLUICE_FILTER_PORTS; p++)
			dport[p] |= SLUICE_FILTER_DPORT_ANSWERED;
	}
}
