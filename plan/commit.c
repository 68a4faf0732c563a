// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A plan's writes, staged then committed through a journal (commit.h). */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/fault.h"
#include "kernel/intent.h"
#include "kernel/pin.h"
#include "kernel/seal.h"
#include "kernel/xdp_link.h"
#include "plan/commit.h"
#include "plan/generation.h"

/*
 * Writes no packet can see before the commit: new inner maps and the filter's
 * regions (with its rate-limit parameters) always go to the slot packets do not use
 * (the planner's double buffers), counters and buckets are zeroed only for ids the
 * running config has no packet for, and a new tx port is one no running backend
 * leaves by.
 */
static bool staged(const struct sluice_maps *maps, const struct op *op)
{
	if (op->kind == OP_INNER || op->kind == OP_INNER_KEYED)
		return true;
	if (op->kind != OP_UPDATE)
		return false;
	return op->map_fd == maps->filter_fixed || op->map_fd == maps->filter_headers ||
	       op->map_fd == maps->rule_limits || op->map_fd == maps->rule_buckets ||
	       op->map_fd == maps->service_stats || op->map_fd == maps->backend_stats ||
	       op->map_fd == maps->service_flows || op->map_fd == maps->backend_flows ||
	       op->map_fd == maps->rule_stats || op->map_fd == maps->rule_limited ||
	       op->map_fd == maps->tx_ports;
}

int commit_execute(const char *name, const struct sluice_maps *maps, const struct op *ops,
		   size_t n, struct live_state *live, const struct seal *checked)
{
	size_t n_staged = 0, i, k = 0;
	struct generation_writes gen;
	struct op *order;
	int err;

	err = generation_stage(maps, live, ops, n, &gen);
	order = calloc(n + gen.n_ops + 1, sizeof(*order));
	if (!err && !order)
		err = -ENOMEM;
	if (err) {
		generation_writes_free(&gen);
		free(order);
		return err;
	}
	/* Each kind keeps the planner's order. */
	for (i = 0; i < n; i++)
		if (staged(maps, &ops[i]))
			order[k++] = ops[i];
	for (i = 0; i < gen.n_ops; i++)
		order[k++] = gen.ops[i];
	n_staged = k;
	/* The commit: the root first, then what only sluice reads (names), and ports. */
	if (gen.flip)
		order[k++] = (struct op){ .kind = OP_UPDATE, .map_fd = maps->root,
					  .key = &gen.root_key, .key_len = sizeof(gen.root_key),
					  .value = &gen.root, .value_len = sizeof(gen.root) };
	for (i = 0; i < n; i++)
		if (!staged(maps, &ops[i]) && !generation_planned(maps, &ops[i]))
			order[k++] = ops[i];
	n = k;
	err = map_writes_execute(order, n_staged);
	if (!err && n > n_staged) {
		err = intent_write(name, maps, order + n_staged, n - n_staged);
		if (!err)
			fault_at("commit");
		err = err ?: map_writes_execute(order + n_staged, n - n_staged);
		/* Sealed while the journal stands: killed before it goes, the replay seals. */
		err = err ?: seal_after(name, maps, order, n, live, checked);
		/* Done, or rolled back by map_writes_execute: nothing left to finish. */
		if (intent_clear(name) && !err)
			err = -EIO;
	} else if (!err) {
		err = seal_after(name, maps, order, n, live, checked);
	}
	generation_writes_free(&gen);
	free(order);
	return err;
}

static int undo_attach(const char *ifname, bool keep_dir)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct attached at = {0};
	int err = 0;

	if (ifindex && !xdp_link_find(ifindex, &at) && at.present)
		err = xdp_link_detach(ifindex);
	if (!err)
		err = keep_dir ? pin_clear(ifname) : pin_remove_all(ifname);
	if (err) {
		fprintf(stderr, "sluice: cannot undo the interrupted attach to %s: %s\n", ifname,
			strerror(-err));
		return err;
	}
	fprintf(stderr, "sluice: %s: an attach was interrupted; what it made is removed\n",
		ifname);
	return COMMIT_ATTACH_UNDONE;
}

/* The apply the journal finished is sealed as if it had ended by itself, then done. */
static int seal_finished(const char *ifname)
{
	struct sluice_maps maps;
	int err;

	if (maps_open(ifname, &maps))
		return -EIO;
	err = seal_now(ifname, &maps, NULL);
	maps_close(&maps);
	return err ?: intent_clear(ifname);
}

int commit_recover_locked(const char *ifname, bool keep_dir)
{
	int err;

	if (intent_attach_marked(ifname) || (!keep_dir && intent_bare_dir(ifname)))
		return undo_attach(ifname, keep_dir);
	err = intent_replay(ifname);
	if (err > 0)
		err = seal_finished(ifname) ?: 1;
	return err < 0 ? err : err ? COMMIT_FINISHED : COMMIT_CLEAN;
}

int commit_recover(const char *ifname)
{
	int lock_fd, ret;

	if (!intent_present(ifname) && !intent_attach_marked(ifname) &&
	    !intent_bare_dir(ifname))
		return COMMIT_CLEAN;
	lock_fd = pin_lock(ifname);
	if (lock_fd < 0)
		return lock_fd == -ENOENT ? COMMIT_CLEAN : lock_fd;
	ret = commit_recover_locked(ifname, false);
	close(lock_fd);
	return ret;
}
