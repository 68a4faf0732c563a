// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice decap status`: where decap runs, what it accepts, what it counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "xdp/abi.h"
#include "cli/cmd.h"
#include "cli/json_out.h"
#include "cli/prefix.h"
#include "cli/switches.h"
#include "kernel/decap_pins.h"
#include "kernel/decap_state.h"
#include "kernel/pin.h"
#include "kernel/privilege.h"
#include "kernel/xdp_link.h"

#define DECAP_MAX_LISTED	64

/* JSON keys of the counters, by enum sluice_decap_stat. */
static const char *const stat_names[SLUICE_DECAP_STAT_MAX] = {
	[SLUICE_DECAP_RX] = "rx",
	[SLUICE_DECAP_DONE] = "decapsulated",
	[SLUICE_DECAP_REFUSED] = "refused",
};

static json_object *sources_json(const struct decap_state *st)
{
	json_object *arr = json_object_new_array();
	char shown[PREFIX_STR_LEN];
	size_t i;

	for (i = 0; i < st->n_sources; i++)
		json_object_array_add(arr, json_object_new_string(prefix_str(&st->sources[i],
									     shown)));
	return arr;
}

static json_object *counters_json(const struct decap_state *st)
{
	json_object *o = json_object_new_object();
	__u32 i;

	for (i = 0; st->counted && i < SLUICE_DECAP_STAT_MAX; i++) {
		json_object *c = json_object_new_object();

		json_object_object_add(c, "packets",
				       json_object_new_uint64(st->counters[i].packets));
		json_object_object_add(c, "bytes", json_object_new_uint64(st->counters[i].bytes));
		json_object_object_add(o, stat_names[i], c);
	}
	return o;
}

/*
 * What is wrong with ifname's decap state (pins named dir), or NULL: pins that no
 * program reads tell nothing of what the interface does.
 */
static char *state_problem(const char *ifname, const char *dir, const struct attached *at)
{
	const char *stranger;
	char *text = NULL;

	if (!at->present) {
		if (asprintf(&text, "decap's state of %s is pinned, but no decap program is "
			     "attached to it (another tool detached it): `sluice decap detach "
			     "%s` removes the state", ifname, ifname) < 0)
			return NULL;
		return text;
	}
	stranger = decap_state_stranger(dir, at->prog_id);
	if (stranger && asprintf(&text, "the maps pinned for %s (its '%s') are not those of "
				 "decap program %u on it, which was attached without these "
				 "pins (from a mount namespace that does not see them): what "
				 "they show is no program's. `sluice decap detach %s`, then "
				 "`sluice decap attach %s`", ifname, stranger, at->prog_id,
				 ifname, ifname) < 0)
		return NULL;
	return text;
}

static json_object *iface_json(const char *ifname, bool *sound)
{
	json_object *o = json_object_new_object();
	int ifindex = (int)if_nametoindex(ifname);
	char dir[DECAP_PIN_NAME_LEN], *problem;
	struct attached at = {0};
	struct decap_state *st = calloc(1, sizeof(*st));

	decap_pin_name(ifname, dir);
	if (st)
		decap_state_read(dir, st);
	if (ifindex)
		xdp_link_find_named(ifindex, DECAP_PROG_NAME, &at);
	problem = state_problem(ifname, dir, &at);
	if (problem) {
		fprintf(stderr, "sluice: %s\n", problem);
		*sound = false;
	}
	json_object_object_add(o, "interface", json_object_new_string(ifname));
	json_object_object_add(o, "program", xdp_link_json(&at));
	json_object_object_add(o, "problem", problem ? json_object_new_string(problem) : NULL);
	free(problem);
	json_object_object_add(o, "restricted", json_object_new_boolean(st && st->restricted));
	json_object_object_add(o, "sources", st ? sources_json(st) : json_object_new_array());
	json_object_object_add(o, "counters", st ? counters_json(st) : json_object_new_object());
	free(st);
	return o;
}

/* The human form renders the JSON form, so the two never disagree. */
static void print_human(json_object *arr)
{
	size_t i, j;

	if (!json_object_array_length(arr))
		printf("decap: not attached to any interface\n");
	for (i = 0; i < json_object_array_length(arr); i++) {
		json_object *o = json_object_array_get_idx(arr, i), *v;
		json_object *prog = json_object_object_get(o, "program");
		json_object *srcs = json_object_object_get(o, "sources");
		json_object *counters = json_object_object_get(o, "counters");

		printf("%s: decap ", json_object_get_string(json_object_object_get(o,
										"interface")));
		if (json_object_get_boolean(json_object_object_get(prog, "attached")))
			printf("program %s, %s mode%s\n",
			       json_object_get_string(json_object_object_get(prog, "id")),
			       json_object_get_string(json_object_object_get(prog, "mode")),
			       json_object_get_boolean(json_object_object_get(prog,
					"dispatcher")) ? " (libxdp dispatcher)" : "");
		else
			printf("state pinned, but no decap program is attached\n");
		printf("  outer sources:");
		if (!json_object_get_boolean(json_object_object_get(o, "restricted")))
			printf(" any");
		for (j = 0; j < json_object_array_length(srcs); j++)
			printf(" %s", json_object_get_string(json_object_array_get_idx(srcs, j)));
		printf("\n");
		for (j = 0; j < SLUICE_DECAP_STAT_MAX; j++) {
			v = json_object_object_get(counters, stat_names[j]);
			printf("  %-13s %s packets, %s bytes\n", stat_names[j],
			       json_object_get_string(json_object_object_get(v, "packets")),
			       json_object_get_string(json_object_object_get(v, "bytes")));
		}
	}
}

static void status_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice decap status [IFACE] [--json]\n\n"
		"Where decap runs (IFACE, or every interface of this network namespace):\n"
		"its program, the outer sources it accepts and its counters. Exits 1\n"
		"when the pinned state is no program's: no decap program is attached,\n"
		"or the one attached was loaded without these pins.\n\n"
		"  -j, --json  machine-readable output (documented in README.md)\n"
		"  -h, --help  this text\n");
}

int cmd_decap_status(int argc, char **argv)
{
	char names[DECAP_MAX_LISTED][IF_NAMESIZE], dir[DECAP_PIN_NAME_LEN];
	bool json = false;
	const struct cmd_switch sw[] = { { "json", 'j', &json, NULL } };
	json_object *root, *arr;
	const char *given;
	bool sound = true;
	int n, i;

	n = switches_parse(argc, argv, "decap status", sw, 1, status_usage, &given);
	if (n != SWITCHES_RUN)
		return n;
	if (privilege_check())
		return EXIT_RUNTIME;
	if (given) {
		if (strlen(given) >= IF_NAMESIZE) {
			fprintf(stderr, "sluice: '%s' is not an interface name\n", given);
			return EXIT_USAGE;
		}
		decap_pin_name(given, dir);
		if (!pin_dir_exists(dir)) {
			fprintf(stderr, "sluice: decap is not attached to %s\n", given);
			return EXIT_RUNTIME;
		}
		snprintf(names[0], IF_NAMESIZE, "%s", given);
		n = 1;
	} else {
		n = pin_list(PIN_DECAP_PREFIX, names, DECAP_MAX_LISTED);
	}
	/* As `sluice status`: nothing attached is a failure scripts can test for. */
	if (n <= 0) {
		fprintf(stderr, "sluice: decap is not attached to any interface (see `sluice "
			"decap attach`)\n");
		return EXIT_RUNTIME;
	}
	root = json_out_root(NULL);
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, iface_json(names[i], &sound));
	json_object_object_add(root, "interfaces", arr);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_human(arr);
	json_object_put(root);
	/* As `sluice status`: state that is no program's is an error. */
	return sound ? EXIT_OK : EXIT_RUNTIME;
}
