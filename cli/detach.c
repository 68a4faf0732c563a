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
#include "cli/json_out.h"

static void detach_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice detach IFACE [--force] [--json]\n"
		"       sluice detach --prune [--json]\n\n"
		"Detach sluice's XDP program from IFACE and remove its pinned maps, so\n"
		"nothing of sluice remains. Other XDP programs on IFACE are left alone.\n\n"
		"  -f, --force  remove whatever XDP program is on IFACE too, another tool's\n"
		"               included, and say which\n"
		"  -p, --prune  remove instead the state that network namespaces which no\n"
		"               longer exist left in bpffs (data plane and decap), when no\n"
		"               program uses it any more; `sluice status` lists it\n"
		"  -j, --json   what happened as one JSON object on stdout (README.md)\n"
		"  -h, --help   this text\n");
}

/*
 * The program on ifindex that is not sluice's, if any; with force, detach it and
 * say so on out. Returns 0, or -errno when it could not be detached.
 */
static int other_program(const char *ifname, int ifindex, bool force, FILE *out)
{
	char name[BPF_OBJ_NAME_LEN];
	struct attached other;
	int err;

	if (!ifindex || xdp_link_first(ifindex, &other, name) || !other.present ||
	    !strcmp(name, SLUICE_PROG_NAME))
		return 0;
	if (!force) {
		fprintf(out, "%s: the XDP program on it (id %u, name '%s') is not sluice's and stays "
		       "(`sluice detach --force %s` removes it too)\n", ifname, other.prog_id,
		       name, ifname);
		return 0;
	}
	err = xdp_link_detach_all(ifindex);
	if (err) {
		fprintf(stderr, "sluice: detaching program %u ('%s') from %s: %s\n",
			other.prog_id, name, ifname, strerror(-err));
		return err;
	}
	fprintf(out, "%s: removed XDP program %u (name '%s', not sluice's)\n", ifname,
	       other.prog_id, name);
	return 0;
}

static int detach(const char *ifname, bool force, json_object *root)
{
	int ifindex = (int)if_nametoindex(ifname), err = 0, lock_fd;
	struct attached at = {0}, other = {0};
	char name[BPF_OBJ_NAME_LEN];
	bool pinned;

	if (privilege_check())
		return EXIT_RUNTIME;
	pinned = pin_dir_exists(ifname);
	if (ifindex)
		err = xdp_link_find(ifindex, &at);
	if (force && ifindex && !at.present)
		xdp_link_first(ifindex, &other, name);
	if (!at.present && !pinned && !other.present) {
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
	if (other_program(ifname, ifindex, force, root ? stderr : stdout)) {
		if (lock_fd >= 0)
			close(lock_fd);
		return EXIT_RUNTIME;
	}
	err = pinned ? pin_remove_all(ifname) : 0;
	if (lock_fd >= 0)
		close(lock_fd);
	if (err) {
		fprintf(stderr, "sluice: removing pins of %s: %s\n", ifname, strerror(-err));
		return EXIT_RUNTIME;
	}
	if (root)
		json_object_object_add(root, "program_was_attached",
				       json_object_new_boolean(at.present));
	else if (at.present || pinned)
		printf("%s: detached%s\n", ifname, at.present ? "" :
		       " (sluice's program was already gone; state removed)");
	if (at.present || pinned)
		journal_change(&(struct change){ .action = "detach", .ifname = ifname,
		       .summary = at.present ? "program detached, pins removed" :
					       "pins removed (the program was gone)" });
	return EXIT_OK;
}

/* Remove every pin directory of a vanished namespace that no program uses. */
static int prune(json_object *root)
{
	char names[64][NAME_MAX + 1], path[PATH_MAX];
	int n, i, err, ret = EXIT_OK;
	json_object *removed;

	if (privilege_check())
		return EXIT_RUNTIME;
	n = pin_list_leftovers(names, 64);
	removed = json_object_new_array();
	if (!n && !root)
		printf("no leftover state\n");
	for (i = 0; i < n; i++) {
		err = pin_remove_leftover(names[i]);
		if (err) {
			fprintf(stderr, "sluice: removing %s/%s: %s\n", SLUICE_PIN_ROOT,
				names[i], strerror(-err));
			ret = EXIT_RUNTIME;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%.*s", SLUICE_PIN_ROOT, NAME_MAX, names[i]);
		if (root)
			json_object_array_add(removed, json_object_new_string(path));
		else
			printf("removed %s\n", path);
	}
	if (root)
		json_object_object_add(root, "removed", removed);
	else
		json_object_put(removed);
	return ret;
}

/*
 * {"schema_version", "interface", "result", "program_was_attached", "messages",
 * "exit_code"} on stdout, whatever happens; --prune: "removed" instead of the
 * interface and program_was_attached.
 */
static int detach_json(const char *ifname, bool force)
{
	json_object *root = json_out_root(ifname);
	struct json_capture cap;
	int ret;

	json_capture_begin(&cap, true);
	ret = ifname ? detach(ifname, force, root) : prune(root);
	json_capture_end(&cap, root);
	json_object_object_add(root, "result", json_object_new_string(
		ret == EXIT_OK ? (ifname ? "detached" : "pruned") : "failed"));
	json_object_object_add(root, "exit_code", json_object_new_int(ret));
	json_out_print(root, true);
	return ret;
}

int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "prune", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool pruning = false, json = false, force = false;
	int c;

	while ((c = getopt_long(argc, argv, "pjfh", opts, NULL)) != -1) {
		if (c == 'p' || c == 'f') {
			pruning |= c == 'p';
			force |= c == 'f';
			continue;
		}
		if (c == 'j') {
			json = true;
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
		if (argc != optind || force) {
			fprintf(stderr, "sluice detach: --prune takes no IFACE and no --force\n\n");
			detach_usage(stderr);
			return EXIT_USAGE;
		}
		return json ? detach_json(NULL, false) : prune(NULL);
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
	return json ? detach_json(argv[optind], force) : detach(argv[optind], force, NULL);
}
