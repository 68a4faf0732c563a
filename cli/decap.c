// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice decap`: attach or detach the program that strips ipip on backends. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xdp/abi.h"
#include "cli/cmd.h"
#include "conf/closest.h"
#include "kernel/liblog.h"
#include "kernel/privilege.h"
#include "cli/prefix.h"
#include "kernel/decap_pins.h"
#include "kernel/decap_state.h"
#include "kernel/pin.h"
#include "kernel/xdp_link.h"

static void decap_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice decap attach IFACE [--mode native|generic] [--from PREFIX]...\n"
		"       sluice decap detach IFACE\n"
		"       sluice decap status [IFACE] [--json]\n\n"
		"Run on a backend of an ipip service: an XDP program on IFACE strips the\n"
		"outer IPv4 or IPv6 header sluice adds (IPv4 protocol 4, IPv6 next header\n"
		"4 or 41) and hands the inner packet to the kernel, so the backend needs no\n"
		"tunnel device. Its state is pinned under /sys/fs/bpf/sluice/decap-IFACE/\n"
		"(decap-IFACE@netns-COOKIE/ outside the host's network namespace).\n\n"
		"  -m, --mode MODE     native (driver hook, default) or generic (skb)\n"
		"  -s, --from PREFIX   strip only packets whose outer source is in PREFIX\n"
		"                      (repeatable, up to %d); others are dropped.\n"
		"                      Without --from every source is accepted\n"
		"  -j, --json          status: machine-readable output\n"
		"  -h, --help          this text\n", SLUICE_DECAP_SOURCES);
}

static int decap_attach(const char *ifname, enum xdp_attach_mode mode,
			const struct conf_cidr *from, size_t n_from)
{
	int ifindex = (int)if_nametoindex(ifname), err, lock_fd;
	char dir[DECAP_PIN_NAME_LEN], shown[PREFIX_STR_LEN];
	struct attached at;
	size_t i;

	if (!ifindex) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		return EXIT_USAGE;
	}
	decap_pin_name(ifname, dir);
	/* Of two attaches one attaches, the other finds it attached. */
	lock_fd = pin_make_locked(dir);
	if (lock_fd < 0)
		return EXIT_RUNTIME;
	err = xdp_link_find_named(ifindex, DECAP_PROG_NAME, &at);
	if (!err && at.present) {
		fprintf(stderr, "sluice: decap is already attached to %s (program %u, %s "
			"mode); detach it first to change it\n", ifname, at.prog_id,
			xdp_link_mode_name(at.mode));
		close(lock_fd);
		return EXIT_RUNTIME;
	}
	/* State left by a program that is gone (its interface was recreated): stale. */
	pin_clear(dir);
	err = decap_load_attach(ifname, ifindex, mode, dir, from, n_from);
	if (!err)
		err = xdp_link_find_named(ifindex, DECAP_PROG_NAME, &at);
	if (err || !at.present) {
		pin_remove_all(dir);
		close(lock_fd);
		return EXIT_RUNTIME;
	}
	close(lock_fd);
	printf("%s: decap attached (program %u, %s mode%s), outer sources: ", ifname,
	       at.prog_id, xdp_link_mode_name(at.mode),
	       at.dispatcher ? ", libxdp dispatcher" : "");
	for (i = 0; i < n_from; i++)
		printf("%s%s", i ? " " : "", prefix_str(&from[i], shown));
	printf("%s\n", n_from ? "" : "any");
	return EXIT_OK;
}

static int decap_detach(const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname), err = 0, lock_fd;
	char dir[DECAP_PIN_NAME_LEN];
	struct attached at = {0};
	bool pinned;

	decap_pin_name(ifname, dir);
	pinned = pin_dir_exists(dir);
	if (ifindex)
		err = xdp_link_find_named(ifindex, DECAP_PROG_NAME, &at);
	if (!ifindex && !pinned) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		return EXIT_USAGE;
	}
	if (!at.present && !pinned) {
		fprintf(stderr, "sluice: decap is not attached to %s\n", ifname);
		return EXIT_RUNTIME;
	}
	/* A concurrent attach or detach of the same interface waits for this one. */
	lock_fd = pinned ? pin_lock(dir) : -1;
	if (at.present) {
		err = xdp_link_detach_named(ifindex, DECAP_PROG_NAME);
		if (err) {
			fprintf(stderr, "sluice: detaching decap from %s: %s\n", ifname,
				strerror(-err));
			if (lock_fd >= 0)
				close(lock_fd);
			return EXIT_RUNTIME;
		}
	}
	err = pin_remove_all(dir);
	if (lock_fd >= 0)
		close(lock_fd);
	if (err) {
		fprintf(stderr, "sluice: removing the decap pins of %s: %s\n", ifname,
			strerror(-err));
		return EXIT_RUNTIME;
	}
	printf("%s: decap detached%s\n", ifname, at.present ? "" :
	       " (program was already gone; state removed)");
	return EXIT_OK;
}

static int add_source(const char *text, struct conf_cidr *from, size_t *n_from)
{
	char err[160];

	if (*n_from == SLUICE_DECAP_SOURCES) {
		fprintf(stderr, "sluice decap: too many --from prefixes (at most %d)\n",
			SLUICE_DECAP_SOURCES);
		return -E2BIG;
	}
	if (prefix_parse(text, &from[*n_from], err, sizeof(err))) {
		fprintf(stderr, "sluice decap: --from %s\n", err);
		return -EINVAL;
	}
	(*n_from)++;
	return 0;
}

/* attach and detach: IFACE and, for attach, --mode and --from. */
static int cmd_decap_change(int argc, char **argv, bool attach)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "from", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	static struct conf_cidr from[SLUICE_DECAP_SOURCES];
	enum xdp_attach_mode mode = XDP_MODE_NATIVE;
	size_t n_from = 0;
	int c;

	while ((c = getopt_long(argc, argv, "m:s:h", opts, NULL)) != -1) {
		if (!attach && c != 'h')
			c = '?';
		switch (c) {
		case 'm':
			if (!xdp_link_parse_mode(optarg, &mode))
				break;
			fprintf(stderr, "sluice decap: unknown mode '%s' (native or generic)\n",
				optarg);
			return EXIT_USAGE;
		case 's':
			if (!add_source(optarg, from, &n_from))
				break;
			return EXIT_USAGE;
		case 'h':
			decap_usage(stdout);
			return EXIT_OK;
		default:
			decap_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "sluice decap %s: %s\n\n", argv[0], argc == optind ?
			"IFACE is required" : "too many arguments");
		decap_usage(stderr);
		return EXIT_USAGE;
	}
	if (strlen(argv[optind]) >= IF_NAMESIZE) {
		fprintf(stderr, "sluice: '%s' is not an interface name\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (privilege_check())
		return EXIT_RUNTIME;
	return attach ? decap_attach(argv[optind], mode, from, n_from) :
		decap_detach(argv[optind]);
}

int cmd_decap(int argc, char **argv)
{
	static const char *const subcommands[] = { "attach", "detach", "status" };
	const char *hint;

	if (argc < 2) {
		decap_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		decap_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "attach"))
		return cmd_decap_change(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "detach"))
		return cmd_decap_change(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "status"))
		return cmd_decap_status(argc - 1, argv + 1);
	hint = conf_closest(argv[1], subcommands, 3);
	if (hint) {
		fprintf(stderr, "sluice decap: unknown command '%s'; did you mean '%s'?\n",
			argv[1], hint);
		return EXIT_USAGE;
	}
	fprintf(stderr, "sluice decap: unknown command '%s' (attach, detach or status)\n\n",
		argv[1]);
	decap_usage(stderr);
	return EXIT_USAGE;
}
