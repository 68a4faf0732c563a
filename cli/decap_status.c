// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice decap status`: where decap runs, what it accepts, what it counted. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "xdp/abi.h"
#include "cli/cmd.h"
#include "cli/switches.h"
#include "kernel/decap_pins.h"
#include "kernel/live.h"
#include "kernel/pin.h"
#include "kernel/privilege.h"
#include "cli/prefix.h"
#include "kernel/xdp_link.h"

#define DECAP_MAX_LISTED	64

/* JSON keys of the counters, by enum sluice_decap_stat. */
static const char *const stat_names[SLUICE_DECAP_STAT_MAX] = {
	[SLUICE_DECAP_RX] = "rx",
	[SLUICE_DECAP_DONE] = "decapsulated",
	[SLUICE_DECAP_REFUSED] = "refused",
};

static int open_pinned(const char *dir, const char *map)
{
	char path[PATH_MAX];

	pin_map_path(dir, map, path);
	return bpf_obj_get(path);
}

static json_object *sources_json(int fd)
{
	json_object *arr = json_object_new_array();
	struct sluice_decap_key key, next;
	char shown[PREFIX_STR_LEN];
	struct conf_cidr p;
	void *prev = NULL;

	while (fd >= 0 && !bpf_map_get_next_key(fd, prev, &next)) {
		memset(&p, 0, sizeof(p));
		p.addr.family = next.family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET;
		memcpy(p.addr.bytes, next.addr, sizeof(p.addr.bytes));
		p.prefix_len = (uint8_t)(next.prefixlen - 8);
		json_object_array_add(arr, json_object_new_string(prefix_str(&p, shown)));
		key = next;
		prev = &key;
	}
	return arr;
}

static json_object *counters_json(int fd)
{
	json_object *o = json_object_new_object();
	struct sluice_counter sum;
	__u32 i;

	for (i = 0; fd >= 0 && i < SLUICE_DECAP_STAT_MAX; i++) {
		json_object *c = json_object_new_object();

		if (live_counter(fd, i, &sum))
			memset(&sum, 0, sizeof(sum));
		json_object_object_add(c, "packets", json_object_new_uint64(sum.packets));
		json_object_object_add(c, "bytes", json_object_new_uint64(sum.bytes));
		json_object_object_add(o, stat_names[i], c);
	}
	return o;
}

static json_object *iface_json(const char *ifname)
{
	json_object *o = json_object_new_object();
	int ifindex = (int)if_nametoindex(ifname), settings_fd, sources_fd, stats_fd;
	struct sluice_decap_settings settings = {0};
	char dir[DECAP_PIN_NAME_LEN];
	struct attached at = {0};
	__u32 zero = 0;

	decap_pin_name(ifname, dir);
	settings_fd = open_pinned(dir, "decap_settings");
	sources_fd = open_pinned(dir, "decap_sources");
	stats_fd = open_pinned(dir, "decap_stats");
	if (ifindex)
		xdp_link_find_named(ifindex, DECAP_PROG_NAME, &at);
	if (settings_fd >= 0)
		bpf_map_lookup_elem(settings_fd, &zero, &settings);
	json_object_object_add(o, "interface", json_object_new_string(ifname));
	json_object_object_add(o, "program", xdp_link_json(&at));
	json_object_object_add(o, "restricted", json_object_new_boolean(settings.restricted));
	json_object_object_add(o, "sources", sources_json(sources_fd));
	json_object_object_add(o, "counters", counters_json(stats_fd));
	if (settings_fd >= 0)
		close(settings_fd);
	if (sources_fd >= 0)
		close(sources_fd);
	if (stats_fd >= 0)
		close(stats_fd);
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
			printf("state pinned but program NOT attached (run `sluice decap "
			       "detach`)\n");
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
		"its program, the outer sources it accepts and its counters.\n\n"
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
	root = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, iface_json(names[i]));
	json_object_object_add(root, "interfaces", arr);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_human(arr);
	json_object_put(root);
	return EXIT_OK;
}
