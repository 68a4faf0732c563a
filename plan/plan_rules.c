// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The filter part of an apply. The rule set is compiled whole into the free slot of
 * the double-buffered classifier, then one write flips packets over to it. Rules
 * keep their counter when they survive an apply (matched by name, or by content
 * when unnamed), so `sluice stats` and rate-limit buckets carry on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/bpf.h>

#include "filter/filter_answer.h"
#include "filter/filter_compile.h"
#include "kernel/bigmem.h"
#include "plan/plan.h"
#include "plan/plan_ops.h"

/* Past this many, added or removed rules are noted as a count, not one by one. */
#define RULE_NOTES_MAX	10

struct rule_planner {
	bool counter_taken[SLUICE_RULE_IDS];
	bool live_claimed[SLUICE_RULE_COUNTERS];	/* by position in live->rules */
	struct sluice_rule rules[SLUICE_RULE_COUNTERS];	/* match order, default last */
	const char *names[SLUICE_RULE_COUNTERS];
	size_t n;
	struct sluice_rule_meta meta[SLUICE_RULE_COUNTERS];	/* by counter */
	__u16 answers[SLUICE_MAX_SERVICES];	/* by service id (filter_answer.h) */
};

static void set_prefix(__be32 *addr, __u8 *len, const struct conf_cidr *c)
{
	memcpy(addr, c->addr.bytes, 16);
	*len = c->prefix_len;
}

void plan_rule_of(const struct conf_rule *r, struct sluice_rule *out)
{
	const struct conf_cidr *c = r->has_src ? &r->src : r->has_dst ? &r->dst : NULL;

	memset(out, 0, sizeof(*out));
	if (c)
		out->family = c->addr.family == AF_INET6 ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	else if (r->proto == IPPROTO_ICMP)
		out->family = SLUICE_AF_INET;
	else if (r->proto == IPPROTO_ICMPV6)
		out->family = SLUICE_AF_INET6;
	/* A /0 says only "this family": keep it out of the prefix tables. */
	if (r->has_src && r->src.prefix_len) {
		set_prefix(out->src, &out->src_len, &r->src);
		out->flags |= SLUICE_RULE_F_SRC;
	}
	if (r->has_dst && r->dst.prefix_len) {
		set_prefix(out->dst, &out->dst_len, &r->dst);
		out->flags |= SLUICE_RULE_F_DST;
	}
	out->proto = r->proto;
	out->sport_lo = r->sport_lo;
	out->sport_hi = r->sport_hi;
	out->dport_lo = r->dport_lo;
	out->dport_hi = r->dport_hi;
	out->tcp_flags = r->tcp_flags;
	out->tcp_flags_mask = r->tcp_flags_mask;
	if (r->has_icmp_type) {
		out->flags |= SLUICE_RULE_F_ICMP_TYPE;
		out->icmp_type = r->icmp_type;
	}
	/* conf_action and sluice_action number the actions alike. */
	out->action = (__u8)r->action;
	if (r->action == CONF_ACTION_RATE_LIMIT) {
		out->rate_packets = r->limit.packets;
		out->rate_seconds = r->limit.per_seconds;
		out->rate_burst = r->limit.burst;
		if (r->limit.scope == CONF_LIMIT_SOURCE)
			out->flags |= SLUICE_RULE_F_PER_SOURCE;
	}
}

void plan_session_rule(const struct plan_session *s, struct sluice_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->family = s->family;
	out->flags = SLUICE_RULE_F_SRC | SLUICE_RULE_F_DST;
	memcpy(out->src, s->client, 16);
	memcpy(out->dst, s->server, 16);
	out->src_len = out->dst_len = s->family == SLUICE_AF_INET6 ? 128 : 32;
	out->proto = IPPROTO_TCP;
	out->sport_lo = out->sport_hi = s->client_port;
	out->dport_lo = out->dport_hi = s->server_port;
	out->action = SLUICE_ACT_ALLOW;
	out->counter = SLUICE_MGMT_RULE_COUNTER;
}

static bool same_match(const struct sluice_rule *a, const struct sluice_rule *b)
{
	struct sluice_rule x = *a, y = *b;

	x.counter = y.counter = 0;
	return !memcmp(&x, &y, sizeof(x));
}

/* The counter a surviving rule already owns, or -1 for a new rule. */
static int live_counter_of(struct rule_planner *rp, const struct live_state *live,
			   const char *name, const struct sluice_rule *want)
{
	for (size_t i = 0; i < live->n_rules; i++) {
		__u32 c = live->rules[i].counter;
		const struct sluice_rule_meta *m = &live->rule_meta[c];

		if (rp->live_claimed[i] || c >= SLUICE_RULE_IDS)
			continue;
		if (name[0] ? !strcmp(m->name, name) :
			      !m->name[0] && same_match(&live->rules[i], want)) {
			rp->live_claimed[i] = true;
			return (int)c;
		}
	}
	return -1;
}

static int alloc_counter(struct rule_planner *rp, const struct live_state *live, __u32 *c)
{
	for (__u32 i = 0; i < SLUICE_RULE_IDS; i++) {
		if (!rp->counter_taken[i] && !live->rule_meta[i].in_use) {
			rp->counter_taken[i] = true;
			*c = i;
			return 0;
		}
	}
	return -ENOSPC;
}

/* A new counter starts from zero, and a new rate-limit rule from a full bucket. */
static int fresh_counter(struct plan *plan, const struct sluice_maps *maps, __u32 c)
{
	return plan_zero_counter(plan, maps->rule_stats, c) ?:
	       plan_zero_counter(plan, maps->rule_limited, c);
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

		plan_rule_of(&filter->rules[i], &rp->rules[i]);
		rp->names[i] = filter->rules[i].name;
		c = live_counter_of(rp, live, rp->names[i], &rp->rules[i]);
		rp->rules[i].counter = c < 0 ? SLUICE_RULE_IDS : (__u32)c;
		if (c >= 0)
			rp->counter_taken[c] = true;
	}
	size_t added = 0;

	for (i = 0; i < filter->n_rules; i++)
		added += rp->rules[i].counter == SLUICE_RULE_IDS;
	for (i = 0; i < filter->n_rules; i++) {
		__u32 c = rp->rules[i].counter;

		if (c != SLUICE_RULE_IDS)
			continue;
		if (alloc_counter(rp, live, &c)) {
			fprintf(stderr, "sluice: no free rule counter; apply the removals first\n");
			return -ENOSPC;
		}
		rp->rules[i].counter = c;
		err = fresh_counter(plan, maps, c);
		if (!err && added <= RULE_NOTES_MAX)
			err = plan_note(plan, "filter: rule %zu%s%s added", i + 1,
					rp->names[i][0] ? " " : "", rp->names[i]);
		if (err)
			return err;
	}
	return added > RULE_NOTES_MAX ? plan_note(plan, "filter: %zu rules added", added) : 0;
}

/* The rules after the configured ones: the spared session, then the default. */
static void close_set(struct rule_planner *rp, const struct conf_filter *filter,
		      const struct plan_session *session)
{
	struct sluice_rule *deflt;

	rp->n = filter->n_rules;
	if (filter->default_action == CONF_ACTION_DENY &&
	    (filter->exempt & CONF_EXEMPT_MANAGEMENT) && session) {
		plan_session_rule(session, &rp->rules[rp->n]);
		rp->names[rp->n++] = "(management session)";
	}
	deflt = &rp->rules[rp->n];
	memset(deflt, 0, sizeof(*deflt));
	deflt->sport_hi = deflt->dport_hi = 65535;
	deflt->action = filter->default_action == CONF_ACTION_DENY ? SLUICE_ACT_DENY :
								     SLUICE_ACT_ALLOW;
	deflt->counter = SLUICE_DEFAULT_RULE_COUNTER;
	rp->names[rp->n++] = "default";
	for (size_t i = 0; i < rp->n; i++) {
		struct sluice_rule_meta *m = &rp->meta[rp->rules[i].counter];

		snprintf(m->name, sizeof(m->name), "%s", rp->names[i]);
		m->in_use = 1;
		m->position = (__u32)i;
		m->rule = rp->rules[i];
	}
}

/*
 * Parameters of the rate-limit rules, into the slot being filled: every rule's, as
 * that slot's may be two rule sets old. A rule keeps its bucket while it keeps its
 * counter (a new rate takes over where the old one left it); a counter the running
 * set does not use starts with a full bucket.
 */
static int plan_limits(struct plan *plan, const struct sluice_maps *maps,
		       const struct rule_planner *rp, const struct live_state *live, __u32 slot)
{
	const __u64 full = 0;
	int err = 0;

	for (size_t i = 0; !err && i < rp->n; i++) {
		const struct sluice_rule *r = &rp->rules[i];
		__u32 index = SLUICE_LIMIT_INDEX(slot, r->counter);
		struct sluice_limit limit = {0};

		if (r->action != SLUICE_ACT_RATE_LIMIT)
			continue;
		limit.interval_ns = (__u64)r->rate_seconds * 1000000000ULL / r->rate_packets;
		limit.tolerance_ns = limit.interval_ns * (r->rate_burst - 1);
		limit.per_source = !!(r->flags & SLUICE_RULE_F_PER_SOURCE);
		err = plan_add_op(plan, OP_UPDATE, maps->rule_limits, &index, sizeof(index),
				  &limit, sizeof(limit));
		if (!err && !live->rule_meta[r->counter].in_use)
			err = plan_add_op(plan, OP_UPDATE, maps->rule_buckets, &r->counter,
					  sizeof(r->counter), &full, sizeof(full));
	}
	return err;
}

static double elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - since->tv_sec) * 1e3 + (now.tv_nsec - since->tv_nsec) / 1e6;
}

/*
 * Compile into the free slot, then flip packets over with one write.
 *
 * The slot also holds the set's answers for the config's services, by service
 * id: a packet whose service has one there skips the classifier. An answer must
 * never meet another rule set, nor another service under its id. Both hold
 * because the root names the filter slot and the generation of services at once
 * (one word, read once per packet), and every write of the root is an apply's
 * whose services are the ones the slot it names answers for: either this slot,
 * written now for the planned services, or the running one, kept only when its
 * answers are those of the planned services (set_unchanged compares them). A
 * service keeps its id while it keeps its VIP (plan.c), and answers depend on
 * nothing else of it.
 */
static int plan_classifier(struct plan *plan, const struct sluice_maps *maps,
			   const struct rule_planner *rp, const struct live_state *live,
			   bool spare_ndp, const struct filter_service *svcs, size_t n_svcs)
{
	__u32 slot = live->filter_slot ^ 1, zero = 0, i;
	struct sluice_prefix_key *keys = NULL;
	struct sluice_addr_value *values = NULL;
	struct sluice_mixed_key *mkeys = NULL;
	struct sluice_pair_key *pkeys = NULL;
	struct sluice_addr_value *pvalues = NULL;
	__u64 *mvalues = NULL;
	struct filter_image img;
	struct timespec start;
	char err_msg[512];
	int err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (filter_compile(rp->rules, rp->n, &img, err_msg, sizeof(err_msg))) {
		fprintf(stderr, "sluice: filter: %s\n", err_msg);
		return -E2BIG;
	}
	if (spare_ndp)
		img.header.flags |= SLUICE_FILTER_SPARE_NDP;
	filter_answers_mark(&img, svcs, n_svcs, rp->answers);
	err = plan_note(plan, "filter: %zu rules compiled in %.1f ms: %u prefixes, %u pair "
			"entries, %u address joins, %u table cells, about %.1f MiB", rp->n - 1,
			elapsed_ms(&start), img.n_prefixes, img.n_pairs, img.n_mixed,
			img.table_len, img.memory / 1048576.0);
	keys = calloc(img.n_prefixes + 1, sizeof(*keys));
	values = calloc(img.n_prefixes + 1, sizeof(*values));
	mkeys = calloc(img.n_mixed + 1, sizeof(*mkeys));
	mvalues = calloc(img.n_mixed + 1, sizeof(*mvalues));
	pkeys = calloc(img.n_pairs + 1, sizeof(*pkeys));
	pvalues = calloc(img.n_pairs + 1, sizeof(*pvalues));
	if (!err && (!keys || !values || !mkeys || !mvalues || !pkeys || !pvalues))
		err = -ENOMEM;
	for (i = 0; !err && i < img.n_pairs; i++) {
		pkeys[i] = img.pairs[i].key;
		pvalues[i] = img.pairs[i].value;
	}
	for (i = 0; !err && i < img.n_prefixes; i++) {
		keys[i] = img.prefixes[i].key;
		values[i] = img.prefixes[i].value;
	}
	for (i = 0; !err && i < img.n_mixed; i++) {
		mkeys[i] = img.mixed[i].key;
		mvalues[i] = img.mixed[i].result;
	}
	err = err ?: plan_add_op(plan, OP_UPDATE, maps->filter_fixed, &slot, sizeof(slot),
				 img.fixed, SLUICE_FIXED_CELLS * sizeof(*img.fixed));
	err = err ?: plan_add_inner(plan, maps->filter_tables, slot, img.table,
				    sizeof(*img.table), img.table_len);
	err = err ?: plan_add_inner_keyed(plan, maps->filter_prefixes, slot, BPF_MAP_TYPE_LPM_TRIE,
					  BPF_F_NO_PREALLOC, keys, sizeof(*keys), values,
					  sizeof(*values), img.n_prefixes);
	err = err ?: plan_add_inner_keyed(plan, maps->filter_pairs, slot, BPF_MAP_TYPE_HASH, 0,
					  pkeys, sizeof(*pkeys), pvalues, sizeof(*pvalues),
					  img.n_pairs);
	err = err ?: plan_add_inner_keyed(plan, maps->filter_mixed, slot, BPF_MAP_TYPE_HASH, 0,
					  mkeys, sizeof(*mkeys), mvalues, sizeof(*mvalues),
					  img.n_mixed);
	err = err ?: plan_add_op(plan, OP_UPDATE, maps->filter_headers, &slot, sizeof(slot),
				 &img.header, sizeof(img.header));
	err = err ?: plan_limits(plan, maps, rp, live, slot);
	/* The slot packets are to use: the commit writes it into the root (commit.h). */
	err = err ?: plan_add_op(plan, OP_UPDATE, maps->root, &zero, sizeof(zero), &slot,
				 sizeof(slot));
	free(keys);
	free(values);
	free(mkeys);
	free(mvalues);
	free(pkeys);
	free(pvalues);
	filter_image_free(&img);
	return err;
}

static bool set_unchanged(const struct rule_planner *rp, const struct live_state *live,
			  bool spare_ndp)
{
	const struct sluice_filter_header *h = &live->filter_header;

	return h->ready && live->n_rules == rp->n &&
	       !memcmp(live->rules, rp->rules, rp->n * sizeof(rp->rules[0])) &&
	       !(h->flags & SLUICE_FILTER_SPARE_NDP) == !spare_ndp &&
	       !memcmp(h->answers, rp->answers, sizeof(rp->answers));
}

int plan_rules(struct plan *plan, const struct sluice_maps *maps,
	       const struct live_state *live, const struct conf_filter *filter,
	       const struct plan_session *session, const struct filter_service *svcs,
	       size_t n_svcs)
{
	bool spare_ndp = filter->default_action == CONF_ACTION_DENY &&
			 (filter->exempt & CONF_EXEMPT_NDP);
	struct rule_planner *rp;
	size_t removed = 0;
	__u32 c;
	int err;

	rp = bigmem_calloc(sizeof(*rp));
	if (!rp)
		return -ENOMEM;
	err = assign_counters(plan, maps, rp, live, filter);
	if (err)
		goto out;
	close_set(rp, filter, session);
	filter_answers(rp->rules, rp->n, svcs, n_svcs, rp->answers);
	if (!set_unchanged(rp, live, spare_ndp))
		err = plan_classifier(plan, maps, rp, live, spare_ndp, svcs, n_svcs);
	for (c = 0; c < SLUICE_RULE_COUNTERS; c++)
		removed += live->rule_meta[c].in_use && !rp->meta[c].in_use;
	/* Metadata last: it names what the swapped-in set now counts. */
	for (c = 0; !err && c < SLUICE_RULE_COUNTERS; c++) {
		if (!memcmp(&live->rule_meta[c], &rp->meta[c], sizeof(rp->meta[c])))
			continue;
		if (live->rule_meta[c].in_use && !rp->meta[c].in_use && removed <= RULE_NOTES_MAX)
			plan_note(plan, "filter: rule %s removed", live->rule_meta[c].name[0] ?
				  live->rule_meta[c].name : "(unnamed)");
		err = plan_add_op(plan, OP_UPDATE, maps->rule_meta, &c, sizeof(c),
				  &rp->meta[c], sizeof(rp->meta[c]));
	}
	if (!err && removed > RULE_NOTES_MAX)
		err = plan_note(plan, "filter: %zu rules removed", removed);
out:
	free(rp);
	return err;
}
