// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice attach`: load the program, attach it, pin its maps, apply a config. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/config.h"
#include "cli/cmd.h"
#include "kernel/maps.h"
#include "kernel/own_mac.h"
#include "kernel/pin.h"
#include "kernel/privilege.h"
#include "plan/plan.h"
#include "kernel/xdp_link.h"

static void attach_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice attach IFACE [--mode native|generic] [-f CONFIG [--force]] "
		"[--replace]\n\n"
		"Load sluice's XDP program, attach it to IFACE and pin its maps under\n"
		"/sys/fs/bpf/sluice/IFACE/. With -f, CONFIG is validated before anything\n"
		"is loaded and applied right after attaching; if that fails, nothing\n"
		"stays attached. The flow table gets CONFIG's flows.size entries (without\n"
		"-f, %u); it keeps that size until sluice detaches.\n\n"
		"  -m, --mode MODE    native (driver hook, default) or generic (skb)\n"
		"  -f, --file CONFIG  YAML configuration to apply\n"
		"      --force        apply it even if it cuts your own session\n"
		"      --replace      first take away sluice's program and pins on IFACE,\n"
		"                     whatever state they are in (flows and counters start\n"
		"                     afresh); another tool's program is left alone\n"
		"  -h, --help         this text\n", SLUICE_FLOW_ENTRIES);
}

/*
 * What stands where a fresh attach would go: sluice attached already, or state
 * that no sluice program owns. Says which and the way out; true if anything does.
 */
static bool in_the_way(const char *ifname, int ifindex, const struct attached *at)
{
	char dir[PATH_MAX], name[BPF_OBJ_NAME_LEN];
	struct sluice_maps maps;
	struct attached other;

	pin_dir(ifname, dir);
	if (at->present && !maps_pinned(ifname)) {
		fprintf(stderr, "sluice: sluice's program %u is attached to %s but its pinned "
			"state is gone; `sluice attach --replace %s` attaches afresh, `sluice "
			"detach %s` removes the program\n", at->prog_id, ifname, ifname, ifname);
		return true;
	}
	if (at->present) {
		/* Consistent state is the operator's running config: never replaced here. */
		if (maps_open(ifname, &maps))
			return true;
		maps_close(&maps);
		fprintf(stderr, "sluice: already attached to %s (program %u, %s); use "
			"`sluice apply` to change its configuration\n", ifname, at->prog_id,
			xdp_link_mode_name(at->mode));
		return true;
	}
	if (maps_any_pinned(ifname) && !xdp_link_first(ifindex, &other, name) && other.present) {
		fprintf(stderr, "sluice: the XDP program on %s is not sluice's (id %u, name "
			"'%s'), yet sluice's state of %s is pinned in %s: `sluice detach --force "
			"%s` removes both\n", ifname, other.prog_id, name, ifname, dir, ifname);
		return true;
	}
	if (maps_any_pinned(ifname)) {
		fprintf(stderr, "sluice: sluice's state of %s is pinned in %s, but sluice's "
			"program is not attached to %s; `sluice attach --replace %s` discards "
			"that state and attaches afresh, `sluice detach %s` removes it\n", ifname,
			dir, ifname, ifname, ifname);
		return true;
	}
	return false;
}

/*
 * attach --replace: take away sluice's program and pins, whatever state they are
 * in, never another tool's program. Says what it removed; 0 or -errno.
 */
static int clear_the_way(const char *ifname, int ifindex, const struct attached *at)
{
	char name[BPF_OBJ_NAME_LEN], dir[PATH_MAX];
	struct attached other;
	int err;

	pin_dir(ifname, dir);
	if (!at->present && !xdp_link_first(ifindex, &other, name) && other.present) {
		fprintf(stderr, "sluice: the XDP program on %s is not sluice's (id %u, name "
			"'%s'); --replace replaces only sluice's: `sluice detach --force %s` "
			"removes it\n", ifname, other.prog_id, name, ifname);
		return -EEXIST;
	}
	if (at->present) {
		err = xdp_link_detach(ifindex);
		if (err) {
			fprintf(stderr, "sluice: detaching program %u from %s: %s\n", at->prog_id,
				ifname, strerror(-err));
			return err;
		}
		printf("%s: detached sluice's program %u\n", ifname, at->prog_id);
	}
	if (maps_any_pinned(ifname)) {
		err = pin_clear(ifname);
		if (err) {
			fprintf(stderr, "sluice: removing the pins in %s: %s\n", dir,
				strerror(-err));
			return err;
		}
		printf("%s: removed sluice's pins in %s (flows and counters start afresh)\n",
		       ifname, dir);
	}
	return 0;
}

/*
 * Load and attach the program, pins ready; prints why not and returns an exit code.
 * Under the pin directory's lock, so that of two attaches one attaches and the
 * other finds it attached, removing nothing.
 */
static int attach_program(const char *ifname, int ifindex, enum xdp_attach_mode mode,
			  __u32 flow_entries, bool replace)
{
	struct attached at;
	int err, lock_fd;

	lock_fd = pin_make_locked(ifname);
	if (lock_fd < 0)
		return EXIT_RUNTIME;
	err = xdp_link_find(ifindex, &at);
	if (err) {
		fprintf(stderr, "sluice: cannot read the XDP programs of %s: %s\n", ifname,
			strerror(-err));
	} else if (replace ? clear_the_way(ifname, ifindex, &at) != 0 : in_the_way(ifname, ifindex, &at)) {
		err = -EEXIST;
	} else {
		err = xdp_link_attach_pinned(ifname, ifindex, mode, flow_entries, &at);
	}
	close(lock_fd);
	if (err)
		return EXIT_RUNTIME;
	printf("%s: attached (program %u, %s mode%s)\n", ifname, at.prog_id,
	       xdp_link_mode_name(at.mode), at.dispatcher ? ", libxdp dispatcher" : "");
	return EXIT_OK;
}

/*
 * Without a config no apply follows: the interface's MAC is written here, so that
 * frames sent to it are the node's from the start (an apply rewrites it anyway).
 */
static int own_mac_write(const char *ifname, int ifindex)
{
	struct sluice_maps maps;
	__u8 old[6], now[6];
	int err;

	if (maps_open(ifname, &maps)) {
		err = -EIO;
	} else {
		err = own_mac_follow(ifname, &maps, old, now);
		maps_close(&maps);
	}
	if (err >= 0)
		return EXIT_OK;
	/* All or nothing, as with a config. */
	xdp_link_detach(ifindex);
	pin_remove_all(ifname);
	fprintf(stderr, "sluice: detached from %s again\n", ifname);
	return EXIT_RUNTIME;
}

static int attach(const char *ifname, enum xdp_attach_mode mode, const char *cfg_path,
		  const struct apply_opts *apply, bool replace)
{
	int ifindex = (int)if_nametoindex(ifname), ret;
	struct conf cfg;

	if (privilege_check())
		return EXIT_RUNTIME;
	if (!ifindex) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		return EXIT_USAGE;
	}
	if (!cfg_path) {
		ret = attach_program(ifname, ifindex, mode, SLUICE_FLOW_ENTRIES, replace);
		return ret ?: own_mac_write(ifname, ifindex);
	}
	/* The config must be valid before anything is loaded. */
	ret = config_load(cfg_path, &cfg);
	if (ret)
		return ret;
	ret = attach_program(ifname, ifindex, mode, plan_flow_entries(&cfg), replace);
	if (!ret) {
		ret = apply_exit_code(apply_config(ifname, cfg_path, &cfg, apply));
		if (ret) {
			/* All or nothing: an attach whose config failed leaves no trace. */
			xdp_link_detach(ifindex);
			pin_remove_all(ifname);
			fprintf(stderr, "sluice: detached from %s again\n", ifname);
		}
	}
	conf_free(&cfg);
	return ret;
}

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum xdp_attach_mode mode = XDP_MODE_NATIVE;
	struct apply_opts apply = {0};
	const char *cfg_path = NULL;
	bool replace = false;
	int c;

	while ((c = getopt_long(argc, argv, "m:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (xdp_link_parse_mode(optarg, &mode)) {
				fprintf(stderr, "sluice attach: unknown mode '%s' "
					"(native or generic)\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			cfg_path = optarg;
			break;
		case 'F':
			apply.force = true;
			break;
		case 'r':
			replace = true;
			break;
		case 'h':
			attach_usage(stdout);
			return EXIT_OK;
		default:
			attach_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "sluice attach: %s\n\n", argc == optind ?
			"IFACE is required" : "too many arguments");
		attach_usage(stderr);
		return EXIT_USAGE;
	}
	return attach(argv[optind], mode, cfg_path, &apply, replace);
}
