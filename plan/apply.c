// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The apply sequence every caller shares (the commands, later the daemon): lock
 * the interface, read its live state, resolve the backends, plan, write. The
 * planner decides; every step that talks to the kernel is kernel/'s.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/addr.h"
#include "conf/config.h"
#include "kernel/journal.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/neigh.h"
#include "kernel/own_mac.h"
#include "kernel/pin.h"
#include "plan/apply.h"
#include "plan/commit.h"
#include "plan/effective.h"
#include "plan/plan.h"
#include "plan/session.h"
#include "plan/tamper.h"

static void print_plan(const struct plan *plan, const char *ifname, bool dry_run)
{
	size_t i;

	if (!plan->n_ops) {
		printf("%s: no changes\n", ifname);
		return;
	}
	for (i = 0; i < plan->n_notes; i++)
		printf("%s%s\n", dry_run ? "would: " : "", plan->notes[i]);
	printf("%s: %zu map updates %s\n", ifname, plan->n_ops,
	       dry_run ? "planned (dry run, nothing changed)" : "applied");
}

/* Who changed what, from which file: one journal entry per apply that wrote. */
static void log_change(const struct plan *plan, const char *ifname, const char *cfg_path,
		       const struct conf *cfg, const struct apply_opts *opts)
{
	char summary[64];
	struct change c = {
		.action = opts->why ? opts->why : "apply", .ifname = ifname,
		.config = cfg_path, .sha256 = cfg->sha256, .summary = summary,
		.details = plan->notes, .n_details = plan->n_notes,
	};

	snprintf(summary, sizeof(summary), "%zu map updates", plan->n_ops);
	journal_change(&c);
}

/* The clock the data plane's bpf_ktime_get_ns() reads, for drain deadlines. */
static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/*
 * Each backend's fate in the running config: the caller's, and out for a backend
 * whose neighbour did not answer (it has no MAC to send to). Says which are out.
 */
static void run_fates(const struct conf *cfg, const struct apply_opts *opts,
		     enum backend_fate *fate)
{
	char addr[CONF_ADDR_STR_LEN];
	size_t i, j, k = 0;

	for (i = 0; i < cfg->n_services; i++)
		for (j = 0; j < cfg->services[i].n_backends; j++, k++) {
			fate[k] = opts->fate ? opts->fate[k] : BACKEND_AS_CONFIGURED;
			if (!opts->waiting || !opts->waiting[k].waiting)
				continue;
			fate[k] = BACKEND_LEFT_OUT;
			fprintf(stderr, "sluice: service %s: backend %s left out until its "
				"neighbour answers\n", cfg->services[i].name,
				conf_addr_str(&cfg->services[i].backends[j].addr, addr));
		}
}

/* Everything after validation: the kernel's view of the network, then the maps. */
enum apply_result apply_config(const char *ifname, const char *cfg_path, const struct conf *cfg,
		 const struct apply_opts *opts)
{
	struct plan_session session;
	bool in_session = session_from_env(&session);
	struct live_state *live = NULL;
	struct seal checked;
	struct sluice_maps maps;
	struct plan plan = {0};
	struct backend_path *paths, *running_paths;
	enum backend_fate *fate;
	struct conf running;
	enum apply_result ret = APPLY_FAILED;
	size_t n;
	int lock_fd, err;
	__u8 if_mac[6];

	if (in_session && !opts->force && session_denied(cfg, cfg_path, &session)) {
		fprintf(stderr, "sluice: nothing applied; apply with --force if that is what you "
			"want\n");
		return APPLY_REFUSED;
	}
	n = conf_backend_count(cfg) + 1;
	paths = calloc(n, 2 * sizeof(*paths) + sizeof(*fate));
	if (!paths)
		return APPLY_FAILED;
	running_paths = paths + n;
	fate = (enum backend_fate *)(running_paths + n);
	lock_fd = opts->locked ? -1 : pin_lock(ifname);
	if (!opts->locked && lock_fd < 0) {
		fprintf(stderr, "sluice: cannot lock %s: %s\n", ifname, strerror(-lock_fd));
		free(paths);
		return APPLY_FAILED;
	}
	/* An attach recovered before it marked itself (its marker is its own). */
	err = opts->locked ? COMMIT_CLEAN : commit_recover_locked(ifname, false);
	if (err == COMMIT_ATTACH_UNDONE)
		fprintf(stderr, "sluice: not attached to %s (see `sluice attach`)\n", ifname);
	if (err < 0 || err == COMMIT_ATTACH_UNDONE || maps_open(ifname, &maps))
		goto unlock;
	if (live_read(&maps, &live))
		goto close_maps;
	/* What changed behind sluice's back since the last apply is written again. */
	if (tamper_prepare(ifname, &maps, live, &checked) < 0)
		goto free_plan;
	if (plan_check_flows(live, cfg, cfg_path)) {
		ret = APPLY_REFUSED;
		goto free_plan;
	}
	/* Read at every apply: `ip link set IFACE address` may have changed it. */
	if (own_mac_read(ifname, if_mac))
		goto free_plan;
	err = neigh_resolve_backends(ifname, cfg_path, cfg, paths, opts->waiting);
	if (err) {
		/* A backend the network cannot reach is the config's problem, not ours. */
		if (err == -EHOSTUNREACH)
			ret = APPLY_REFUSED;
		goto free_plan;
	}
	if (opts->waiting)
		effective_keep_forwarding(live, cfg, paths, opts->waiting);
	run_fates(cfg, opts, fate);
	if (effective_config(cfg, paths, fate, &running, running_paths))
		goto free_plan;
	err = plan_build(&plan, &maps, live, &running, running_paths,
			 in_session ? &session : NULL, if_mac, monotonic_ns());
	effective_free(&running);
	err = err ?: plan_health_peers(&plan, &maps, live, cfg);
	if (err)
		goto free_plan;
	/* The planner is done with live: the seal reads the new state into it. */
	if (!opts->dry_run && commit_execute(ifname, &maps, plan.ops, plan.n_ops, live,
					       &checked))
		goto free_plan;
	if (!opts->dry_run && plan.n_ops)
		log_change(&plan, ifname, cfg_path, cfg, opts);
	if (opts->report)
		opts->report(&plan, opts->dry_run, opts->report_ctx);
	else
		print_plan(&plan, ifname, opts->dry_run);
	ret = opts->dry_run && plan.n_ops ? APPLY_PENDING : APPLY_DONE;
free_plan:
	plan_free(&plan);
	free(live);
close_maps:
	maps_close(&maps);
unlock:
	if (lock_fd >= 0)
		close(lock_fd);
	free(paths);
	return ret;
}
