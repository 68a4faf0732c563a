// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The `sluice` executable: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>
#include "cli/cmd.h"
#include "kernel/liblog.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "attach", cmd_attach, "load sluice and attach it to an interface" },
	{ "detach", cmd_detach, "detach sluice and remove all its state" },
	{ "upgrade", cmd_upgrade, "run this sluice's program in place of the running one, state kept" },
	{ "apply", cmd_apply, "bring the live configuration to a YAML file" },
	{ "validate", cmd_validate, "check a YAML file without touching anything" },
	{ "status", cmd_status, "what is attached: services, backends, rules" },
	{ "stats", cmd_stats, "packet counters: verdicts, rules, services, backends" },
	{ "top", cmd_top, "live view: program cost, rates, busiest rules and services" },
	{ "watch", cmd_watch, "keep backends' MACs and next hops resolved as they change" },
	{ "run", cmd_run, "run the data plane unattended: reloads, neighbours, health checks" },
	{ "decap", cmd_decap, "on a backend: strip sluice's ipip headers (attach|detach|status)" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: sluice COMMAND [ARGS]\n\n"
		"XDP packet filter and Maglev load balancer.\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`sluice COMMAND --help` describes each command.\n"
		"exit codes: 0 ok, 1 runtime failure, 2 usage error or invalid config\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	liblog_init();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "sluice: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
