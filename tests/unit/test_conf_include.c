// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `include:` as operators use it: a blocklist or a team's services in files of their
 * own, found relative to the including file, by name or glob; their mistakes
 * reported at FILE:LINE:COL of the file that holds them; missing files, globs that
 * match nothing, cycles and sections set twice refused with a clear message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "conf/config.h"
#include "tests/one_group.h"

static char dir[] = "/tmp/sluice-include-XXXXXX";

static void put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int load(const char *name, struct conf *cfg, char *err)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return conf_load_file(path, cfg, err, CONF_ERR_LEN);
}

static void assert_error(const char *name, const char *want)
{
	char err[CONF_ERR_LEN], full[1024];
	struct conf cfg;

	assert_int_equal(load(name, &cfg, err), -1);
	/* "%D" in want stands for the test's directory. */
	full[0] = '\0';
	for (const char *c = want; *c; c++) {
		if (c[0] == '%' && c[1] == 'D') {
			strcat(full, dir);
			c++;
		} else {
			strncat(full, c, 1);
		}
	}
	if (!strstr(err, full))
		fail_msg("expected \"%s\" in \"%s\"", full, err);
}

static const char web[] =
	"services:\n"
	"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp, backends: [{addr: 10.0.0.1}]}\n";

static void test_split_config(void **state)
{
	char err[CONF_ERR_LEN], alone[CONF_DIGEST_LEN];
	struct conf cfg;

	(void)state;
	put("main.yaml", "include: [lists/*.yaml, web.yaml]\n"
		"filter:\n  default: deny\n  rules: [{name: ssh, proto: tcp, dport: 22, action: allow}]\n");
	put("lists/a.yaml", "filter:\n  rules: [{name: block-a, src: 198.51.100.0/24, action: deny},\n"
		"          {name: first, priority: -1, proto: udp, action: deny}]\n");
	put("lists/b.yaml", "filter: {rules: [{name: block-b, src: 203.0.113.0/24, action: deny}]}\n");
	put("web.yaml", web);
	if (load("main.yaml", &cfg, err))
		fail_msg("%s", err);
	assert_int_equal(cfg.filter.default_action, CONF_ACTION_DENY);
	assert_int_equal(cfg.filter.n_rules, 4);
	/* By priority, then in reading order: the file itself, then its includes. */
	assert_string_equal(cfg.filter.rules[0].name, "first");
	assert_string_equal(cfg.filter.rules[1].name, "ssh");
	assert_string_equal(cfg.filter.rules[2].name, "block-a");
	assert_string_equal(cfg.filter.rules[3].name, "block-b");
	assert_int_equal(cfg.n_services, 1);
	assert_string_equal(cfg.services[0].name, "web");
	memcpy(alone, cfg.sha256, sizeof(alone));
	conf_free(&cfg);
	/* The digest covers the included files: a change in one changes it. */
	put("lists/b.yaml", "filter: {rules: [{name: block-b, src: 203.0.113.0/25, action: deny}]}\n");
	if (load("main.yaml", &cfg, err))
		fail_msg("%s", err);
	assert_string_not_equal(cfg.sha256, alone);
	conf_free(&cfg);
}

/* What `sluice run` watches: the file, each include as named, globs as patterns. */
static void test_sources(void **state)
{
	char err[CONF_ERR_LEN], want[3][300];
	struct conf cfg;

	(void)state;
	put("main.yaml", "include: [lists/*.yaml, web.yaml]\n");
	put("lists/a.yaml", "filter: {rules: [{name: block-a, src: 198.51.100.0/24, action: deny}]}\n");
	put("lists/b.yaml", "filter: {rules: [{name: block-b, src: 203.0.113.0/24, action: deny}]}\n");
	put("web.yaml", web);
	if (load("main.yaml", &cfg, err))
		fail_msg("%s", err);
	snprintf(want[0], sizeof(want[0]), "%s/lists/*.yaml", dir);
	snprintf(want[1], sizeof(want[1]), "%s/web.yaml", dir);
	snprintf(want[2], sizeof(want[2]), "%s/main.yaml", dir);
	assert_int_equal(cfg.n_sources, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(cfg.sources[i].path, want[i]);
	assert_true(cfg.sources[0].glob);
	assert_false(cfg.sources[1].glob);
	assert_false(cfg.sources[2].glob);
	conf_free(&cfg);
	/* Standard input is no file to watch; an in-memory load has none either. */
	assert_int_equal(conf_load_buffer("mem.yaml", web, sizeof(web) - 1, &cfg, err,
					  sizeof(err)), 0);
	assert_int_equal(cfg.n_sources, 0);
	conf_free(&cfg);
}

static void test_mistake_in_included_file(void **state)
{
	(void)state;
	put("bad-inc.yaml", "include: lists/bad.yaml\nflows: {size: 3}\n");
	put("lists/bad.yaml", "filter:\n  rules:\n    - {action: alow}\n");
	assert_error("bad-inc.yaml",
		     "%D/bad-inc.yaml:2:15: size 3 is out of range 1024..67108864\n"
		     "%D/lists/bad.yaml:3:16: unknown action 'alow'");
}

static void test_missing_file(void **state)
{
	(void)state;
	put("missing.yaml", "include: nope.yaml\n");
	assert_error("missing.yaml",
		     "%D/missing.yaml:1:10: include '%D/nope.yaml': No such file or directory");
}

static void test_glob_matches_nothing(void **state)
{
	(void)state;
	put("noglob.yaml", "include: [web.yaml, 'none/*.yaml']\n");
	put("web.yaml", web);
	assert_error("noglob.yaml", "%D/noglob.yaml:1:21: include 'none/*.yaml' matches no file");
}

static void test_cycle(void **state)
{
	(void)state;
	put("cycle-a.yaml", "include: cycle-b.yaml\n");
	put("cycle-b.yaml", "include: cycle-a.yaml\n");
	assert_error("cycle-a.yaml", ":1:10: include cycle: %D/cycle-a.yaml -> %D/cycle-b.yaml -> "
		     "%D/cycle-a.yaml");
}

static void test_section_set_twice(void **state)
{
	(void)state;
	put("twice.yaml", "flows: {size: 4096}\ninclude: flows.yaml\n");
	put("flows.yaml", "flows: {size: 8192}\n");
	assert_error("twice.yaml", "%D/flows.yaml:1:8: flows is already set in %D/twice.yaml at "
		     "1:8; set it in one file only");
	put("default.yaml", "filter: {default: deny}\ninclude: default2.yaml\n");
	put("default2.yaml", "filter:\n  default: allow\n");
	assert_error("default.yaml", "%D/default2.yaml:2:3: filter.default is already set in "
		     "%D/default.yaml at 1:10");
}

static void test_names_unique_across_files(void **state)
{
	(void)state;
	put("names.yaml", "include: web.yaml\n"
		"services:\n"
		"  - {name: web, vip: 192.0.2.11, port: 80, proto: tcp, backends: [{addr: 10.0.0.1}]}\n");
	put("web.yaml", web);
	assert_error("names.yaml", "%D/web.yaml:2:12: service name 'web' is already used");
}

static int setup(void **state)
{
	char path[256];

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/lists", dir);
	return mkdir(path, 0755);
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_config),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_mistake_in_included_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_glob_matches_nothing),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_section_set_twice),
		cmocka_unit_test(test_names_unique_across_files),
	};

	const struct test_part parts[] = { { tests, sizeof(tests) / sizeof(tests[0]) } };
	int failed;

	if (setup(NULL))
		return 1;
	failed = run_one_group("conf_include", parts, 1);
	teardown(NULL);
	return failed ? 1 : 0;
}
