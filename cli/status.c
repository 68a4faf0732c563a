// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice status`: what is attached, services, backends and rules. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <json-c/json.h>

#include "cli/cmd.h"
#include "cli/status_daemon.h"
#include "cli/switches.h"
#include "kernel/fmt.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/netns.h"
#include "kernel/pin.h"
#include "cli/status_filter.h"
#include "kernel/xdp_link.h"
#include "lb/maglev.h"

static void status_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice status [IFACE] [--json]\n\n"
		"What runs on IFACE (default: the only interface sluice is attached to):\n"
		"the program, the flow table, every service with its backends and their\n"
		"share of the Maglev table, and the filter rules in the order they are\n"
		"matched.\n\n"
		"  -j, --json  machine-readable output (documented in README.md)\n"
		"  -h, --help  this text\n");
}

/*
 * Slots held by each backend id in a service's live table, and the table's digest:
 * each slot named by its backend's key as the planner builds it (family, then the
 * 16 address bytes), since backend ids are each node's own.
 */
static int table_shares(int outer_fd, const struct live_state *live, __u32 slot, __u32 size,
			__u32 *slots_of, char digest[MAGLEV_DIGEST_HEX_LEN])
{
	struct maglev_digest d;
	__u32 inner_id, i, value;
	__u8 key[17];
	int fd;

	digest[0] = '\0';
	if (bpf_map_lookup_elem(outer_fd, &slot, &inner_id))
		return -errno;
	fd = bpf_map_get_fd_by_id(inner_id);
	if (fd < 0)
		return -errno;
	maglev_digest_init(&d, size);
	for (i = 0; i < size; i++) {
		if (bpf_map_lookup_elem(fd, &i, &value) || value >= SLUICE_MAX_BACKENDS ||
		    !(live->backends[value].flags & SLUICE_BACKEND_F_LIVE)) {
			maglev_digest_slot(&d, NULL, 0);
			continue;
		}
		slots_of[value]++;
		key[0] = live->backends[value].family;
		memcpy(&key[1], live->backends[value].addr, 16);
		maglev_digest_slot(&d, key, sizeof(key));
	}
	close(fd);
	maglev_digest_hex(&d, digest);
	return 0;
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
	__u32 *slots_of = calloc(SLUICE_MAX_BACKENDS, sizeof(*slots_of));
	__u64 now_ns = monotonic_ns();
	char digest[MAGLEV_DIGEST_HEX_LEN];
	size_t i;
	__u32 id;

	for (i = 0; i < live->n_services && slots_of; i++) {
		const struct live_service *s = &live->services[i];
		json_object *o = json_object_new_object(), *bes = json_object_new_array();
		char vip[64];

		memset(slots_of, 0, SLUICE_MAX_BACKENDS * sizeof(*slots_of));
		table_shares(maps->maglev_tables, live, s->val.table_slot, s->val.table_size,
			     slots_of, digest);
		json_object_object_add(o, "name", json_object_new_string(s->meta.name));
		json_object_object_add(o, "vip", json_object_new_string(
			fmt_vip(&s->key, vip, sizeof(vip))));
		json_object_object_add(o, "id", json_object_new_int64(s->val.id));
		forward_json(o, &s->val);
		json_object_object_add(o, "table_size", json_object_new_int64(s->val.table_size));
		json_object_object_add(o, "table_slot", json_object_new_int64(s->val.table_slot));
		json_object_object_add(o, "table_digest", digest[0] ?
				       json_object_new_string(digest) : NULL);
		for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
			const struct sluice_backend *be = &live->backends[id];

			if ((be->flags & SLUICE_BACKEND_F_LIVE) && be->service_id == s->val.id)
				json_object_array_add(bes, backend_json(be, id, slots_of[id],
									&s->val, now_ns));
		}
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
	json_object *root = json_object_new_object();
	int ifindex = (int)if_nametoindex(ifname);
	struct attached at = {0};

	if (ifindex)
		xdp_link_find(ifindex, &at);
	json_object_object_add(root, "interface", json_object_new_string(ifname));
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

static const char *str_of(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

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
		printf(", new-flow guard %lld/s (%s per CPU)\n", (long long)guard,
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

/* "ipip from 10.99.0.0/24 2001:db8:99::/120 table 65537, drain timeout 300 s" */
static void print_service(json_object *s)
{
	json_object *src4 = NULL, *src6;
	int64_t drain = json_object_get_int64(json_object_object_get(s, "drain_timeout"));

	printf("  %s %s %s", str_of(s, "name"), str_of(s, "vip"), str_of(s, "forward"));
	if (json_object_object_get_ex(s, "encap_source4", &src4))
		printf(" from %s", json_object_get_string(src4));
	if (json_object_object_get_ex(s, "encap_source6", &src6))
		printf("%s%s", src4 ? " " : " from ", json_object_get_string(src6));
	printf(" table %s", str_of(s, "table_size"));
	if (json_object_object_get(s, "table_digest"))
		printf(" digest %s", str_of(s, "table_digest"));
	if (drain)
		printf(", drain timeout %lld s", (long long)drain);
	printf("\n");
}

/* "draining (flows move in 42 s)", "draining (flows stay)" or "active". */
static void print_state(json_object *b)
{
	json_object *left;

	if (!json_object_object_get_ex(b, "drain_seconds_left", &left)) {
		printf("%s", str_of(b, "state"));
		return;
	}
	if (left)
		printf("draining (flows move in %lld s)", (long long)json_object_get_int64(left));
	else
		printf("draining (flows stay)");
}

/* "pins: /sys/fs/bpf/sluice/eth0@netns-7 (network namespace lab, cookie 7)" */
static void print_netns(json_object *root)
{
	json_object *ns = json_object_object_get(root, "netns");
	const char *name = str_of(ns, "name");

	printf("pins: %s (", str_of(ns, "pins"));
	if (json_object_get_boolean(json_object_object_get(ns, "initial")))
		printf("initial network namespace)\n");
	else
		printf("network namespace %s%scookie %s)\n", name ? name : "",
		       name ? ", " : "", str_of(ns, "cookie"));
}

static void print_leftovers(FILE *out, json_object *leftovers)
{
	size_t i;

	for (i = 0; i < json_object_array_length(leftovers); i++)
		fprintf(out, "leftover: %s: its network namespace is gone and no program "
			"uses it (`sluice detach --prune` removes it)\n",
			json_object_get_string(json_object_array_get_idx(leftovers, i)));
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
	print_netns(root);
	print_macs(json_object_object_get(root, "macs"));
	print_flows(root);
	svcs = json_object_object_get(root, "services");
	printf("services: %zu\n", json_object_array_length(svcs));
	for (i = 0; i < json_object_array_length(svcs); i++) {
		json_object *s = json_object_array_get_idx(svcs, i);
		json_object *bes = json_object_object_get(s, "backends");

		print_service(s);
		for (j = 0; j < json_object_array_length(bes); j++) {
			json_object *b = json_object_array_get_idx(bes, j);

			v = json_object_object_get(b, "share");
			printf("    %-39s %-17s weight %-7s %5.1f%% of slots ", str_of(b, "addr"),
			       json_object_get_type(json_object_object_get(b, "mac")) ==
			       json_type_null ? "-" : str_of(b, "mac"),
			       str_of(b, "weight"), 100.0 * json_object_get_double(v));
			print_state(b);
			printf("\n");
		}
	}
	status_filter_print(root);
	status_daemon_print(json_object_object_get(root, "daemon"));
	print_leftovers(stdout, json_object_object_get(root, "leftovers"));
}

int cmd_status(int argc, char **argv)
{
	bool json = false;
	const struct cmd_switch sw[] = { { "json", 'j', &json, NULL } };
	const char *given;
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	json_object *root;
	int ret;

	ret = switches_parse(argc, argv, "status", sw, 1, status_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	ret = iface_open_live(given, ifname, &maps, &live);
	if (ret) {
		/* Nothing here, but perhaps what a vanished namespace left behind. */
		root = leftovers_json();
		print_leftovers(stderr, root);
		json_object_put(root);
		return ret;
	}
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
