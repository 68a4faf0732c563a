// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/top_frame.h"
#include "kernel/fmt.h"

const char top_sort_keys[TOP_NSORTS] = {
	[TOP_SORT_PACKETS] = 'p', [TOP_SORT_BITS] = 'b', [TOP_SORT_FLOWS] = 'f',
	[TOP_SORT_ACTIVE] = 'a', [TOP_SORT_NAME] = 'n',
};

const char *const top_sort_names[TOP_NSORTS] = {
	[TOP_SORT_PACKETS] = "packets", [TOP_SORT_BITS] = "bits", [TOP_SORT_FLOWS] = "flows",
	[TOP_SORT_ACTIVE] = "active", [TOP_SORT_NAME] = "name",
};

/* The verdicts of a packet, in the order a packet meets them. */
static const enum sluice_stat verdicts[TOP_VERDICTS] = {
	SLUICE_STAT_RX, SLUICE_STAT_PASS, SLUICE_STAT_FILTER_PASS, SLUICE_STAT_FILTER_DROP,
	SLUICE_STAT_RATE_LIMITED, SLUICE_STAT_LB_FORWARD, SLUICE_STAT_LB_NO_BACKEND,
	SLUICE_STAT_MALFORMED,
};

/* now - then per second; a counter that went back (its id was reused) is 0. */
static double per_s(__u64 now, __u64 then, double seconds)
{
	return now > then ? (double)(now - then) / seconds : 0;
}

static void rate_row(struct top_row *r, const struct sluice_counter *now,
		     const struct sluice_counter *then, double seconds)
{
	r->pps = per_s(now->packets, then->packets, seconds);
	r->bps = 8 * per_s(now->bytes, then->bytes, seconds);
}

static void lb_row(struct top_row *r, const struct counters_lb *now,
		   const struct counters_lb *then, double seconds)
{
	rate_row(r, &now->traffic, &then->traffic, seconds);
	r->new_fps = per_s(now->new_flows, then->new_flows, seconds);
	r->active = now->active_flows;
	r->has_flows = true;
}

static void program(struct top_frame *f, const struct counters_program *now,
		    const struct counters_program *then)
{
	double runs = per_s(now->run_count, then->run_count, 1);
	double ns = per_s(now->run_time_ns, then->run_time_ns, 1);

	f->program_found = now->found && then->found && now->id == then->id;
	f->run_time_known = f->program_found && runs > 0;
	f->runs_per_s = f->program_found ? runs / f->seconds : 0;
	f->ns_per_run = f->run_time_known ? ns / runs : 0;
	f->cpu_share = f->program_found ? ns / (f->seconds * 1e9) : 0;
}

static void lb_rows(struct top_frame *f, const struct live_state *live,
		    const struct counters_snapshot *then, const struct counters_snapshot *now)
{
	char vip[64];
	size_t i;
	__u32 id;

	for (i = 0; i < live->n_services; i++) {
		const struct live_service *s = &live->services[i];
		struct top_row *r = &f->rows[TOP_SERVICES][f->n_rows[TOP_SERVICES]++];

		snprintf(r->name, sizeof(r->name), "%s", s->meta.name);
		snprintf(r->detail, sizeof(r->detail), "%s", fmt_vip(&s->key, vip, sizeof(vip)));
		lb_row(r, &now->services[s->val.id], &then->services[s->val.id], f->seconds);
	}
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *be = &live->backends[id];
		const struct live_service *s;
		struct top_row *r;

		if (!(be->flags & SLUICE_BACKEND_F_LIVE))
			continue;
		s = live_service_by_id(live, be->service_id);
		r = &f->rows[TOP_BACKENDS][f->n_rows[TOP_BACKENDS]++];
		fmt_addr(be->family, be->addr, r->name);
		snprintf(r->detail, sizeof(r->detail), "%s", s ? s->meta.name : "?");
		lb_row(r, &now->backends[id], &then->backends[id], f->seconds);
	}
}

int top_frame_build(const struct live_state *live, const struct counters_snapshot *then,
		    const struct counters_snapshot *now, struct top_frame *f)
{
	size_t i, k;

	memset(f, 0, sizeof(*f));
	f->seconds = now->taken_ns > then->taken_ns ?
		     (double)(now->taken_ns - then->taken_ns) / 1e9 : 1;
	for (k = 0; k < 3; k++) {
		f->rows[k] = calloc(k == TOP_RULES ? live->n_rules + 1 : k == TOP_SERVICES ?
				    live->n_services + 1 : SLUICE_MAX_BACKENDS, sizeof(**f->rows));
		if (!f->rows[k]) {
			top_frame_free(f);
			return -ENOMEM;
		}
	}
	program(f, &now->program, &then->program);
	for (i = 0; i < TOP_VERDICTS; i++) {
		f->verdicts[i].name = counters_stat_names[verdicts[i]];
		f->verdicts[i].pps = per_s(now->global[verdicts[i]].packets,
					   then->global[verdicts[i]].packets, f->seconds);
		f->verdicts[i].bps = 8 * per_s(now->global[verdicts[i]].bytes,
					       then->global[verdicts[i]].bytes, f->seconds);
	}
	for (i = 0; i < live->n_rules; i++) {
		__u32 c = live->rules[i].counter;
		struct top_row *r = &f->rows[TOP_RULES][f->n_rows[TOP_RULES]++];

		snprintf(r->name, sizeof(r->name), "%s", live->rule_meta[c].name);
		rate_row(r, &now->rules[c], &then->rules[c], f->seconds);
	}
	lb_rows(f, live, then, now);
	return 0;
}

void top_frame_free(struct top_frame *f)
{
	size_t k;

	for (k = 0; k < 3; k++) {
		free(f->rows[k]);
		f->rows[k] = NULL;
	}
}

static int cmp_double(double a, double b)
{
	return (a < b) - (a > b);	/* descending */
}

static int row_order(const void *x, const void *y, void *by)
{
	const struct top_row *a = x, *b = y;
	int c = 0;

	switch (*(const enum top_sort *)by) {
	case TOP_SORT_PACKETS:
		c = cmp_double(a->pps, b->pps);
		break;
	case TOP_SORT_BITS:
		c = cmp_double(a->bps, b->bps);
		break;
	case TOP_SORT_FLOWS:
		c = cmp_double(a->new_fps, b->new_fps);
		break;
	case TOP_SORT_ACTIVE:
		c = (a->active < b->active) - (a->active > b->active);
		break;
	default:
		break;
	}
	/* Ties, and the name order itself: by name, then by what it belongs to. */
	if (!c)
		c = strcmp(a->name, b->name);
	return c ? c : strcmp(a->detail, b->detail);
}

void top_frame_sort(struct top_frame *f, enum top_sort by)
{
	size_t k;

	for (k = 0; k < 3; k++)
		qsort_r(f->rows[k], f->n_rows[k], sizeof(*f->rows[k]), row_order, &by);
}

/* 1234567 -> "1.23M": rates fit their columns whatever the link. */
static const char *si(double v, char buf[16])
{
	static const char units[] = " kMGT";
	size_t u = 0;

	while (v >= 1000 && u + 1 < sizeof(units) - 1) {
		v /= 1000;
		u++;
	}
	if (!u)
		snprintf(buf, 16, "%.0f", v);
	else
		snprintf(buf, 16, "%.2f%c", v, units[u]);
	return buf;
}

static void table(const struct top_frame *f, int k, size_t max_rows,
		  void (*line)(void *ctx, bool heading, const char *text), void *ctx)
{
	static const char *const titles[3] = { "RULE", "SERVICE", "BACKEND" };
	static const char *const details[3] = { "", "VIP", "SERVICE" };
	char text[256], a[16], b[16], c[16];
	size_t i, n = f->n_rows[k];

	if (max_rows && n > max_rows)
		n = max_rows;
	snprintf(text, sizeof(text), "%-24s %10s %10s %10s %10s  %s", titles[k], "PKTS/S",
		 "BITS/S", k == TOP_RULES ? "" : "NEW/S", k == TOP_RULES ? "" : "ACTIVE",
		 details[k]);
	line(ctx, true, text);
	for (i = 0; i < n; i++) {
		const struct top_row *r = &f->rows[k][i];

		if (r->has_flows)
			snprintf(text, sizeof(text), "%-24s %10s %10s %10s %10llu  %s", r->name,
				 si(r->pps, a), si(r->bps, b), si(r->new_fps, c),
				 (unsigned long long)r->active, r->detail);
		else
			snprintf(text, sizeof(text), "%-24s %10s %10s", r->name, si(r->pps, a),
				 si(r->bps, b));
		line(ctx, false, text);
	}
}

void top_frame_lines(const struct top_frame *f, const char *ifname, enum top_sort by,
		     size_t max_rows, void (*line)(void *ctx, bool heading, const char *text),
		     void *ctx)
{
	char text[256], a[16], b[16];
	size_t i;

	snprintf(text, sizeof(text), "sluice top %s: every %.1f s, sorted by %s", ifname,
		 f->seconds, top_sort_names[by]);
	line(ctx, true, text);
	if (!f->program_found)
		snprintf(text, sizeof(text), "program: not attached");
	else if (!f->run_time_known)
		snprintf(text, sizeof(text), "program: no runs, %s runs/s",
			 si(f->runs_per_s, a));
	else
		snprintf(text, sizeof(text), "program: %.0f ns/packet, %.2f%% of a CPU, %s runs/s",
			 f->ns_per_run, 100 * f->cpu_share, si(f->runs_per_s, a));
	line(ctx, false, text);
	snprintf(text, sizeof(text), "%-24s %10s %10s", "VERDICT", "PKTS/S", "BITS/S");
	line(ctx, true, text);
	for (i = 0; i < TOP_VERDICTS; i++) {
		snprintf(text, sizeof(text), "%-24s %10s %10s", f->verdicts[i].name,
			 si(f->verdicts[i].pps, a), si(f->verdicts[i].bps, b));
		line(ctx, false, text);
	}
	for (i = 0; i < 3; i++)
		table(f, (int)i, max_rows, line, ctx);
}
