// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The filter part of `sluice status`: rules as configured, and what they compiled to. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/fmt.h"
#include "cli/status_filter.h"

static const char *const action_names[] = {
	[SLUICE_ACT_ALLOW] = "allow",
	[SLUICE_ACT_DENY] = "deny",
	[SLUICE_ACT_COUNT] = "count",
	[SLUICE_ACT_RATE_LIMIT] = "rate-limit",
};

static const char *const flag_names[8] = { "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr" };

static json_object *cidr_json(const __be32 net[4], __u8 len, __u8 family)
{
	char addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 5];

	snprintf(buf, sizeof(buf), "%s/%u", fmt_addr(family, net, addr), len);
	return json_object_new_string(buf);
}

static json_object *ports_json(__u16 lo, __u16 hi)
{
	char buf[16];

	if (lo == hi)
		return json_object_new_int(lo);
	snprintf(buf, sizeof(buf), "%u-%u", lo, hi);
	return json_object_new_string(buf);
}

static void flags_text(__u8 bits, char *out, size_t len)
{
	size_t used = 0;

	out[0] = 0;
	for (unsigned int i = 0; i < 8; i++)
		if (bits >> i & 1)
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "|" : "",
						 flag_names[i]);
}

/* The config's own notation: "syn" or "syn/syn|ack". */
static json_object *tcp_flags_json(__u8 value, __u8 mask)
{
	char v[64], m[64], buf[130];

	flags_text(value, v, sizeof(v));
	flags_text(mask, m, sizeof(m));
	if (value == mask)
		return json_object_new_string(v);
	snprintf(buf, sizeof(buf), "%s/%s", v, m);
	return json_object_new_string(buf);
}

static void add_limit(json_object *o, const struct sluice_rule *r)
{
	char rate[32];

	snprintf(rate, sizeof(rate), "%u/%s", r->rate_packets,
		 r->rate_seconds == 1 ? "s" : r->rate_seconds == 60 ? "min" : "h");
	json_object_object_add(o, "rate", json_object_new_string(rate));
	json_object_object_add(o, "burst", json_object_new_int64(r->rate_burst));
	json_object_object_add(o, "per", json_object_new_string(
		r->flags & SLUICE_RULE_F_PER_SOURCE ? "source" : "rule"));
}

static json_object *rule_json(const struct live_state *live, const struct sluice_rule *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(live->rule_meta[r->counter].name));
	json_object_object_add(o, "proto", json_object_new_string(fmt_proto(r->proto)));
	if (r->flags & SLUICE_RULE_F_SRC)
		json_object_object_add(o, "src", cidr_json(r->src, r->src_len, r->family));
	if (r->flags & SLUICE_RULE_F_DST)
		json_object_object_add(o, "dst", cidr_json(r->dst, r->dst_len, r->family));
	if (r->sport_lo || r->sport_hi != 65535)
		json_object_object_add(o, "sport", ports_json(r->sport_lo, r->sport_hi));
	if (r->dport_lo || r->dport_hi != 65535)
		json_object_object_add(o, "dport", ports_json(r->dport_lo, r->dport_hi));
	if (r->tcp_flags_mask)
		json_object_object_add(o, "tcp_flags", tcp_flags_json(r->tcp_flags,
								      r->tcp_flags_mask));
	if (r->flags & SLUICE_RULE_F_ICMP_TYPE)
		json_object_object_add(o, "icmp_type", json_object_new_int(r->icmp_type));
	json_object_object_add(o, "action", json_object_new_string(
		r->action <= SLUICE_ACT_RATE_LIMIT ? action_names[r->action] : "?"));
	if (r->action == SLUICE_ACT_RATE_LIMIT)
		add_limit(o, r);
	json_object_object_add(o, "counter", json_object_new_int64(r->counter));
	return o;
}

/* Kernel memory of a map, as the kernel charges it (fdinfo's memlock). */
static long long map_memlock(int fd)
{
	char path[64], line[128];
	long long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &bytes) == 1)
			break;
	fclose(f);
	return bytes;
}

/* Entries of a keyed map, counted (an empty one is created with room for one). */
static long long count_keys(int fd, __u32 key_size)
{
	char key[64], next[64];
	long long n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return -1;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

/* Entries and memory of the active slot's inner map in one outer map. */
static void inner_size(int outer, __u32 slot, json_object *o, const char *what,
		       long long *memory)
{
	struct bpf_map_info info = {0};
	__u32 id, len = sizeof(info);
	int fd;

	if (bpf_map_lookup_elem(outer, &slot, &id))
		return;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		json_object_object_add(o, what, json_object_new_int64(
			info.type == BPF_MAP_TYPE_ARRAY ? info.max_entries :
							  count_keys(fd, info.key_size)));
	*memory += map_memlock(fd);
	close(fd);
}

static json_object *compiled_json(const struct sluice_maps *maps, const struct live_state *live)
{
	json_object *o = json_object_new_object();
	long long memory = 0;

	json_object_object_add(o, "slot", json_object_new_int64(live->filter_slot));
	json_object_object_add(o, "positions", json_object_new_int64(
		live->filter_header.n_rules));
	inner_size(maps->filter_tables, live->filter_slot, o, "table_cells", &memory);
	inner_size(maps->filter_prefixes, live->filter_slot, o, "prefixes", &memory);
	inner_size(maps->filter_pairs, live->filter_slot, o, "pair_entries", &memory);
	inner_size(maps->filter_mixed, live->filter_slot, o, "address_joins", &memory);
	/* The slot's value of the fixed regions, the hot copy's room included. */
	json_object_object_add(o, "fixed_cells", json_object_new_int64(SLUICE_FIXED_CELLS));
	memory += (long long)SLUICE_FIXED_CELLS * sizeof(__u64);
	json_object_object_add(o, "maps", json_object_new_int(5));
	json_object_object_add(o, "memory_bytes", json_object_new_int64(memory));
	json_object_object_add(o, "spare_ndp", json_object_new_boolean(
		live->filter_header.flags & SLUICE_FILTER_SPARE_NDP));
	json_object_object_add(o, "hot_fixed", json_object_new_boolean(
		live->filter_header.flags & SLUICE_FILTER_HOT_FIXED));
	return o;
}

void status_filter_json(json_object *root, const struct sluice_maps *maps,
			const struct live_state *live)
{
	json_object *rules = json_object_new_array();

	for (size_t i = 0; i < live->n_rules; i++)
		json_object_array_add(rules, rule_json(live, &live->rules[i]));
	json_object_object_add(root, "rules", rules);
	if (live->filter_header.ready)
		json_object_object_add(root, "filter", compiled_json(maps, live));
}

static void print_rule(json_object *r, size_t pos)
{
	static const char *const fields[] = {
		"proto", "src", "dst", "sport", "dport", "tcp_flags", "icmp_type", "rate",
		"burst", "per",
	};
	json_object *v;

	printf("  %3zu %-16s %-10s", pos, json_object_get_string(json_object_object_get(r, "name")),
	       json_object_get_string(json_object_object_get(r, "action")));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (json_object_object_get_ex(r, fields[i], &v))
			printf(" %s %s", fields[i], json_object_get_string(v));
	printf("\n");
}

void status_filter_print(json_object *root)
{
	json_object *rules = json_object_object_get(root, "rules"), *f;

	printf("filter rules (first match wins): %zu\n", json_object_array_length(rules));
	for (size_t i = 0; i < json_object_array_length(rules); i++)
		print_rule(json_object_array_get_idx(rules, i), i + 1);
	if (!json_object_object_get_ex(root, "filter", &f))
		return;
	printf("filter compiled: %s positions, %s table cells, %s prefixes, %s pair entries, "
	       "%s address joins, %.1f MiB in 5 maps (slot %s)%s%s\n",
	       json_object_get_string(json_object_object_get(f, "positions")),
	       json_object_get_string(json_object_object_get(f, "table_cells")),
	       json_object_get_string(json_object_object_get(f, "prefixes")),
	       json_object_get_string(json_object_object_get(f, "pair_entries")),
	       json_object_get_string(json_object_object_get(f, "address_joins")),
	       json_object_get_int64(json_object_object_get(f, "memory_bytes")) / 1048576.0,
	       json_object_get_string(json_object_object_get(f, "slot")),
	       json_object_get_boolean(json_object_object_get(f, "hot_fixed")) ?
	       "; port tables and actions in the fixed value" : "",
	       json_object_get_boolean(json_object_object_get(f, "spare_ndp")) ?
	       "; the deny default spares NDP" : "");
}
