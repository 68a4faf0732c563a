// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "cli/cmd.h"
#include "cli/fmt.h"
#include "cli/live.h"
#include "cli/maps.h"
#include "cli/status_filter.h"
#include "cli/xdp_link.h"

static void status_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice status [IFACE] [--json]\n\n"
		"What runs on IFACE (default: the only interface sluice is attached to):\n"
		"the program, every service with its backends and their share of the\n"
		"Maglev table, and the filter rules in the order they are matched.\n\n"
		"  -j, --json  machine-readable output (documented in README.md)\n"
		"  -h, --help  this text\n");
}

/* Slots held by each backend id in a service's live table. */
static int table_shares(int outer_fd, __u32 slot, __u32 size, __u32 *slots_of)
{
	__u32 inner_id, i, value;
	int fd;

	if (bpf_map_lookup_elem(outer_fd, &slot, &inner_id))
		return -errno;
	fd = bpf_map_get_fd_by_id(inner_id);
	if (fd < 0)
		return -errno;
	for (i = 0; i < size; i++)
		if (!bpf_map_lookup_elem(fd, &i, &value) && value < SLUICE_MAX_BACKENDS)
			slots_of[value]++;
	close(fd);
	return 0;
}

static json_object *backend_json(const struct sluice_backend *be, __u32 id, __u32 slots,
				 __u32 table_size)
{
	char addr[INET6_ADDRSTRLEN], mac[FMT_MAC_LEN];
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "addr", json_object_new_string(
		fmt_addr(be->family, be->addr, addr)));
	json_object_object_add(o, "mac", json_object_new_string(fmt_mac(be->mac, mac)));
	json_object_object_add(o, "weight", json_object_new_int64(be->weight));
	json_object_object_add(o, "state", json_object_new_string(
		fmt_backend_state(be->state)));
	json_object_object_add(o, "slots", json_object_new_int64(slots));
	json_object_object_add(o, "share", json_object_new_double(
		table_size ? (double)slots / table_size : 0));
	return o;
}

static json_object *services_json(const struct sluice_maps *maps,
				  const struct live_state *live)
{
	json_object *arr = json_object_new_array();
	__u32 *slots_of = calloc(SLUICE_MAX_BACKENDS, sizeof(*slots_of));
	size_t i;
	__u32 id;

	for (i = 0; i < live->n_services && slots_of; i++) {
		const struct live_service *s = &live->services[i];
		json_object *o = json_object_new_object(), *bes = json_object_new_array();
		char vip[64];

		memset(slots_of, 0, SLUICE_MAX_BACKENDS * sizeof(*slots_of));
		table_shares(maps->maglev_tables, s->val.table_slot, s->val.table_size,
			     slots_of);
		json_object_object_add(o, "name", json_object_new_string(s->meta.name));
		json_object_object_add(o, "vip", json_object_new_string(
			fmt_vip(&s->key, vip, sizeof(vip))));
		json_object_object_add(o, "id", json_object_new_int64(s->val.id));
		json_object_object_add(o, "forward", json_object_new_string("l2dsr"));
		json_object_object_add(o, "table_size", json_object_new_int64(s->val.table_size));
		json_object_object_add(o, "table_slot", json_object_new_int64(s->val.table_slot));
		for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
			const struct sluice_backend *be = &live->backends[id];

			if ((be->flags & SLUICE_BACKEND_F_LIVE) && be->service_id == s->val.id)
				json_object_array_add(bes, backend_json(be, id, slots_of[id],
									s->val.table_size));
		}
		json_object_object_add(o, "backends", bes);
		json_object_array_add(arr, o);
	}
	free(slots_of);
	return arr;
}

static json_object *status_json(const char *ifname, const struct sluice_maps *maps,
				const struct live_state *live)
{
	json_object *root = json_object_new_object(), *prog = json_object_new_object();
	int ifindex = (int)if_nametoindex(ifname);
	struct attached at = {0};

	if (ifindex)
		xdp_link_find(ifindex, &at);
	json_object_object_add(root, "interface", json_object_new_string(ifname));
	json_object_object_add(prog, "attached", json_object_new_boolean(at.present));
	if (at.present) {
		json_object_object_add(prog, "id", json_object_new_int64(at.prog_id));
		json_object_object_add(prog, "mode", json_object_new_string(
			xdp_link_mode_name(at.mode)));
		json_object_object_add(prog, "dispatcher",
				       json_object_new_boolean(at.dispatcher));
	}
	json_object_object_add(root, "program", prog);
	json_object_object_add(root, "malformed", json_object_new_string(
		live->settings.malformed_policy == SLUICE_MALFORMED_DROP ? "drop" : "pass"));
	json_object_object_add(root, "services", services_json(maps, live));
	status_filter_json(root, maps, live);
	return root;
}

/* The human form is a rendering of the JSON form, so the two never disagree. */
static void print_human(json_object *root)
{
	json_object *prog = json_object_object_get(root, "program"), *svcs, *v;
	size_t i, j;

	printf("%s: ", json_object_get_string(json_object_object_get(root, "interface")));
	if (json_object_get_boolean(json_object_object_get(prog, "attached")))
		printf("program %s, %s mode%s\n",
		       json_object_get_string(json_object_object_get(prog, "id")),
		       json_object_get_string(json_object_object_get(prog, "mode")),
		       json_object_get_boolean(json_object_object_get(prog, "dispatcher")) ?
		       " (libxdp dispatcher)" : "");
	else
		printf("state pinned but program NOT attached (run `sluice detach`)\n");
	svcs = json_object_object_get(root, "services");
	printf("services: %zu\n", json_object_array_length(svcs));
	for (i = 0; i < json_object_array_length(svcs); i++) {
		json_object *s = json_object_array_get_idx(svcs, i);
		json_object *bes = json_object_object_get(s, "backends");

		printf("  %s %s %s table %s\n",
		       json_object_get_string(json_object_object_get(s, "name")),
		       json_object_get_string(json_object_object_get(s, "vip")),
		       json_object_get_string(json_object_object_get(s, "forward")),
		       json_object_get_string(json_object_object_get(s, "table_size")));
		for (j = 0; j < json_object_array_length(bes); j++) {
			json_object *b = json_object_array_get_idx(bes, j);

			v = json_object_object_get(b, "share");
			printf("    %-39s %s weight %-7s %-8s %5.1f%% of slots\n",
			       json_object_get_string(json_object_object_get(b, "addr")),
			       json_object_get_string(json_object_object_get(b, "mac")),
			       json_object_get_string(json_object_object_get(b, "weight")),
			       json_object_get_string(json_object_object_get(b, "state")),
			       100.0 * json_object_get_double(v));
		}
	}
	status_filter_print(root);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	bool json = false;
	json_object *root;
	int c, ret;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			status_usage(stdout);
			return EXIT_OK;
		default:
			status_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "sluice status: too many arguments\n\n");
		status_usage(stderr);
		return EXIT_USAGE;
	}
	ret = iface_open_live(optind < argc ? argv[optind] : NULL, ifname, &maps, &live);
	if (ret)
		return ret;
	root = status_json(ifname, &maps, live);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		print_human(root);
	json_object_put(root);
	free(live);
	maps_close(&maps);
	return EXIT_OK;
}
