// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The filter part of `sluice status`: rules as configured, and what they compiled to. */
#include <stdio.h>
#include <string.h>

#include "cli/status_filter.h"
#include "cli/table.h"
#include "kernel/fmt.h"
#include "kernel/tables.h"

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
	return o;
}

/* A count of the compiled maps, left out when its map could not be read. */
static void add_count(json_object *o, const char *key, long long n)
{
	if (n >= 0)
		json_object_object_add(o, key, json_object_new_int64(n));
}

static json_object *compiled_json(const struct sluice_maps *maps, const struct live_state *live)
{
	json_object *o = json_object_new_object();
	struct tables_filter t;

	tables_filter_read(maps, live->filter_slot, &t);
	json_object_object_add(o, "slot", json_object_new_int64(live->filter_slot));
	json_object_object_add(o, "positions", json_object_new_int64(
		live->filter_header.n_rules));
	add_count(o, "table_cells", t.table_cells);
	add_count(o, "prefixes", t.prefixes);
	add_count(o, "pair_entries", t.pair_entries);
	add_count(o, "address_joins", t.address_joins);
	json_object_object_add(o, "fixed_cells", json_object_new_int64(SLUICE_FIXED_CELLS));
	json_object_object_add(o, "maps", json_object_new_int(5));
	json_object_object_add(o, "memory_bytes", json_object_new_int64(t.memory_bytes));
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

static const char *str_of(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

/* What a rule matches, in the config's words: "tcp dport 22 src 10.0.0.0/8". */
static const char *match_text(json_object *r, char *buf, size_t len)
{
	static const char *const fields[] = {
		"src", "dst", "sport", "dport", "tcp_flags", "icmp_type", "rate", "burst", "per",
	};
	size_t used = (size_t)snprintf(buf, len, "%s",
				       json_object_get_string(json_object_object_get(r, "proto")));
	json_object *v;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && used < len; i++)
		if (json_object_object_get_ex(r, fields[i], &v))
			used += (size_t)snprintf(buf + used, len - used, " %s %s", fields[i],
						 json_object_get_string(v));
	return buf;
}

static const struct table_column rule_columns[] = {
	{ "POS", "name", NULL, "position in match order", 3, SCOLS_FL_RIGHT, true, NULL },
	{ "NAME", "name", NULL, "the rule's name", 0.2, 0, true, NULL },
	{ "ACTION", "action", NULL, "allow, deny, count or rate-limit", 6, 0, true, NULL },
	{ "MATCH", "proto", NULL, "what it matches", 0.5, SCOLS_FL_WRAP, true, match_text },
};

void status_filter_print(json_object *root)
{
	json_object *rules = json_object_object_get(root, "rules"), *f;
	struct table_choice choice;
	struct libscols_table *tb;
	char pos[24];
	struct table_list list;

	table_choose("status", NULL, rule_columns,
		     sizeof(rule_columns) / sizeof(rule_columns[0]), &choice);
	tb = table_new(&choice, false);
	printf("\nfilter rules (first match wins): %zu\n", json_object_array_length(rules));
	for (size_t i = 0; tb && i < json_object_array_length(rules); i++) {
		struct libscols_line *ln = table_add(tb, &choice, NULL,
						     json_object_array_get_idx(rules, i), false);

		snprintf(pos, sizeof(pos), "%zu", i + 1);
		if (ln)
			scols_line_set_data(ln, 0, pos);
	}
	table_print(tb);
	if (!json_object_object_get_ex(root, "filter", &f))
		return;
	table_list_start(&list, "filter compiled: ");
	table_item(&list, "%s positions", str_of(f, "positions"));
	table_item(&list, "%s table cells", str_of(f, "table_cells"));
	table_item(&list, "%s prefixes", str_of(f, "prefixes"));
	table_item(&list, "%s pair entries", str_of(f, "pair_entries"));
	table_item(&list, "%s address joins", str_of(f, "address_joins"));
	table_item(&list, "%.1f MiB in 5 maps (slot %s)",
		   json_object_get_int64(json_object_object_get(f, "memory_bytes")) / 1048576.0,
		   str_of(f, "slot"));
	if (json_object_get_boolean(json_object_object_get(f, "hot_fixed")))
		table_item(&list, "port tables and actions in the fixed value");
	if (json_object_get_boolean(json_object_object_get(f, "spare_ndp")))
		table_item(&list, "the deny default spares NDP");
	table_list_end(&list, "");
}
