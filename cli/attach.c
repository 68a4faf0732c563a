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
#include "cli/json_out.h"
#include "kernel/journal.h"
#include "kernel/fault.h"
#include "kernel/intent.h"
#include "kernel/maps.h"
#include "kernel/own_mac.h"
#include "kernel/pin.h"
#include "kernel/privilege.h"
#include "kernel/seal.h"
#include "plan/commit.h"
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
		"  -f, --file CONFIG  YAML configuration to apply; - reads stdin\n"
		"      --force        apply it even if it cuts your own session\n"
		"  -j, --json         what happened as one JSON object on stdout\n"
		"                     (documented in README.md)\n"
		"      --replace      first take away sluice's program and pins on IFACE,\n"
		"                     whatever state they are in (flows and counters start\n"
		"                     afresh); another tool's program is left alone\n"
		"  -h, --help         this text\n", SLUICE_FLOW_ENTRIES);
}

static void log_attach(const char *ifname, const struct attached *at)
{
	char summary[96];
	struct change c = { .action = "attach", .ifname = ifname, .summary = summary };

	snprintf(summary, sizeof(summary), "program %u attached, %s mode", at->prog_id,
		 xdp_link_mode_name(at->mode));
	journal_change(&c);
}

/* An attach whose config failed leaves no trace, and the log says it was undone. */
static void undo_attach(const char *ifname, int ifindex)
{
	struct change c = { .action = "detach", .ifname = ifname,
			    .summary = "attach undone: the config was not applied" };

	xdp_link_detach(ifindex);
	pin_remove_all(ifname);
	journal_change(&c);
	fprintf(stderr, "sluice: detached from %s again\n", ifname);
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
 * Under the pin directory's lock (the caller's), so that of two attaches one
 * attaches and the other finds it attached, removing nothing. An attach a killed
 * sluice left half done is removed first; this one is marked as under way until it
 * is whole.
 */
static int attach_program(const char *ifname, int ifindex, enum xdp_attach_mode mode,
			  __u32 flow_entries, bool replace, json_object *root)
{
	struct attached at;
	int err;

	if (commit_recover_locked(ifname, true) < 0)
		return EXIT_RUNTIME;
	err = xdp_link_find(ifindex, &at);
	if (err) {
		fprintf(stderr, "sluice: cannot read the XDP programs of %s: %s\n", ifname,
			strerror(-err));
		return EXIT_RUNTIME;
	}
	if (replace ? clear_the_way(ifname, ifindex, &at) != 0 : in_the_way(ifname, ifindex, &at))
		return EXIT_RUNTIME;
	err = intent_mark_attach(ifname);
	if (err) {
		fprintf(stderr, "sluice: cannot mark the attach to %s: %s\n", ifname,
			strerror(-err));
		return EXIT_RUNTIME;
	}
	fault_point();
	if (xdp_link_attach_pinned(ifname, ifindex, mode, flow_entries, &at))
		return EXIT_RUNTIME;
	if (root)
		json_object_object_add(root, "program", xdp_link_json(&at));
	else
		printf("%s: attached (program %u, %s mode%s)\n", ifname, at.prog_id,
		       xdp_link_mode_name(at.mode), at.dispatcher ? ", libxdp dispatcher" : "");
	log_attach(ifname, &at);
	return EXIT_OK;
}

/*
 * Without a config no apply follows: the interface's MAC is written here, so that
 * frames sent to it are the node's from the start (an apply rewrites it anyway).
 */
static int own_mac_write(const char *ifname)
{
	struct sluice_maps maps;
	__u8 old[6], now[6];
	int err;

	if (maps_open(ifname, &maps))
		return EXIT_RUNTIME;
	err = own_mac_follow_locked(ifname, &maps, old, now);
	if (err >= 0)
		err = seal_now(ifname, &maps, NULL);
	maps_close(&maps);
	return err < 0 ? EXIT_RUNTIME : EXIT_OK;
}

static int attach_locked(const char *ifname, int ifindex, enum xdp_attach_mode mode,
			 const char *cfg_path, const struct conf *cfg,
			 const struct apply_opts *apply, bool replace, json_object *root)
{
	struct apply_opts locked = *apply;
	int ret;

	ret = attach_program(ifname, ifindex, mode,
			     cfg ? plan_flow_entries(cfg) : SLUICE_FLOW_ENTRIES, replace, root);
	if (ret)
		return ret;
	locked.locked = true;
	ret = cfg ? apply_exit_code(apply_config(ifname, conf_source_name(cfg_path), cfg,
						  &locked)) :
		    own_mac_write(ifname);
	if (!ret && !intent_unmark_attach(ifname))
		return EXIT_OK;
	if (root)
		json_object_object_add(root, "program", NULL);
	/* All or nothing: an attach whose config failed leaves no trace. */
	undo_attach(ifname, ifindex);
	return ret ?: EXIT_RUNTIME;
}

static int attach(const char *ifname, enum xdp_attach_mode mode, const char *cfg_path,
		  const struct apply_opts *apply, bool replace, json_object *root)
{
	int ifindex = (int)if_nametoindex(ifname), ret, lock_fd;
	struct conf cfg;

	if (privilege_check())
		return EXIT_RUNTIME;
	if (!ifindex) {
		fprintf(stderr, "sluice: no interface %s\n", ifname);
		return EXIT_USAGE;
	}
	/* The config must be valid before anything is loaded. */
	if (cfg_path) {
		ret = config_load(cfg_path, &cfg);
		if (ret)
			return ret;
	}
	lock_fd = pin_make_locked(ifname);
	if (lock_fd < 0) {
		ret = EXIT_RUNTIME;
	} else {
		/* One lock from load to config: no apply sees the program half configured. */
		ret = attach_locked(ifname, ifindex, mode, cfg_path, cfg_path ? &cfg : NULL,
				    apply, replace, root);
		close(lock_fd);
	}
	if (cfg_path)
		conf_free(&cfg);
	return ret;
}

/*
 * {"schema_version", "interface", "result", "program", "apply"?: {"changes",
 * "map_updates"}, "messages", "exit_code"} on stdout, whatever happens.
 */
static int attach_json(const char *ifname, enum xdp_attach_mode mode, const char *cfg_path,
		       const struct apply_opts *opts, bool replace)
{
	json_object *root = json_out_root(ifname), *applied = NULL;
	struct apply_opts apply = *opts;
	struct json_capture cap;
	int ret;

	if (cfg_path) {
		applied = json_object_new_object();
		apply.report = apply_report_json;
		apply.report_ctx = applied;
	}
	json_capture_begin(&cap, true);
	ret = attach(ifname, mode, cfg_path, &apply, replace, root);
	json_capture_end(&cap, root);
	if (!json_object_object_get_ex(root, "program", NULL))
		json_object_object_add(root, "program", NULL);
	json_object_object_add(root, "result", json_object_new_string(
		ret == EXIT_OK ? "attached" : ret == EXIT_USAGE ? "refused" : "failed"));
	if (applied)
		json_object_object_add(root, "apply", applied);
	json_object_object_add(root, "exit_code", json_object_new_int(ret));
	json_out_print(root, true);
	return ret;
}

int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' },
		{ "force", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "replace", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum xdp_attach_mode mode = XDP_MODE_NATIVE;
	struct apply_opts apply = { .why = "attach" };
	const char *cfg_path = NULL;
	bool json = false, replace = false;
	int c;

	while ((c = getopt_long(argc, argv, "m:f:jrh", opts, NULL)) != -1) {
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
		case 'j':
			json = true;
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
	return json ? attach_json(argv[optind], mode, cfg_path, &apply, replace) :
		      attach(argv[optind], mode, cfg_path, &apply, replace, NULL);
}
