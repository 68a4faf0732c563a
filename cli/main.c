// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The `sluice` executable: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>
#include "cli/cmd.h"
#include "cli/version.h"
#include "conf/closest.h"
#include "kernel/liblog.h"

static int cmd_version(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: sluice version\n       sluice --version\n\n"
		       "Print the release of sluice and, when it was built from a git\n"
		       "checkout, `git describe` of that tree.\n");
		return EXIT_OK;
	}
	if (argc > 1) {
		fprintf(stderr, "sluice version: unexpected argument '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	/* Outside git, meson's fallback for the describe is the release itself. */
	if (strcmp(SLUICE_GIT_DESCRIBE, SLUICE_RELEASE))
		printf("sluice %s (git %s)\n", SLUICE_RELEASE, SLUICE_GIT_DESCRIBE);
	else
		printf("sluice %s\n", SLUICE_RELEASE);
	return EXIT_OK;
}

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
	{ "export", cmd_export, "print the running configuration as a YAML file" },
	{ "status", cmd_status, "what is attached: services, backends, rules" },
	{ "stats", cmd_stats, "packet counters: verdicts, rules, services, backends" },
	{ "top", cmd_top, "live view: program cost, rates, busiest rules and services" },
	{ "monitor", cmd_monitor, "sampled packets with their verdict explained: why dropped" },
	{ "watch", cmd_watch, "keep backends' MACs and next hops resolved as they change" },
	{ "run", cmd_run, "run the data plane unattended: reloads, neighbours, health checks" },
	{ "decap", cmd_decap, "on a backend: strip sluice's ipip headers (attach|detach|status)" },
	{ "version", cmd_version, "print sluice's version (also --version)" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: sluice [-v|-vv] COMMAND [ARGS]\n\n"
		"XDP packet filter and Maglev load balancer.\n\n"
		"  -v   show what libbpf and libxdp say (kept aside, and shown only on\n"
		"       a failure, otherwise)\n"
		"  -vv  their debug messages too (the verifier's log)\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n`sluice COMMAND --help` describes each command; man sluice describes\n"
		"them all, man sluice.yaml the configuration.\n"
		"exit codes: 0 ok, 1 runtime failure, 2 usage error or invalid config,\n"
		"3 changes pending (apply --dry-run)\n");
}

#define N_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

/* What the operator typed instead of a command, said with the closest one. */
static int unknown_command(const char *typed)
{
	const char *names[N_COMMANDS], *hint;
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		names[i] = commands[i].name;
	hint = conf_closest(typed, names, N_COMMANDS);
	if (hint) {
		fprintf(stderr, "sluice: unknown command '%s'; did you mean '%s'?\n", typed, hint);
		return EXIT_USAGE;
	}
	fprintf(stderr, "sluice: unknown command '%s'\n\n", typed);
	usage(stderr);
	return EXIT_USAGE;
}

/* -v and -vv before the command: how much of libbpf's and libxdp's chatter to show. */
static int verbosity(int *argc, char ***argv)
{
	int level = 0;

	while (*argc > 1 && (!strcmp((*argv)[1], "-v") || !strcmp((*argv)[1], "-vv") ||
			     !strcmp((*argv)[1], "--verbose"))) {
		level += !strcmp((*argv)[1], "-vv") ? 2 : 1;
		(*argv)[1] = (*argv)[0];
		(*argc)--;
		(*argv)++;
	}
	return level;
}

int main(int argc, char **argv)
{
	size_t i;
	int level = verbosity(&argc, &argv);

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_version(1, argv + 1);
	liblog_init(level);
	for (i = 0; i < N_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return unknown_command(argv[1]);
}
