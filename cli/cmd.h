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
};

int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_top(int argc, char **argv);
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

struct conf;

/* Load and validate cfg_path into *cfg; prints FILE:LINE:COL errors. Returns an exit code. */
int config_load(const char *cfg_path, struct conf *cfg);

/* The exit code of an apply's result. */
static inline int apply_exit_code(enum apply_result r)
{
	return r == APPLY_DONE ? EXIT_OK : r == APPLY_REFUSED ? EXIT_USAGE : EXIT_RUNTIME;
}

#endif /* SLUICE_CLI_CMD_H */
