// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice run`: the arguments of the daemon (daemon/), which does the rest. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "daemon/daemon.h"
#include "kernel/pin.h"
#include "kernel/privilege.h"
#include "kernel/xdp_link.h"

#define MAX_ATTACHED	64

static void run_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice run [IFACE] -f CONFIG [--mode native|generic]\n\n"
		"Run the data plane of IFACE unattended, in the foreground (for systemd,\n"
		"Type=notify). Attaches sluice to IFACE unless it is attached already, in\n"
		"which case it adopts the running program without a blip; applies CONFIG\n"
		"and keeps the data plane equal to it: reloads on SIGHUP and when the\n"
		"file or one it includes changes (a bad file is refused, the running\n"
		"config stays), keeps the backends' neighbours resolved as `sluice watch`\n"
		"does, and health-checks the backends of services with a `health:`\n"
		"section. A backend whose neighbour does not answer is left out until it\n"
		"does. SIGTERM or SIGINT stop the daemon and leave the data plane\n"
		"attached and forwarding.\n"
		"IFACE may be left out when sluice is attached to one interface only.\n\n"
		"  -f, --file CONFIG  YAML configuration to run (required)\n"
		"  -m, --mode MODE    native (driver hook, default) or generic (skb), when\n"
		"                     it attaches\n"
		"  -h, --help         this text\n");
}

/* IFACE as given, or the only interface sluice is attached to. */
static int run_iface(const char *given, char out[IF_NAMESIZE])
{
	char names[MAX_ATTACHED][IF_NAMESIZE];

	if (privilege_check())
		return EXIT_RUNTIME;
	if (given) {
		if (strlen(given) >= IF_NAMESIZE) {
			fprintf(stderr, "sluice run: '%s' is not an interface name\n", given);
			return EXIT_USAGE;
		}
		strcpy(out, given);
		return EXIT_OK;
	}
	if (pin_list("", names, MAX_ATTACHED) == 1) {
		strcpy(out, names[0]);
		return EXIT_OK;
	}
	fprintf(stderr, "sluice run: IFACE is required unless sluice is attached to exactly "
		"one interface\n");
	return EXIT_USAGE;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon_opts o = { .mode = XDP_MODE_NATIVE };
	int c, ret;

	while ((c = getopt_long(argc, argv, "f:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o.cfg_path = optarg;
			break;
		case 'm':
			if (xdp_link_parse_mode(optarg, &o.mode)) {
				fprintf(stderr, "sluice run: unknown mode '%s' (native or "
					"generic)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			run_usage(stdout);
			return EXIT_OK;
		default:
			run_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!o.cfg_path || argc - optind > 1) {
		fprintf(stderr, "sluice run: %s\n\n", !o.cfg_path ? "-f CONFIG is required" :
			"too many arguments");
		run_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(o.cfg_path, "-")) {
		fprintf(stderr, "sluice run: -f - (standard input) cannot be reloaded; give the "
			"daemon a file\n");
		return EXIT_USAGE;
	}
	if (access(o.cfg_path, R_OK)) {
		fprintf(stderr, "sluice run: cannot read %s: %m\n", o.cfg_path);
		return EXIT_USAGE;
	}
	ret = run_iface(optind < argc ? argv[optind] : NULL, o.ifname);
	if (ret)
		return ret;
	return daemon_run(&o);
}
