// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice apply` and `sluice validate`: a config file checked, then applied. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "conf/config.h"
#include "plan/apply.h"
#include "plan/filter_check.h"
#include "plan/plan.h"
#include "cli/cmd.h"
#include "cli/json_out.h"

void apply_report_json(const struct plan *plan, bool dry_run, void *ctx)
{
	json_object *o = ctx, *changes = json_object_new_array();
	size_t i;

	(void)dry_run;
	for (i = 0; plan->n_ops && i < plan->n_notes; i++)
		json_object_array_add(changes, json_object_new_string(plan->notes[i]));
	json_object_object_add(o, "changes", changes);
	json_object_object_add(o, "map_updates", json_object_new_int64((int64_t)plan->n_ops));
}

const char *apply_result_name(enum apply_result r, bool dry_run)
{
	if (r == APPLY_DONE || r == APPLY_PENDING)
		return dry_run ? "planned" : "applied";
	return r == APPLY_REFUSED ? "refused" : "failed";
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
		"  -f, --file CONFIG  YAML configuration (see sluice.yaml(5)); - reads stdin\n"
		"  -n, --dry-run      print what would change, change nothing\n"
		"      --force        apply even if it cuts your own session\n"
		"  -j, --json         the changes, or why not, as one JSON object on\n"
		"                     stdout (documented in README.md)\n"
		"  -h, --help         this text\n");
}

/* Pick the interface, load cfg_path, apply it; root (if set) gets the interface and result. */
static int apply_file(const char *given, const char *cfg_path, const struct apply_opts *apply,
		      json_object *root)
{
	enum apply_result result;
	char ifname[IF_NAMESIZE];
	struct conf cfg;
	int ret;

	ret = iface_pick(given, ifname);
	if (!ret && root)
		json_object_object_add(root, "interface", json_object_new_string(ifname));
	if (!ret)
		ret = config_load(cfg_path, &cfg);
	if (ret)
		return ret;
	result = apply_config(ifname, conf_source_name(cfg_path), &cfg, apply);
	if (root)
		json_object_object_add(root, "result", json_object_new_string(
			apply_result_name(result, apply->dry_run)));
	conf_free(&cfg);
	return apply_exit_code(result);
}

/*
 * {"schema_version", "interface", "file", "dry_run", "result", "changes",
 * "map_updates", "messages", "exit_code"} on stdout, whatever happens.
 */
static int apply_json(const char *given, const char *cfg_path, const struct apply_opts *opts)
{
	json_object *root = json_out_root(NULL);
	struct apply_opts apply = *opts;
	struct json_capture cap;
	int ret;

	json_object_object_add(root, "file", json_object_new_string(cfg_path));
	json_object_object_add(root, "dry_run", json_object_new_boolean(apply.dry_run));
	apply.report = apply_report_json;
	apply.report_ctx = root;
	json_capture_begin(&cap, true);
	ret = apply_file(given, cfg_path, &apply, root);
	json_capture_end(&cap, root);
	if (!json_object_object_get_ex(root, "result", NULL))
		json_object_object_add(root, "result", json_object_new_string(
			ret == EXIT_USAGE ? "refused" : "failed"));
	json_object_object_add(root, "exit_code", json_object_new_int(ret));
	json_out_print(root, true);
	return ret;
}

int cmd_apply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct apply_opts apply = {0};
	const char *cfg_path = NULL;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "f:njh", opts, NULL)) != -1) {
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
		case 'j':
			json = true;
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
	return json ? apply_json(optind < argc ? argv[optind] : NULL, cfg_path, &apply) :
		      apply_file(optind < argc ? argv[optind] : NULL, cfg_path, &apply, NULL);
}

static void validate_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice validate -f CONFIG\n\n"
		"Check CONFIG completely without touching the kernel. Errors are printed\n"
		"as FILE:LINE:COL: message; the exit code is 2 when CONFIG is invalid.\n\n"
		"  -f, --file CONFIG  YAML configuration; - reads stdin\n"
		"  -j, --json         the verdict as one JSON object on stdout, errors\n"
		"                     with their line and column (README.md)\n"
		"  -h, --help         this text\n");
}

/*
 * One line of the loader's report, "FILE:LINE:COL: message", as {"file", "line",
 * "column", "message"}; a line without a place (an unreadable file, the count of
 * mistakes not shown) has them null. FILE is the included file an error is in.
 */
static json_object *error_json(const char *err)
{
	json_object *o = json_object_new_object();
	unsigned int line, col;
	const char *colon;
	int used;

	for (colon = strchr(err, ':'); colon; colon = strchr(colon + 1, ':')) {
		used = 0;
		if (sscanf(colon, ":%u:%u: %n", &line, &col, &used) == 2 && used)
			break;
	}
	if (colon) {
		json_object_object_add(o, "file", json_object_new_string_len(err,
					(int)(colon - err)));
		json_object_object_add(o, "line", json_object_new_int64(line));
		json_object_object_add(o, "column", json_object_new_int64(col));
		err = colon + used;
	} else {
		json_object_object_add(o, "file", NULL);
		json_object_object_add(o, "line", NULL);
		json_object_object_add(o, "column", NULL);
	}
	json_object_object_add(o, "message", json_object_new_string(err));
	return o;
}

/*
 * Load cfg_path and compile its filter as apply would, so that validate accepts no
 * file apply refuses; err gets the loader's report or "FILE: filter: why". 0 or -1.
 */
static int validate_load(const char *cfg_path, struct conf *cfg, char *err, size_t len)
{
	char why[512];
	int n;

	if (conf_load_file(cfg_path, cfg, err, len))
		return -1;
	if (!plan_filter_check(&cfg->filter, why, sizeof(why)))
		return 0;
	n = snprintf(err, len, "%s: filter: %s", conf_source_name(cfg_path), why);
	if (n < 0 || (size_t)n >= len)
		err[len - 1] = '\0';
	conf_free(cfg);
	return -1;
}

/* {"schema_version", "file", "valid", "services"?, "rules"?, "errors"}: exit 0 or 2. */
static int validate_json(const char *cfg_path)
{
	json_object *root = json_out_root(NULL), *errors = json_object_new_array();
	char err[CONF_ERR_LEN], *line, *next;
	struct conf cfg;
	bool valid = !validate_load(cfg_path, &cfg, err, sizeof(err));

	json_object_object_add(root, "file", json_object_new_string(cfg_path));
	json_object_object_add(root, "valid", json_object_new_boolean(valid));
	if (valid) {
		json_object_object_add(root, "services", json_object_new_int64(
			(int64_t)cfg.n_services));
		json_object_object_add(root, "rules", json_object_new_int64(
			(int64_t)cfg.filter.n_rules));
		conf_free(&cfg);
	} else {
		for (line = strtok_r(err, "\n", &next); line; line = strtok_r(NULL, "\n", &next))
			json_object_array_add(errors, error_json(line));
	}
	json_object_object_add(root, "errors", errors);
	json_out_print(root, true);
	return valid ? EXIT_OK : EXIT_USAGE;
}

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfg_path = NULL;
	bool json = false;
	char err[CONF_ERR_LEN];
	struct conf cfg;
	int c;

	while ((c = getopt_long(argc, argv, "f:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			cfg_path = optarg;
			break;
		case 'j':
			json = true;
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
	if (json)
		return validate_json(cfg_path);
	if (validate_load(cfg_path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	printf("%s: ok (%zu services, %zu filter rules)\n", conf_source_name(cfg_path),
	       cfg.n_services, cfg.filter.n_rules);
	conf_free(&cfg);
	return EXIT_OK;
}
