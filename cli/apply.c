// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice apply` and `sluice validate`: a config file checked, then applied. */
#include <getopt.h>
#include <stdio.h>

#include "conf/config.h"
#include "plan/apply.h"
#include "cli/cmd.h"

int config_load(const char *cfg_path, struct conf *cfg)
{
	char err[CONF_ERR_LEN];

	if (conf_load_file(cfg_path, cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
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
		"refused unless --force is given.\n"
		"Exit codes: 0 applied (or, with --dry-run, nothing to change), 1 runtime\n"
		"failure, 2 invalid CONFIG or usage, 3 --dry-run found changes to make.\n\n"
		"  -f, --file CONFIG  YAML configuration (see conf/README.md); - reads stdin\n"
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
	ret = apply_exit_code(apply_config(ifname, conf_source_name(cfg_path), &cfg, &apply));
	conf_free(&cfg);
	return ret;
}

static void validate_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice validate -f CONFIG\n\n"
		"Check CONFIG completely without touching the kernel. Errors are printed\n"
		"as FILE:LINE:COL: message; the exit code is 2 when CONFIG is invalid.\n\n"
		"  -f, --file CONFIG  YAML configuration; - reads stdin\n"
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
	printf("%s: ok (%zu services, %zu filter rules)\n", conf_source_name(cfg_path),
	       cfg.n_services, cfg.filter.n_rules);
	conf_free(&cfg);
	return EXIT_OK;
}
