// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Phase 0 of the filter compiler for the fields read from arrays: the protocol
 * word (family, protocol, TCP flags or ICMP type) and both ports. Each value of a
 * field gets the class of the set of rules it satisfies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "filter/filter_build.h"

static const __u8 kind_proto[SLUICE_FILTER_KINDS] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, 0,
};

uint32_t filter_misc_index(__u8 family, __u8 proto, __u16 detail)
{
	uint32_t kind;

	for (kind = 0; kind < SLUICE_FILTER_KINDS - 1; kind++)
		if (kind_proto[kind] == proto)
			break;
	if (family == SLUICE_AF_INET6)
		kind += SLUICE_FILTER_KINDS;
	return kind * SLUICE_FILTER_DETAILS + detail;
}

static bool misc_matches(const struct sluice_rule *r, __u8 family, uint32_t kind,
			 uint32_t detail)
{
	if (r->family && r->family != family)
		return false;
	if (r->proto && (kind == SLUICE_FILTER_KINDS - 1 || kind_proto[kind] != r->proto))
		return false;
	if (r->tcp_flags_mask && (detail == SLUICE_FILTER_NO_DETAIL ||
				  (detail & r->tcp_flags_mask) != r->tcp_flags))
		return false;
	if ((r->flags & SLUICE_RULE_F_ICMP_TYPE) && detail != r->icmp_type)
		return false;
	return true;
}

/* What of a rule the protocol word looks at; rules that agree share one test. */
static bool same_misc(const struct sluice_rule *a, const struct sluice_rule *b)
{
	return a->family == b->family && a->proto == b->proto && a->tcp_flags == b->tcp_flags &&
	       a->tcp_flags_mask == b->tcp_flags_mask && a->icmp_type == b->icmp_type &&
	       (a->flags & SLUICE_RULE_F_ICMP_TYPE) == (b->flags & SLUICE_RULE_F_ICMP_TYPE);
}

int filter_misc_classes(struct filter_build *b)
{
	size_t n_kinds = 0, i, k, w = b->words;
	uint32_t *kind_rule = calloc(b->n_match + 1, sizeof(*kind_rule));
	uint64_t *kind_set = calloc((b->n_match + 1) * w, 8);
	int err = -1;

	if (!kind_rule || !kind_set)
		goto out;
	/* Rule sets are mostly a few protocol words repeated: test each once. */
	for (i = 0; i < b->n_match; i++) {
		for (k = 0; k < n_kinds; k++)
			if (same_misc(&b->rules[kind_rule[k]], &b->rules[i]))
				break;
		if (k == n_kinds)
			kind_rule[n_kinds++] = (uint32_t)i;
		bits_set(kind_set + k * w, (uint32_t)i);
	}
	for (uint32_t idx = 0; idx < SLUICE_FILTER_MISC; idx++) {
		uint32_t kind = idx / SLUICE_FILTER_DETAILS, detail = idx % SLUICE_FILTER_DETAILS;
		__u8 family = kind >= SLUICE_FILTER_KINDS ? SLUICE_AF_INET6 : SLUICE_AF_INET;
		int64_t id;

		memset(b->scratch, 0, w * 8);
		for (k = 0; k < n_kinds; k++)
			if (misc_matches(&b->rules[kind_rule[k]], family,
					 kind % SLUICE_FILTER_KINDS, detail))
				bits_or(b->scratch, kind_set + k * w, w);
		id = classes_intern(&b->misc, b->scratch);
		if (id < 0)
			goto out;
		b->misc_of[idx] = (uint32_t)id;
	}
	err = 0;
out:
	free(kind_rule);
	free(kind_set);
	return err;
}

struct port_event {
	uint32_t port;		/* where the rule's range starts, or ends + 1 */
	uint32_t rule;
	bool starts;
};

static int event_cmp(const void *a, const void *b)
{
	const struct port_event *x = a, *y = b;

	return x->port < y->port ? -1 : x->port > y->port;
}

/* A sweep over the port line: each stretch between range edges is one class. */
int filter_port_classes(struct filter_build *b, bool source)
{
	struct classes *cls = source ? &b->sport : &b->dport;
	uint32_t *class_of = source ? b->sport_of : b->dport_of;
	struct port_event *ev = calloc(2 * b->n_match + 1, sizeof(*ev));
	uint64_t *always = calloc(b->words, 8);
	size_t n_ev = 0, e = 0, i;
	uint32_t port = 0;
	int64_t id;
	int err = -1;

	if (!ev || !always)
		goto out;
	for (i = 0; i < b->n_match; i++) {
		const struct sluice_rule *r = &b->rules[i];
		__u16 lo = source ? r->sport_lo : r->dport_lo, hi = source ? r->sport_hi : r->dport_hi;

		if (lo == 0 && hi == UINT16_MAX) {
			bits_set(always, (uint32_t)i);
			continue;
		}
		ev[n_ev++] = (struct port_event){ .port = lo, .rule = (uint32_t)i, .starts = true };
		ev[n_ev++] = (struct port_event){ .port = hi + 1U, .rule = (uint32_t)i };
	}
	qsort(ev, n_ev, sizeof(*ev), event_cmp);
	/* Packets without ports satisfy only the rules that leave ports alone. */
	id = classes_intern(cls, always);
	if (id < 0)
		goto out;
	class_of[SLUICE_FILTER_NO_PORT] = (uint32_t)id;
	memcpy(b->scratch, always, b->words * 8);
	while (port < SLUICE_FILTER_NO_PORT) {
		uint32_t next;

		for (; e < n_ev && ev[e].port == port; e++) {
			if (ev[e].starts)
				bits_set(b->scratch, ev[e].rule);
			else
				b->scratch[ev[e].rule / 64] &= ~(1ULL << (ev[e].rule % 64));
		}
		next = e < n_ev ? ev[e].port : SLUICE_FILTER_NO_PORT;
		id = classes_intern(cls, b->scratch);
		if (id < 0)
			goto out;
		for (; port < next; port++)
			class_of[port] = (uint32_t)id;
	}
	err = 0;
out:
	free(ev);
	free(always);
	return err;
}
