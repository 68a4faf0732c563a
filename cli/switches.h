/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The arguments of commands that take on/off switches and at most one IFACE. */
#ifndef SLUICE_CLI_SWITCHES_H
#define SLUICE_CLI_SWITCHES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SWITCHES_MAX	10

struct cmd_switch {
	const char *name;	/* --name */
	char letter;		/* -l */
	bool *set;		/* made true when given */
	const char **value;	/* when set: the switch takes a value (--name VALUE) */
};

/* What switches_parse returns when the command should go on and run. */
#define SWITCHES_RUN	(-1)

/*
 * Parse argv (argv[0] is the command, `cmd` names it in messages): the n switches
 * (those with a value receive it in *value),
 * -h/--help and at most one IFACE, which *iface receives (NULL when left out).
 * Returns SWITCHES_RUN, or the exit code to return at once: EXIT_OK after help,
 * EXIT_USAGE after a misuse, with usage printed on the matching stream.
 */
int switches_parse(int argc, char **argv, const char *cmd, const struct cmd_switch *sw,
		   size_t n, void (*usage)(FILE *out), const char **iface);

#endif /* SLUICE_CLI_SWITCHES_H */
