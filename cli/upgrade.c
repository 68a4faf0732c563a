// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice upgrade`: this sluice's program in place of the running one, state kept. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "kernel/pin.h"
#include "kernel/xdp_upgrade.h"

static void upgrade_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice upgrade [IFACE] [--object FILE]\n\n"
		"Replace sluice's running program on IFACE by the one this sluice carries\n"
		"(or FILE's), in one atomic swap: the new program takes over the pinned\n"
		"maps, so flows, counters, rate buckets, tables and rules stay, and no\n"
		"packet meets the interface without a program. Refused, changing nothing,\n"
		"when the new program is built for another map layout than the running one\n"
		"(then only `sluice attach --replace` runs it, starting afresh). IFACE may be\n"
		"left out when sluice is attached to one interface only.\n\n"
		"  -o, --object FILE  the program to run: a sluice BPF object file\n"
		"  -h, --help         this text\n");
}

int cmd_upgrade(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "object", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *object = NULL;
	char ifname[IF_NAMESIZE];
	struct upgrade_done done;
	int c, ret, lock_fd;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'o') {
			object = optarg;
			continue;
		}
		if (c == 'h') {
			upgrade_usage(stdout);
			return EXIT_OK;
		}
		upgrade_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc - optind > 1) {
		fprintf(stderr, "sluice upgrade: too many arguments\n\n");
		upgrade_usage(stderr);
		return EXIT_USAGE;
	}
	ret = iface_pick(argc > optind ? argv[optind] : NULL, ifname);
	if (ret)
		return ret;
	/* No apply, watch write or attach in the middle of the swap. */
	lock_fd = pin_lock(ifname);
	if (lock_fd < 0) {
		fprintf(stderr, "sluice: cannot lock %s: %s\n", ifname, strerror(-lock_fd));
		return EXIT_RUNTIME;
	}
	ret = xdp_upgrade(ifname, object, &done);
	close(lock_fd);
	if (ret)
		return EXIT_RUNTIME;
	printf("%s: upgraded: program %u replaced by %u (map layout %u); flows, counters "
	       "and rate buckets kept\n", ifname, done.old_id, done.new_id, done.layout);
	return EXIT_OK;
}
