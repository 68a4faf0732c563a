// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice status` for people: totals first, then fitted tables (libsmartcols). */
#include <stdio.h>
#include <string.h>

#include "cli/status.h"
#include "cli/status_daemon.h"
#include "cli/status_filter.h"

static const char *str_of(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

static const char *share_text(json_object *row, char *buf, size_t len)
{
	json_object *share;

	if (!json_object_object_get_ex(row, "share", &share))
		return "";
	snprintf(buf, len, "%.1f%%", 100.0 * json_object_get_double(share));
	return buf;
}

/* "active", "draining" (its flows stay) or "draining 42s" (they move in 42 s). */
static const char *state_text(json_object *row, char *buf, size_t len)
{
	json_object *left;

	if (!json_object_object_get_ex(row, "drain_seconds_left", &left) || !left)
		return json_object_object_get_ex(row, "state", NULL) ? str_of(row, "state") : "";
	snprintf(buf, len, "draining %ss", json_object_get_string(left));
	return buf;
}

/* ipip's outer source prefixes: "10.99.0.0/24 2001:db8:99::/120". */
static const char *encap_text(json_object *row, char *buf, size_t len)
{
	json_object *v4 = NULL, *v6 = NULL;

	json_object_object_get_ex(row, "encap_source4", &v4);
	json_object_object_get_ex(row, "encap_source6", &v6);
	snprintf(buf, len, "%s%s%s", v4 ? json_object_get_string(v4) : "", v4 && v6 ? " " : "",
		 v6 ? json_object_get_string(v6) : "");
	return buf;
}

const struct table_column status_columns[STATUS_COLUMNS] = {
	TABLE_SERVICE_COLUMNS(0.25, true),
	{ "FORWARD", "forward", NULL, "l2dsr or ipip", 5, 0, true, NULL },
	{ "WEIGHT", "weight", NULL, "a backend's weight", 6, SCOLS_FL_RIGHT, true, NULL },
	{ "SHARE", "share", NULL, "a backend's share of the Maglev table", 6, SCOLS_FL_RIGHT,
	  true, share_text },
	{ "STATE", "state", NULL, "active, draining, or draining Ns: flows move in N s", 8, 0,
	  true, state_text },
	{ "TABLE", "table_size", NULL, "Maglev table size", 6, SCOLS_FL_RIGHT, false, NULL },
	{ "SLOTS", "slots", NULL, "a backend's slots in the table", 6, SCOLS_FL_RIGHT, false,
	  NULL },
	{ "MAC", "mac", NULL, "a backend's MAC (- for ipip: the FIB's)", 17, 0, false, NULL },
	{ "ID", "id", NULL, "the data plane's id of the service or backend", 4,
	  SCOLS_FL_RIGHT, false, NULL },
	{ "ENCAP", "encap_source4", NULL, "ipip's outer source prefixes", 0.2, SCOLS_FL_WRAP,
	  false, encap_text },
	{ "DIGEST", "table_digest", NULL, "the live Maglev table's digest, equal on nodes "
	  "holding the same table", 32, 0, false, NULL },
};

/* "flows: 65536 entries, idle UDP flows move after 60 s, guard 100000/s" */
static void print_flows(json_object *root)
{
	json_object *f = json_object_object_get(root, "flows"), *ports;
	int64_t idle = json_object_get_int64(json_object_object_get(f, "udp_idle_timeout"));
	int64_t guard = json_object_get_int64(json_object_object_get(f, "new_flow_guard"));
	size_t i;

	printf("flows: table of %s entries, idle UDP flows move ", str_of(f, "size"));
	if (idle)
		printf("after %lld s", (long long)idle);
	else
		printf("never");
	if (guard)
		printf(",\n  new-flow guard %lld/s (%s per CPU)\n", (long long)guard,
		       str_of(f, "new_flows_per_cpu"));
	else
		printf(", no new-flow guard\n");
	ports = json_object_object_get(root, "tx_ports");
	for (i = 0; i < json_object_array_length(ports); i++)
		printf("%s%s%s", i ? ", " : "tx_ports: ",
		       json_object_get_string(json_object_array_get_idx(ports, i)),
		       i + 1 < json_object_array_length(ports) ? "" : "\n");
}

/* "frames to: 02:00:00:00:00:01 (the interface's), 00:00:5e:00:01:01" */
static void print_macs(json_object *macs)
{
	size_t i, n = json_object_array_length(macs);

	printf("frames to: ");
	if (!n)
		printf("none yet (unicast is passed until apply sets the interface's MAC)");
	for (i = 0; i < n; i++)
		printf("%s%s%s", i ? ", " : "",
		       json_object_get_string(json_object_array_get_idx(macs, i)),
		       i ? "" : " (the interface's)");
	printf("\n");
}

/* "pins: /sys/fs/bpf/sluice/eth0@netns-7 (network namespace lab)" */
static void print_netns(json_object *root)
{
	json_object *ns = json_object_object_get(root, "netns");
	const char *name = str_of(ns, "name");

	printf("pins: %s (", str_of(ns, "pins"));
	if (json_object_get_boolean(json_object_object_get(ns, "initial")))
		printf("initial network namespace)\n");
	else if (name)
		printf("network namespace %s)\n", name);
	else
		printf("network namespace of cookie %s)\n", str_of(ns, "cookie"));
}

void status_print_leftovers(FILE *out, json_object *leftovers)
{
	size_t i;

	for (i = 0; i < json_object_array_length(leftovers); i++)
		fprintf(out, "leftover: %s: its network namespace is gone and no program "
			"uses it (`sluice detach --prune` removes it)\n",
			json_object_get_string(json_object_array_get_idx(leftovers, i)));
}

/* "services: 100, backends: 300 (299 active, 1 draining), filter rules: 4" */
static void print_totals(json_object *root, bool narrowed)
{
	json_object *svcs = json_object_object_get(root, "services");
	size_t i, j, backends = 0, draining = 0;

	for (i = 0; i < json_object_array_length(svcs); i++) {
		json_object *bes = json_object_object_get(json_object_array_get_idx(svcs, i),
							  "backends");

		for (j = 0; j < json_object_array_length(bes); j++, backends++)
			draining += !strcmp(str_of(json_object_array_get_idx(bes, j), "state"),
					    "draining");
	}
	printf("%s%zu, backends: %zu", narrowed ? "shown: services: " : "services: ",
	       json_object_array_length(svcs), backends);
	if (draining)
		printf(" (%zu active, %zu draining)", backends - draining, draining);
	printf(", filter rules: %zu\n",
	       json_object_array_length(json_object_object_get(root, "rules")));
}

void status_print(json_object *root, const struct table_choice *choice, bool narrowed)
{
	json_object *prog = json_object_object_get(root, "program");

	printf("%s: ", str_of(root, "interface"));
	if (json_object_get_boolean(json_object_object_get(prog, "attached")))
		printf("program %s, %s mode%s\n", str_of(prog, "id"), str_of(prog, "mode"),
		       json_object_get_boolean(json_object_object_get(prog, "dispatcher")) ?
		       " (libxdp dispatcher)" : "");
	else
		printf("state pinned but program NOT attached (run `sluice detach`)\n");
	print_netns(root);
	print_macs(json_object_object_get(root, "macs"));
	print_flows(root);
	print_totals(root, narrowed);
	table_print_services(json_object_object_get(root, "services"), choice);
	if (narrowed)
		return;
	status_filter_print(root);
	status_daemon_print(json_object_object_get(root, "daemon"));
	status_print_leftovers(stdout, json_object_object_get(root, "leftovers"));
}
