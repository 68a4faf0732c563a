/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The subcommands of `sluice`, and what they share. */
#ifndef SLUICE_CLI_CMD_H
#define SLUICE_CLI_CMD_H

#include <net/if.h>
#include <stdbool.h>

#include "plan/apply.h"

/* Exit codes, documented in README.md. */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* the kernel or the network said no */
	EXIT_USAGE = 2,		/* bad arguments or an invalid config: nothing changed */
	EXIT_PENDING = 3,	/* apply --dry-run: the running state differs from the file */
};

int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_decap(int argc, char **argv);
int cmd_decap_status(int argc, char **argv);	/* `sluice decap status` */
int cmd_watch(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_upgrade(int argc, char **argv);

/*
 * The interface a command acts on: `given` if set (it must be attached), else the
 * only one sluice is attached to. Prints why not and returns an exit code on
 * failure, EXIT_OK on success.
 */
int iface_pick(const char *given, char out[IF_NAMESIZE]);

/*
 * Whether sluice's program is attached to ifname without its pins (removed by
 * hand): then says so and how to recover.
 */
bool iface_pins_lost(const char *ifname);

struct sluice_maps;
struct live_state;

/* iface_pick, then open its pinned maps and read its live state. Returns an exit code. */
int iface_open_live(const char *given, char ifname[IF_NAMESIZE], struct sluice_maps *maps,
		    struct live_state **live);

/*
 * The parts of ifname's state that differ from what the last apply left
 * (kernel/seal.h), each named on stderr: a bit per part, 0 when none, or -errno.
 */
int iface_tampered(const char *ifname, const struct sluice_maps *maps,
		   const struct live_state *live);

/* The same, opening and reading ifname's maps. */
int iface_tampered_now(const char *ifname);

struct conf;

/* Load and validate cfg_path into *cfg; prints FILE:LINE:COL errors. Returns an exit code. */
int config_load(const char *cfg_path, struct conf *cfg);

struct plan;

/*
 * apply_opts.report for --json: the plan's notes as "changes" and its count of
 * map updates as "map_updates", added to ctx (a json_object).
 */
void apply_report_json(const struct plan *plan, bool dry_run, void *ctx);

/* "applied" ("planned" in a dry run, changes or not), "refused" or "failed". */
const char *apply_result_name(enum apply_result r, bool dry_run);

/* The exit code of an apply's result. */
static inline int apply_exit_code(enum apply_result r)
{
	switch (r) {
	case APPLY_DONE:
		return EXIT_OK;
	case APPLY_PENDING:
		return EXIT_PENDING;
	case APPLY_REFUSED:
		return EXIT_USAGE;
	default:
		return EXIT_RUNTIME;
	}
}

#endif /* SLUICE_CLI_CMD_H */
