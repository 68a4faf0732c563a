// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf/config.h"
#include "cli/cmd.h"
#include "cli/live.h"
#include "cli/maps.h"
#include "cli/neigh.h"
#include "cli/own_mac.h"
#include "cli/pin.h"
#include "cli/plan.h"
#include "cli/session.h"
#include "cli/sync.h"

static void print_plan(const struct plan *plan, const char *ifname, bool dry_run)
{
	size_t i;

	if (!plan->n_ops) {
		printf("%s: no changes\n", ifname);
		return;
	}
	for (i = 0; i < plan->n_notes; i++)
		printf("%s%s\n", dry_run ? "would: " : "", plan->notes[i]);
	printf("%s: %zu map updates %s\n", ifname, plan->n_ops,
	       dry_run ? "planned (dry run, nothing changed)" : "applied");
}

int config_load(const char *cfg_path, struct conf *cfg)
{
	char err[CONF_ERR_LEN];

	if (conf_load_file(cfg_path, cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The clock the data plane's bpf_ktime_get_ns() reads, for drain deadlines. */
static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Everything after validation: the kernel's view of the network, then the maps. */
int apply_config(const char *ifname, const char *cfg_path, const struct conf *cfg,
		 const struct apply_opts *opts)
{
	struct plan_session session;
	bool in_session = session_from_env(&session);
	struct live_state *live = NULL;
	struct sluice_maps maps;
	struct plan plan = {0};
	struct backend_path *paths;
	int lock_fd, err, ret = EXIT_RUNTIME;
	__u8 if_mac[6];

	if (in_session && !opts->force && session_denied(cfg, cfg_path, &session)) {
		fprintf(stderr, "sluice: nothing applied; apply with --force if that is what you "
			"want\n");
		return EXIT_USAGE;
	}
	paths = calloc(conf_backend_count(cfg) + 1, sizeof(*paths));
	if (!paths)
		return EXIT_RUNTIME;
	lock_fd = pin_lock(ifname);
	if (lock_fd < 0) {
		fprintf(stderr, "sluice: cannot lock %s: %s\n", ifname, strerror(-lock_fd));
		free(paths);
		return EXIT_RUNTIME;
	}
	if (maps_open(ifname, &maps))
		goto unlock;
	if (live_read(&maps, &live))
		goto close_maps;
	if (plan_check_flows(live, cfg, cfg_path)) {
		ret = EXIT_USAGE;
		goto free_plan;
	}
	/* Read at every apply: `ip link set IFACE address` may have changed it. */
	if (own_mac_read(ifname, if_mac))
		goto free_plan;
	err = neigh_resolve_backends(ifname, cfg_path, cfg, paths);
	if (err) {
		/* A backend the network cannot reach is the config's problem, not ours. */
		if (err == -EHOSTUNREACH)
			ret = EXIT_USAGE;
		goto free_plan;
	}
	if (plan_build(&plan, &maps, live, cfg, paths,
		       in_session ? &session : NULL, if_mac, monotonic_ns()))
		goto free_plan;
	if (!opts->dry_run && sync_execute(&plan))
		goto free_plan;
	print_plan(&plan, ifname, opts->dry_run);
	ret = EXIT_OK;
free_plan:
	plan_free(&plan);
	free(live);
close_maps:
	maps_close(&maps);
unlock:
	close(lock_fd);
	free(paths);
	return ret;
}

static void apply_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice apply [IFACE] -f CONFIG [--dry-run] [--force]\n\n"
		"Bring the running configuration of IFACE (default: the only interface\n"
		"sluice is attached to) to CONFIG, without detaching. The whole file is\n"
		"validated and every backend resolved before the first change; the change\n"
		"is all or nothing, and applying the same file twice changes nothing.\n"
		"Established connections keep their backend unless it is removed.\n"
		"The flow table keeps the size it was attached with: a CONFIG whose\n"
		"flows.size differs is refused.\n"
		"A config whose filter would drop the SSH session apply runs in is\n"
		"refused unless --force is given.\n\n"
		"  -f, --file CONFIG  YAML configuration (see conf/README.md)\n"
		"  -n, --dry-run      print what would change, change nothing\n"
		"      --force        apply even if it cuts your own session\n"
		"  -h, --help         this text\n");
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct apply_opts apply = {0};
	const char *cfg_path = NULL;
	char ifname[IF_NAMESIZE];
	struct conf cfg;
	int c, ret;

	while ((c = getopt_long(argc, argv, "f:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			cfg_path = optarg;
			break;
		case 'n':
			apply.dry_run = true;
			break;
		case 'F':
			apply.force = true;
			break;
		case 'h':
			apply_usage(stdout);
			return EXIT_OK;
		default:
			apply_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!cfg_path || argc - optind > 1) {
		fprintf(stderr, "sluice apply: %s\n\n", cfg_path ? "too many arguments" :
			"-f CONFIG is required");
		apply_usage(stderr);
		return EXIT_USAGE;
	}
	ret = iface_pick(optind < argc ? argv[optind] : NULL, ifname);
	if (ret)
		return ret;
	ret = config_load(cfg_path, &cfg);
	if (ret)
		return ret;
	ret = apply_config(ifname, cfg_path, &cfg, &apply);
	conf_free(&cfg);
	return ret;
}

static void validate_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice validate -f CONFIG\n\n"
		"Check CONFIG completely without touching the kernel. Errors are printed\n"
		"as FILE:LINE:COL: message; the exit code is 2 when CONFIG is invalid.\n\n"
		"  -f, --file CONFIG  YAML configuration\n"
		"  -h, --help         this text\n");
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfg_path = NULL;
	struct conf cfg;
	int c;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			cfg_path = optarg;
			break;
		case 'h':
			validate_usage(stdout);
			return EXIT_OK;
		default:
			validate_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (!cfg_path || optind < argc) {
		fprintf(stderr, "sluice validate: %s\n\n", cfg_path ? "too many arguments" :
			"-f CONFIG is required");
		validate_usage(stderr);
		return EXIT_USAGE;
	}
	if (config_load(cfg_path, &cfg))
		return EXIT_USAGE;
	printf("%s: ok (%zu services, %zu filter rules)\n", cfg_path, cfg.n_services,
	       cfg.filter.n_rules);
	conf_free(&cfg);
	return EXIT_OK;
}
