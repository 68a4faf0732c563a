// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* sluice's own metric families, in the order README.md lists them. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>

#include "metrics/prom.h"
#include "metrics/render.h"
#include "kernel/fmt.h"

#define NS_PER_S	1e9

static void globals(FILE *out, const struct metrics_source *src, size_t n)
{
	static const char *const names[] = { "sluice_packets_total", "sluice_bytes_total" };
	static const char *const helps[] = {
		"Packets counted by each global counter of the XDP program (they overlap: "
		"rx = non_ip + malformed + filter_drop + filter_pass).",
		"Bytes counted by each global counter of the XDP program.",
	};
	size_t f, i, c;

	for (f = 0; f < 2; f++) {
		prom_family(out, names[f], "counter", helps[f]);
		for (i = 0; i < n; i++)
			for (c = 0; c < SLUICE_STAT_MAX; c++) {
				const struct sluice_counter *v = &src[i].snap->global[c];
				struct prom_label l[] = { { "interface", src[i].ifname },
							  { "counter", counters_stat_names[c] } };

				prom_count(out, names[f], l, 2, f ? v->bytes : v->packets);
			}
	}
}

static void drops(FILE *out, const struct metrics_source *src, size_t n)
{
	enum sluice_stat reasons[SLUICE_STAT_MAX];
	size_t i, r, n_reasons;

	prom_family(out, "sluice_dropped_packets_total", "counter",
		    "Packets the XDP program dropped, by reason (rate_limited is also in "
		    "filter_drop).");
	for (i = 0; i < n; i++) {
		n_reasons = counters_drop_reasons(src[i].live, reasons);
		for (r = 0; r < n_reasons; r++) {
			struct prom_label l[] = { { "interface", src[i].ifname },
						  { "reason", counters_stat_names[reasons[r]] } };

			prom_count(out, "sluice_dropped_packets_total", l, 2,
				   src[i].snap->global[reasons[r]].packets);
		}
	}
}

/* The rule's name as stats shows it; the spared neighbour discovery has none. */
static const char *rule_name(const struct live_state *live, __u32 counter)
{
	return counter == SLUICE_NDP_RULE_COUNTER ? "(neighbour discovery)" :
						     live->rule_meta[counter].name;
}

/* Rule counters of src; with limited, only rate-limit rules' dropped share. */
static void rule_samples(FILE *out, const char *name, const struct metrics_source *src,
			 bool limited, bool bytes)
{
	const struct live_state *live = src->live;
	size_t i;

	/* The rules in match order, then the spared neighbour discovery if any. */
	for (i = 0; i <= live->n_rules; i++) {
		bool ndp = i == live->n_rules;
		__u32 c = ndp ? SLUICE_NDP_RULE_COUNTER : live->rules[i].counter;
		const struct sluice_counter *v = limited ? &src->snap->rule_limited[c] :
							   &src->snap->rules[c];
		struct prom_label l[] = { { "interface", src->ifname },
					  { "rule", rule_name(live, c) } };

		if (ndp && (limited || !(live->filter_header.flags & SLUICE_FILTER_SPARE_NDP)))
			continue;
		if (!ndp && limited && live->rules[i].action != SLUICE_ACT_RATE_LIMIT)
			continue;
		prom_count(out, name, l, 2, bytes ? v->bytes : v->packets);
	}
}

static void rules(FILE *out, const struct metrics_source *src, size_t n)
{
	static const struct {
		const char *name, *help;
		bool limited, bytes;
	} families[] = {
		{ "sluice_rule_packets_total", "Packets each filter rule matched.", false, false },
		{ "sluice_rule_bytes_total", "Bytes each filter rule matched.", false, true },
		{ "sluice_rule_limited_packets_total",
		  "Packets a rate-limit rule dropped over its rate.", true, false },
		{ "sluice_rule_limited_bytes_total",
		  "Bytes a rate-limit rule dropped over its rate.", true, true },
	};
	size_t f, i;

	for (f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		prom_family(out, families[f].name, "counter", families[f].help);
		for (i = 0; i < n; i++)
			rule_samples(out, families[f].name, &src[i], families[f].limited,
				     families[f].bytes);
	}
}

/* What a service or backend family shows of one struct counters_lb. */
enum lb_field { LB_PACKETS, LB_BYTES, LB_NEW_FLOWS, LB_ACTIVE_FLOWS, LB_NFIELDS };

static const struct {
	const char *suffix, *type, *help;
} lb_fields[LB_NFIELDS] = {
	[LB_PACKETS] = { "packets_total", "counter", "Packets forwarded to the %s." },
	[LB_BYTES] = { "bytes_total", "counter", "Bytes forwarded to the %s." },
	[LB_NEW_FLOWS] = { "new_flows_total", "counter", "Flows Maglev placed on the %s." },
	[LB_ACTIVE_FLOWS] = { "active_flows", "gauge",
			      "Flow-table entries that still lead to the %s." },
};

static __u64 lb_value(const struct counters_lb *v, enum lb_field f)
{
	switch (f) {
	case LB_PACKETS:
		return v->traffic.packets;
	case LB_BYTES:
		return v->traffic.bytes;
	case LB_NEW_FLOWS:
		return v->new_flows;
	default:
		return v->active_flows;
	}
}

/* Services, then their backends, one family per field (active flows when walked). */
static void lb(FILE *out, const struct metrics_source *src, size_t n, bool backends)
{
	char name[64], help[96], vip[64], addr[INET6_ADDRSTRLEN];
	const char *what = backends ? "backend" : "service";
	enum lb_field f;
	size_t i, s;
	__u32 id;

	for (f = 0; f < LB_NFIELDS; f++) {
		if (f == LB_ACTIVE_FLOWS && n && !src[0].snap->with_flows)
			continue;
		snprintf(name, sizeof(name), "sluice_%s_%s", what, lb_fields[f].suffix);
		snprintf(help, sizeof(help), lb_fields[f].help, what);
		prom_family(out, name, lb_fields[f].type, help);
		for (i = 0; i < n; i++)
			for (s = 0; s < src[i].live->n_services; s++) {
				const struct live_service *svc = &src[i].live->services[s];
				struct prom_label l[] = { { "interface", src[i].ifname },
							  { "service", svc->meta.name },
							  { "vip", fmt_vip(&svc->key, vip, sizeof(vip)) },
							  { "backend", addr } };

				if (!backends) {
					prom_count(out, name, l, 3,
						   lb_value(&src[i].snap->services[svc->val.id], f));
					continue;
				}
				for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
					const struct sluice_backend *be = &src[i].live->backends[id];

					if (!(be->flags & SLUICE_BACKEND_F_LIVE) ||
					    be->service_id != svc->val.id)
						continue;
					fmt_addr(be->family, be->addr, addr);
					prom_count(out, name, l, 4,
						   lb_value(&src[i].snap->backends[id], f));
				}
			}
	}
}

static void flow_table(FILE *out, const struct metrics_source *src, size_t n)
{
	size_t i;

	if (n && src[0].snap->with_flows) {
		prom_family(out, "sluice_flow_table_entries", "gauge",
			    "Entries the flow table holds (active or not yet evicted).");
		for (i = 0; i < n; i++)
			prom_count(out, "sluice_flow_table_entries",
				   &(struct prom_label){ "interface", src[i].ifname }, 1,
				   src[i].snap->flow_entries);
	}
	prom_family(out, "sluice_flow_table_size", "gauge",
		    "Entries the flow table can hold (flows.size, fixed at attach).");
	for (i = 0; i < n; i++)
		prom_count(out, "sluice_flow_table_size",
			   &(struct prom_label){ "interface", src[i].ifname }, 1,
			   src[i].snap->flow_size);
}

static void program(FILE *out, const struct metrics_source *src, size_t n)
{
	size_t i;

	prom_family(out, "sluice_program_run_seconds_total", "counter",
		    "Time the XDP program ran, while BPF run-time stats were enabled.");
	for (i = 0; i < n; i++)
		if (src[i].snap->program.found)
			prom_value(out, "sluice_program_run_seconds_total",
				   &(struct prom_label){ "interface", src[i].ifname }, 1,
				   (double)src[i].snap->program.run_time_ns / NS_PER_S);
	prom_family(out, "sluice_program_runs_total", "counter",
		    "Runs of the XDP program, while BPF run-time stats were enabled.");
	for (i = 0; i < n; i++)
		if (src[i].snap->program.found)
			prom_count(out, "sluice_program_runs_total",
				   &(struct prom_label){ "interface", src[i].ifname }, 1,
				   src[i].snap->program.run_count);
}

void metrics_render(FILE *out, const struct metrics_source *src, size_t n,
		    const struct metrics_extra *extra)
{
	globals(out, src, n);
	drops(out, src, n);
	rules(out, src, n);
	lb(out, src, n, false);
	lb(out, src, n, true);
	flow_table(out, src, n);
	program(out, src, n);
	if (extra && extra->render)
		extra->render(out, extra->ctx);
}

int metrics_render_now(FILE *out, const char *ifname, const struct sluice_maps *maps,
		       const struct metrics_extra *extra)
{
	struct counters_snapshot *snap = calloc(1, sizeof(*snap));
	struct metrics_source src = { .ifname = ifname, .snap = snap };
	struct live_state *live = NULL;
	int err = snap ? live_read(maps, &live) : -ENOMEM;

	/* Read every map before a byte is written: a failed scrape writes nothing. */
	if (!err)
		err = counters_read(maps, live, (int)if_nametoindex(ifname), true, snap);
	if (!err) {
		src.live = live;
		metrics_render(out, &src, 1, extra);
	}
	free(live);
	free(snap);
	return err;
}
