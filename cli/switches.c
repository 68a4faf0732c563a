// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Argument parsing for commands that take on/off switches and at most one IFACE. */
#include <getopt.h>

#include "cli/cmd.h"
#include "cli/switches.h"

int switches_parse(int argc, char **argv, const char *cmd, const struct cmd_switch *sw,
		   size_t n, void (*usage)(FILE *out), const char **iface)
{
	struct option opts[SWITCHES_MAX + 2] = {{ 0 }};
	char letters[3 * SWITCHES_MAX + 2] = "h", *letter = letters + 1;
	size_t i;
	int c;

	for (i = 0; i < n && i < SWITCHES_MAX; i++) {
		opts[i] = (struct option){ sw[i].name,
					   sw[i].value ? required_argument : no_argument,
					   NULL, sw[i].letter };
		*letter++ = sw[i].letter;
		if (sw[i].value)
			*letter++ = ':';
	}
	opts[i] = (struct option){ "help", no_argument, NULL, 'h' };
	while ((c = getopt_long(argc, argv, letters, opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return EXIT_OK;
		}
		for (i = 0; i < n && sw[i].letter != c; i++)
			;
		if (i == n) {
			usage(stderr);
			return EXIT_USAGE;
		}
		*sw[i].set = true;
		if (sw[i].value)
			*sw[i].value = optarg;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "sluice %s: too many arguments\n\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	*iface = optind < argc ? argv[optind] : NULL;
	return SWITCHES_RUN;
}
