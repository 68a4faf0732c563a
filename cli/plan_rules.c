// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The filter part of an apply: the whole rule set is rebuilt as one new inner map
 * and swapped in with a single outer-map update. Rules keep their counter slot
 * when they survive an apply (matched by name, or by content when unnamed), so
 * `sluice stats` does not reset on every change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cli/plan.h"
#include "cli/plan_ops.h"

struct rule_planner {
	bool counter_taken[SLUICE_MAX_RULES + 1];
	bool live_claimed[SLUICE_MAX_RULES + 1];	/* by position in live->rules */
	struct sluice_rule rules[SLUICE_MAX_RULES + 1];
	struct sluice_rule_meta meta[SLUICE_MAX_RULES + 1];	/* by counter */
};

static void prefix_mask(__be32 mask[4], unsigned int prefix_len)
{
	__u8 *bytes = (__u8 *)mask;
	unsigned int i;

	memset(mask, 0, 16);
	for (i = 0; i < 16 && prefix_len; i++) {
		unsigned int bits = prefix_len > 8 ? 8 : prefix_len;

		bytes[i] = (__u8)(0xff00 >> bits);
		prefix_len -= bits;
	}
}

static __u8 rule_family(const struct conf_rule *r)
{
	const struct conf_cidr *c = r->has_src ? &r->src : r->has_dst ? &r->dst : NULL;

	if (c)
		return c->addr.family == AF_INET6 ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	if (r->proto == IPPROTO_ICMP)
		return SLUICE_AF_INET;
	if (r->proto == IPPROTO_ICMPV6)
		return SLUICE_AF_INET6;
	return 0;
}

static void rule_of(const struct conf_rule *r, struct sluice_rule *out)
{
	memset(out, 0, sizeof(*out));
	if (r->has_src) {
		memcpy(out->src, r->src.addr.bytes, 16);
		prefix_mask(out->src_mask, r->src.prefix_len);
	}
	if (r->has_dst) {
		memcpy(out->dst, r->dst.addr.bytes, 16);
		prefix_mask(out->dst_mask, r->dst.prefix_len);
	}
	out->sport_lo = r->sport_lo;
	out->sport_hi = r->sport_hi;
	out->dport_lo = r->dport_lo;
	out->dport_hi = r->dport_hi;
	out->family = rule_family(r);
	out->proto = r->proto;
	out->action = r->action == CONF_ACTION_DENY ? SLUICE_ACT_DENY : SLUICE_ACT_ALLOW;
}

static bool same_match(const struct sluice_rule *a, const struct sluice_rule *b)
{
	struct sluice_rule x = *a, y = *b;

	x.counter = y.counter = 0;
	return !memcmp(&x, &y, sizeof(x));
}

/* The counter a surviving rule already owns, or -1 for a new rule. */
static int live_counter_of(struct rule_planner *rp, const struct live_state *live,
			   const struct conf_rule *r, const struct sluice_rule *want)
{
	size_t i;

	for (i = 0; i + 1 < live->n_rules; i++) {
		__u32 c = live->rules[i].counter;
		const struct sluice_rule_meta *m = &live->rule_meta[c];

		if (rp->live_claimed[i] || c >= SLUICE_MAX_RULES || !m->in_use)
			continue;
		if (r->name[0] ? !strcmp(m->name, r->name) :
				 !m->name[0] && same_match(&live->rules[i], want)) {
			rp->live_claimed[i] = true;
			return (int)c;
		}
	}
	return -1;
}

static int alloc_counter(struct rule_planner *rp, const struct live_state *live, __u32 *c)
{
	__u32 i;

	for (i = 0; i < SLUICE_MAX_RULES; i++) {
		if (!rp->counter_taken[i] && !live->rule_meta[i].in_use) {
			rp->counter_taken[i] = true;
			*c = i;
			return 0;
		}
	}
	return -ENOSPC;
}

static int assign_counters(struct plan *plan, const struct sluice_maps *maps,
			   struct rule_planner *rp, const struct live_state *live,
			   const struct conf_filter *filter)
{
	size_t i;
	int err;

	/* First pass: survivors keep their slots, so new rules cannot steal them. */
	for (i = 0; i < filter->n_rules; i++) {
		int c;

		rule_of(&filter->rules[i], &rp->rules[i]);
		c = live_counter_of(rp, live, &filter->rules[i], &rp->rules[i]);
		rp->rules[i].counter = c < 0 ? SLUICE_MAX_RULES : (__u32)c;
		if (c >= 0)
			rp->counter_taken[c] = true;
	}
	for (i = 0; i < filter->n_rules; i++) {
		const char *name = filter->rules[i].name;
		__u32 c = rp->rules[i].counter;

		if (c == SLUICE_MAX_RULES) {
			if (alloc_counter(rp, live, &c)) {
				fprintf(stderr, "sluice: no free rule counter; apply the "
					"removals first\n");
				return -ENOSPC;
			}
			rp->rules[i].counter = c;
			err = plan_zero_counter(plan, maps->rule_stats, c);
			err = err ?: plan_note(plan, "filter: rule %zu%s%s added", i + 1,
					       name[0] ? " " : "", name);
			if (err)
				return err;
		}
		snprintf(rp->meta[c].name, sizeof(rp->meta[c].name), "%s", name);
		rp->meta[c].in_use = 1;
		rp->meta[c].position = (__u32)i;
	}
	return 0;
}

int plan_rules(struct plan *plan, const struct sluice_maps *maps,
	       const struct live_state *live, const struct conf_filter *filter)
{
	struct sluice_rule *deflt;
	struct rule_planner *rp;
	size_t n = filter->n_rules;
	__u32 c, zero = 0;
	int err;

	rp = calloc(1, sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	err = assign_counters(plan, maps, rp, live, filter);
	if (err)
		goto out;

	/* The set always ends with a catch-all carrying the default policy. */
	deflt = &rp->rules[n];
	memset(deflt, 0, sizeof(*deflt));
	deflt->sport_hi = deflt->dport_hi = 65535;
	deflt->action = filter->default_action == CONF_ACTION_DENY ? SLUICE_ACT_DENY :
								     SLUICE_ACT_ALLOW;
	deflt->counter = SLUICE_DEFAULT_RULE_COUNTER;
	snprintf(rp->meta[SLUICE_DEFAULT_RULE_COUNTER].name, SLUICE_NAME_LEN, "default");
	rp->meta[SLUICE_DEFAULT_RULE_COUNTER].in_use = 1;
	rp->meta[SLUICE_DEFAULT_RULE_COUNTER].position = (__u32)n;

	if (live->n_rules != n + 1 ||
	    memcmp(live->rules, rp->rules, (n + 1) * sizeof(rp->rules[0]))) {
		err = plan_note(plan, "filter: %zu rules, default %s (was %zu rules)", n,
				deflt->action == SLUICE_ACT_DENY ? "deny" : "allow",
				live->n_rules ? live->n_rules - 1 : 0);
		err = err ?: plan_add_inner(plan, maps->rule_sets, zero, rp->rules,
					    sizeof(rp->rules[0]), (__u32)(n + 1));
		if (err)
			goto out;
	}
	/* Metadata last: it names what the swapped-in set now counts. */
	for (c = 0; c <= SLUICE_MAX_RULES; c++) {
		if (!memcmp(&live->rule_meta[c], &rp->meta[c], sizeof(rp->meta[c])))
			continue;
		if (live->rule_meta[c].in_use && !rp->meta[c].in_use)
			plan_note(plan, "filter: rule %s removed", live->rule_meta[c].name[0] ?
				  live->rule_meta[c].name : "(unnamed)");
		err = plan_add_op(plan, OP_UPDATE, maps->rule_meta, &c, sizeof(c),
				  &rp->meta[c], sizeof(rp->meta[c]));
		if (err)
			goto out;
	}
out:
	free(rp);
	return err;
}
