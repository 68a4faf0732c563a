// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice status`: what is attached, services, backends and rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "cli/cmd.h"
#include "cli/json_out.h"
#include "cli/select.h"
#include "cli/status.h"
#include "cli/status_daemon.h"
#include "cli/status_filter.h"
#include "cli/switches.h"
#include "kernel/fmt.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/netns.h"
#include "kernel/pin.h"
#include "kernel/seal.h"
#include "kernel/tables.h"
#include "kernel/xdp_link.h"
#include "lb/maglev.h"

static void status_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice status [IFACE] [--json] [-o COLUMNS] [--service NAME]\n"
		"                     [--backend ADDR] [--sort COLUMN]\n\n"
		"What runs on IFACE (default: the only interface sluice is attached to):\n"
		"the program, the flow table, totals, every service with its backends and\n"
		"their share of the Maglev table, and the filter rules in the order they\n"
		"are matched.\n\n"
		"  -j, --json            machine-readable output (documented in README.md)\n"
		"  -o, --output COLUMNS  the services table's columns, comma-separated;\n"
		"                        +COLUMNS adds to the shown ones\n"
		"  -S, --service NAME    only this service (exit 1 when there is none)\n"
		"  -B, --backend ADDR    only this backend, in every service that has it\n"
		"                        (exit 1 when no service has it)\n"
		"  -k, --sort COLUMN     services, and backends within each, by COLUMN:\n"
		"                        numbers largest first, text A to Z\n"
		"  -h, --help            this text\n\n"
		"With --service or --backend only the services table follows the totals.\n\n"
		"columns:\n");
	table_columns_help(out, status_columns, STATUS_COLUMNS);
}

/* Whole seconds until a drain's flows move (rounded up), null if they never do. */
static json_object *drain_left_json(const struct sluice_backend *be, __u64 now_ns)
{
	if (!be->drain_deadline_ns)
		return NULL;
	if (be->drain_deadline_ns <= now_ns)
		return json_object_new_int64(0);
	return json_object_new_int64((int64_t)((be->drain_deadline_ns - now_ns + 999999999ULL) /
					       1000000000ULL));
}

static json_object *backend_json(const struct sluice_backend *be, __u32 id, __u32 slots,
				 const struct sluice_service *svc, __u64 now_ns)
{
	char addr[INET6_ADDRSTRLEN], mac[FMT_MAC_LEN];
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "addr", json_object_new_string(
		fmt_addr(be->family, be->addr, addr)));
	/* ipip takes its next hop from the FIB per packet: no MAC of the backend's. */
	json_object_object_add(o, "mac", svc->forward == SLUICE_FWD_IPIP ? NULL :
			       json_object_new_string(fmt_mac(be->mac, mac)));
	json_object_object_add(o, "weight", json_object_new_int64(be->weight));
	json_object_object_add(o, "state", json_object_new_string(
		fmt_backend_state(be->state)));
	if (be->state == SLUICE_BACKEND_DRAINING)
		json_object_object_add(o, "drain_seconds_left", drain_left_json(be, now_ns));
	json_object_object_add(o, "slots", json_object_new_int64(slots));
	json_object_object_add(o, "share", json_object_new_double(
		svc->table_size ? (double)slots / svc->table_size : 0));
	return o;
}

/* How the service's packets leave: mode, ipip outer sources, drain timeout. */
static void forward_json(json_object *o, const struct sluice_service *v)
{
	__be32 addr4[4] = { v->encap_src4 };
	char prefix[64];

	json_object_object_add(o, "forward", json_object_new_string(
		v->forward == SLUICE_FWD_IPIP ? "ipip" : "l2dsr"));
	if (v->flags & SLUICE_SERVICE_F_ENCAP4)
		json_object_object_add(o, "encap_source4", json_object_new_string(fmt_prefix(
			SLUICE_AF_INET, addr4, v->encap_len4, prefix, sizeof(prefix))));
	if (v->flags & SLUICE_SERVICE_F_ENCAP6)
		json_object_object_add(o, "encap_source6", json_object_new_string(fmt_prefix(
			SLUICE_AF_INET6, v->encap_src6, v->encap_len6, prefix, sizeof(prefix))));
	json_object_object_add(o, "drain_timeout", json_object_new_int64(v->drain_timeout_s));
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static json_object *services_json(const struct sluice_maps *maps,
				  const struct live_state *live)
{
	json_object *arr = json_object_new_array();
	/* Per backend id: slots held; then each service's backends, by service id. */
	__u32 *slots_of = calloc(2 * SLUICE_MAX_BACKENDS + SLUICE_MAX_SERVICES + 1,
				 sizeof(*slots_of));
	__u32 *ids = slots_of + SLUICE_MAX_BACKENDS, *first = ids + SLUICE_MAX_BACKENDS;
	__u64 now_ns = monotonic_ns();
	char digest[MAGLEV_DIGEST_HEX_LEN];
	size_t i;
	__u32 k;

	if (slots_of)
		live_backends_by_service(live, first, ids);
	for (i = 0; i < live->n_services && slots_of; i++) {
		const struct live_service *s = &live->services[i];
		json_object *o = json_object_new_object(), *bes = json_object_new_array();

		/* This service's backends start from 0 (a table may name others' too). */
		for (k = first[s->val.id]; k < first[s->val.id + 1]; k++)
			slots_of[ids[k]] = 0;
		tables_maglev_slots(maps, live, s->val.table_slot, s->val.table_size,
				    slots_of, digest);
		json_object_object_add(o, "name", json_object_new_string(s->meta.name));
		json_out_vip(o, &s->key);
		json_object_object_add(o, "id", json_object_new_int64(s->val.id));
		forward_json(o, &s->val);
		json_object_object_add(o, "table_size", json_object_new_int64(s->val.table_size));
		json_object_object_add(o, "table_slot", json_object_new_int64(s->val.table_slot));
		json_object_object_add(o, "table_digest", digest[0] ?
				       json_object_new_string(digest) : NULL);
		for (k = first[s->val.id]; k < first[s->val.id + 1]; k++)
			json_object_array_add(bes, backend_json(&live->backends[ids[k]], ids[k],
								slots_of[ids[k]], &s->val,
								now_ns));
		json_object_object_add(o, "backends", bes);
		json_object_array_add(arr, o);
	}
	free(slots_of);
	return arr;
}

/* The flow table: its size, the UDP idle timeout and the new-flow guard in force. */
static json_object *flows_json(const struct live_state *live)
{
	const struct sluice_settings *set = &live->settings;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "size", json_object_new_int64(live->flow_entries));
	json_object_object_add(o, "udp_idle_timeout", json_object_new_int64(
		(int64_t)(set->udp_idle_ns / 1000000000ULL)));
	/* The node-wide guard as enforced: each CPU's share times the CPUs. */
	json_object_object_add(o, "new_flow_guard", json_object_new_int64(
		(int64_t)set->new_flows_per_cpu * maps_ncpus()));
	json_object_object_add(o, "new_flows_per_cpu",
			       json_object_new_int64(set->new_flows_per_cpu));
	return o;
}

/* Interfaces ipip may redirect to, by name (or ifindex when it has gone). */
static json_object *tx_ports_json(const struct live_state *live)
{
	json_object *arr = json_object_new_array();
	char name[IF_NAMESIZE];
	size_t i;

	for (i = 0; i < live->n_tx_ports; i++) {
		if (if_indextoname(live->tx_ports[i], name))
			json_object_array_add(arr, json_object_new_string(name));
		else
			json_object_array_add(arr, json_object_new_int64(live->tx_ports[i]));
	}
	return arr;
}

/* The destination MACs whose unicast frames are the node's: the interface's first. */
static json_object *macs_json(const struct live_state *live)
{
	json_object *arr = json_object_new_array();
	char mac[FMT_MAC_LEN];
	__u32 i;

	for (i = 0; i < live->settings.n_macs && i < SLUICE_MACS; i++)
		json_object_array_add(arr, json_object_new_string(
			fmt_mac(live->settings.macs[i].addr, mac)));
	return arr;
}

/* Where the state lives: its pin directory and the network namespace it belongs to. */
static json_object *netns_json(const char *ifname)
{
	json_object *o = json_object_new_object();
	struct netns_id self;
	char dir[PATH_MAX];

	pin_dir(ifname, dir);
	if (netns_self(&self))
		memset(&self, 0, sizeof(self));
	json_object_object_add(o, "pins", json_object_new_string(dir));
	json_object_object_add(o, "initial", json_object_new_boolean(self.initial));
	json_object_object_add(o, "cookie", json_object_new_uint64(self.cookie));
	json_object_object_add(o, "name", self.name[0] ? json_object_new_string(self.name) :
			       NULL);
	return o;
}

/* Pin directories of network namespaces that are gone, which nothing can reach. */
static json_object *leftovers_json(void)
{
	char names[64][NAME_MAX + 1], path[PATH_MAX];
	json_object *arr = json_object_new_array();
	int n = pin_list_leftovers(names, 64), i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%.*s", SLUICE_PIN_ROOT, NAME_MAX, names[i]);
		json_object_array_add(arr, json_object_new_string(path));
	}
	return arr;
}

static json_object *status_json(const char *ifname, const struct sluice_maps *maps,
				const struct live_state *live)
{
	json_object *root = json_out_root(ifname);
	int ifindex = (int)if_nametoindex(ifname);
	struct attached at = {0};

	if (ifindex)
		xdp_link_find(ifindex, &at);
	json_object_object_add(root, "program", xdp_link_json(&at));
	json_object_object_add(root, "netns", netns_json(ifname));
	json_object_object_add(root, "leftovers", leftovers_json());
	json_object_object_add(root, "malformed", json_object_new_string(
		live->settings.malformed_policy == SLUICE_MALFORMED_DROP ? "drop" : "pass"));
	json_object_object_add(root, "macs", macs_json(live));
	json_object_object_add(root, "flows", flows_json(live));
	json_object_object_add(root, "tx_ports", tx_ports_json(live));
	json_object_object_add(root, "services", services_json(maps, live));
	status_filter_json(root, maps, live);
	json_object_object_add(root, "daemon", status_daemon_json(ifname));
	return root;
}

/* The parts that differ from what the last apply left, by name (kernel/seal.h). */
static json_object *tampered_json(int parts)
{
	json_object *list = json_object_new_array();

	for (int p = 0; parts > 0 && p < SEAL_PARTS; p++)
		if (parts & 1 << p)
			json_object_array_add(list, json_object_new_string(seal_part_name(p)));
	return list;
}

int cmd_status(int argc, char **argv)
{
	const char *given, *columns = NULL, *backend = NULL, *sort = NULL;
	bool json = false, has_columns = false, has_service = false, has_backend = false,
	     has_sort = false;
	struct select sel = {0};
	const struct cmd_switch sw[] = {
		{ "json", 'j', &json, NULL },
		{ "output", 'o', &has_columns, &columns },
		{ "service", 'S', &has_service, &sel.service },
		{ "backend", 'B', &has_backend, &backend },
		{ "sort", 'k', &has_sort, &sort },
	};
	struct table_choice choice;
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	json_object *root;
	int ret, tampered;

	ret = switches_parse(argc, argv, "status", sw, sizeof(sw) / sizeof(sw[0]),
			     status_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	if (table_choose("status", columns, status_columns, STATUS_COLUMNS, &choice) ||
	    select_parse("status", backend, sort, status_columns, STATUS_COLUMNS, &sel))
		return EXIT_USAGE;
	ret = iface_open_live(given, ifname, &maps, &live);
	if (ret) {
		/* Nothing here, but perhaps what a vanished namespace left behind. */
		root = leftovers_json();
		status_print_leftovers(stderr, root);
		json_object_put(root);
		return ret;
	}
	tampered = iface_tampered(ifname, &maps, live);
	root = status_json(ifname, &maps, live);
	json_object_object_add(root, "tampered", tampered_json(tampered));
	free(live);
	maps_close(&maps);
	if (select_apply("status", ifname, json_object_object_get(root, "services"), &sel,
			 false)) {
		json_object_put(root);
		return EXIT_RUNTIME;
	}
	if (json) {
		json_out_print(root, true);
		return tampered ? EXIT_RUNTIME : EXIT_OK;
	}
	status_print(root, &choice, select_narrows(&sel));
	json_object_put(root);
	return tampered ? EXIT_RUNTIME : EXIT_OK;
}
