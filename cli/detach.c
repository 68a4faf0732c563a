// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice detach`: detach the program and leave no pin behind. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xdp/abi.h"
#include "kernel/pin.h"
#include "kernel/journal.h"
#include "kernel/privilege.h"
#include "kernel/xdp_link.h"
#include "cli/cmd.h"

static void detach_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice detach IFACE\n"
		"       sluice detach --prune\n\n"
		"Detach sluice's XDP program from IFACE and remove its pinned maps, so\n"
		"nothing of sluice remains. Other XDP programs on IFACE are left alone.\n\n"
		"  -p, --prune  remove instead the state that network namespaces which no\n"
		"               longer exist left in bpffs (data plane and decap), when no\n"
		"               program uses it any more; `sluice status` lists it\n"
		"  -h, --help   this text\n");
}

static int detach(const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname), err = 0, lock_fd;
	struct attached at = {0};
	bool pinned;

	if (privilege_check())
		return EXIT_RUNTIME;
	pinned = pin_dir_exists(ifname);
	if (ifindex)
		err = xdp_link_find(ifindex, &at);
	if (!at.present && !pinned) {
		fprintf(stderr, "sluice: not attached to %s\n", ifname);
		return EXIT_RUNTIME;
	}
	/* Wait for a running apply to finish rather than pull maps from under it. */
	lock_fd = pinned ? pin_lock(ifname) : -1;
	if (at.present) {
		err = xdp_link_detach(ifindex);
		if (err) {
			fprintf(stderr, "sluice: detaching from %s: %s\n", ifname,
				strerror(-err));
			if (lock_fd >= 0)
				close(lock_fd);
			return EXIT_RUNTIME;
		}
	}
	err = pin_remove_all(ifname);
	if (lock_fd >= 0)
		close(lock_fd);
	if (err) {
		fprintf(stderr, "sluice: removing pins of %s: %s\n", ifname, strerror(-err));
		return EXIT_RUNTIME;
	}
	printf("%s: detached%s\n", ifname, at.present ? "" : " (program was already gone; "
	       "state removed)");
	journal_change(&(struct change){ .action = "detach", .ifname = ifname,
		       .summary = at.present ? "program detached, pins removed" :
					       "pins removed (the program was gone)" });
	return EXIT_OK;
}

/* Remove every pin directory of a vanished namespace that no program uses. */
static int prune(void)
{
	char names[64][NAME_MAX + 1];
	int n, i, err, ret = EXIT_OK;

	if (privilege_check())
		return EXIT_RUNTIME;
	n = pin_list_leftovers(names, 64);
	if (!n)
		printf("no leftover state\n");
	for (i = 0; i < n; i++) {
		err = pin_remove_leftover(names[i]);
		if (err) {
			fprintf(stderr, "sluice: removing %s/%s: %s\n", SLUICE_PIN_ROOT,
				names[i], strerror(-err));
			ret = EXIT_RUNTIME;
		} else {
			printf("removed %s/%s\n", SLUICE_PIN_ROOT, names[i]);
		}
	}
	return ret;
}

int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prune", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool pruning = false;
	int c;

	while ((c = getopt_long(argc, argv, "ph", opts, NULL)) != -1) {
		if (c == 'p') {
			pruning = true;
			continue;
		}
		if (c == 'h') {
			detach_usage(stdout);
			return EXIT_OK;
		}
		detach_usage(stderr);
		return EXIT_USAGE;
	}
	if (pruning) {
		if (argc != optind) {
			fprintf(stderr, "sluice detach: --prune takes no IFACE\n\n");
			detach_usage(stderr);
			return EXIT_USAGE;
		}
		return prune();
	}
	if (argc - optind != 1) {
		fprintf(stderr, "sluice detach: %s\n\n", argc == optind ?
			"IFACE is required" : "too many arguments");
		detach_usage(stderr);
		return EXIT_USAGE;
	}
	if (strlen(argv[optind]) >= IF_NAMESIZE) {
		fprintf(stderr, "sluice: '%s' is not an interface name\n", argv[optind]);
		return EXIT_USAGE;
	}
	return detach(argv[optind]);
}
