// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Reading every counter of an interface into one snapshot. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/counters.h"
#include "kernel/counters_derive.h"
#include "kernel/xdp_link.h"

const char *const counters_stat_names[SLUICE_STAT_MAX] = {
	[SLUICE_STAT_RX] = "rx",
	[SLUICE_STAT_PASS] = "pass",
	[SLUICE_STAT_NON_IP] = "non_ip",
	[SLUICE_STAT_MALFORMED] = "malformed",
	[SLUICE_STAT_FRAGMENT] = "fragment",
	[SLUICE_STAT_FILTER_DROP] = "filter_drop",
	[SLUICE_STAT_FILTER_PASS] = "filter_pass",
	[SLUICE_STAT_LB_FORWARD] = "lb_forward",
	[SLUICE_STAT_LB_NO_BACKEND] = "lb_no_backend",
	[SLUICE_STAT_FLOW_HIT] = "flow_hit",
	[SLUICE_STAT_FLOW_MISS] = "flow_miss",
	[SLUICE_STAT_FLOW_STALE] = "flow_stale",
	[SLUICE_STAT_RATE_LIMITED] = "rate_limited",
	[SLUICE_STAT_LB_NO_ROUTE] = "lb_no_route",
	[SLUICE_STAT_LB_NO_NEIGH] = "lb_no_neigh",
	[SLUICE_STAT_LB_ENCAP_ERROR] = "lb_encap_error",
	[SLUICE_STAT_LB_TOO_BIG] = "lb_too_big",
	[SLUICE_STAT_LB_TOO_BIG_NODF] = "lb_too_big_nodf",
	[SLUICE_STAT_LB_REDIRECT] = "lb_redirect",
	[SLUICE_STAT_ICMP_TO_BACKEND] = "icmp_to_backend",
	[SLUICE_STAT_FLOW_EXPIRED] = "flow_expired",
	[SLUICE_STAT_FLOW_GUARD_SKIP] = "flow_guard_skip",
	[SLUICE_STAT_OTHER_HOST] = "other_host",
};

/* Global counters of packets sluice always drops. */
static const enum sluice_stat drop_reasons[] = {
	SLUICE_STAT_FILTER_DROP, SLUICE_STAT_RATE_LIMITED, SLUICE_STAT_LB_NO_BACKEND,
	SLUICE_STAT_LB_NO_ROUTE, SLUICE_STAT_LB_NO_NEIGH, SLUICE_STAT_LB_ENCAP_ERROR,
	SLUICE_STAT_LB_TOO_BIG, SLUICE_STAT_LB_TOO_BIG_NODF,
};

size_t counters_drop_reasons(const struct live_state *live, enum sluice_stat *out)
{
	size_t n = sizeof(drop_reasons) / sizeof(drop_reasons[0]);

	memcpy(out, drop_reasons, sizeof(drop_reasons));
	if (live->settings.malformed_policy == SLUICE_MALFORMED_DROP)
		out[n++] = SLUICE_STAT_MALFORMED;
	return n;
}

static int read_rules(const struct sluice_maps *maps, const struct live_state *live,
		      struct counters_snapshot *snap)
{
	size_t i;
	int err;

	for (i = 0; i < live->n_rules; i++) {
		const struct sluice_rule *r = &live->rules[i];

		err = live_counter(maps->rule_stats, r->counter, &snap->rules[r->counter]);
		if (!err && r->action == SLUICE_ACT_RATE_LIMIT)
			err = live_counter(maps->rule_limited, r->counter,
					   &snap->rule_limited[r->counter]);
		if (err)
			return err;
	}
	if (live->filter_header.flags & SLUICE_FILTER_SPARE_NDP) {
		err = live_counter(maps->rule_stats, SLUICE_NDP_RULE_COUNTER,
				   &snap->rules[SLUICE_NDP_RULE_COUNTER]);
		if (err)
			return err;
	}
	/* The replies of `sluice run`'s health checks, spared like NDP. */
	if (live->n_health_peers)
		return live_counter(maps->rule_stats, SLUICE_HEALTH_RULE_COUNTER,
				    &snap->rules[SLUICE_HEALTH_RULE_COUNTER]);
	return 0;
}

static int read_lb(int stats_fd, int flows_fd, __u32 id, struct counters_lb *out)
{
	int err = live_counter(stats_fd, id, &out->traffic);

	return err ? err : live_new_flows(flows_fd, id, &out->new_flows);
}

static int read_services(const struct sluice_maps *maps, const struct live_state *live,
			 struct counters_snapshot *snap)
{
	size_t i;
	__u32 id;
	int err;

	for (i = 0; i < live->n_services; i++) {
		id = live->services[i].val.id;
		err = read_lb(maps->service_stats, maps->service_flows, id, &snap->services[id]);
		if (err)
			return err;
	}
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		if (!(live->backends[id].flags & SLUICE_BACKEND_F_LIVE))
			continue;
		err = read_lb(maps->backend_stats, maps->backend_flows, id, &snap->backends[id]);
		if (err)
			return err;
	}
	return 0;
}

/* Active flows per backend, and per service as the sum of its backends'. */
static int read_flows(const struct sluice_maps *maps, const struct live_state *live,
		      struct counters_snapshot *snap)
{
	__u64 *active = calloc(SLUICE_MAX_BACKENDS, sizeof(*active));
	const struct sluice_backend *be;
	__u32 id;
	int err;

	if (!active)
		return -ENOMEM;
	err = live_count_flows(maps, live, &snap->flow_entries, active);
	for (id = 1; !err && id < SLUICE_MAX_BACKENDS; id++) {
		be = &live->backends[id];
		if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id >= SLUICE_MAX_SERVICES)
			continue;
		snap->backends[id].active_flows = active[id];
		snap->services[be->service_id].active_flows += active[id];
		snap->flow_active += active[id];
	}
	free(active);
	return err;
}

/* The run time and count the kernel keeps in the program's info. */
static int read_program(int ifindex, struct counters_program *out)
{
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info);
	struct attached at;
	int fd, err;

	err = xdp_link_find(ifindex, &at);
	if (err || !at.present)
		return err;
	fd = bpf_prog_get_fd_by_id(at.prog_id);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	out->found = true;
	out->id = at.prog_id;
	out->run_time_ns = info.run_time_ns;
	out->run_count = info.run_cnt;
	return 0;
}

int counters_read(const struct sluice_maps *maps, const struct live_state *live, int ifindex,
		  bool with_flows, struct counters_snapshot *snap)
{
	struct timespec now;
	size_t i;
	int err = 0;

	memset(snap, 0, sizeof(*snap));
	clock_gettime(CLOCK_MONOTONIC, &now);
	snap->taken_ns = (__u64)now.tv_sec * 1000000000ULL + (__u64)now.tv_nsec;
	snap->flow_size = live->flow_entries;
	snap->with_flows = with_flows;
	for (i = 0; !err && i < SLUICE_STAT_MAX; i++)
		err = live_counter(maps->stats, (__u32)i, &snap->global[i]);
	counters_derive(snap->global);
	if (!err)
		err = read_rules(maps, live, snap);
	if (!err)
		err = read_services(maps, live, snap);
	if (!err && with_flows)
		err = read_flows(maps, live, snap);
	if (!err)
		err = read_program(ifindex, &snap->program);
	return err;
}

int counters_enable_run_time(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	return fd < 0 ? -errno : fd;
}
