// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A config back to YAML through libyaml's emitter, which quotes what YAML needs
 * quoted (IPv6 addresses in flow style) and leaves numbers plain, as the loader
 * wants them.
 */
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "conf/addr.h"
#include "conf/listen.h"
#include "conf/rule.h"
#include "conf/rule_l4.h"
#include "conf/write.h"

struct writer {
	yaml_emitter_t em;
	int err;
};

/* The emitter frees the event's content whether it succeeds or not. */
static void emit(struct writer *w, yaml_event_t *ev, int made)
{
	if (!made) {
		w->err = -1;
		return;
	}
	if (w->err)
		yaml_event_delete(ev);
	else if (!yaml_emitter_emit(&w->em, ev))
		w->err = -1;
}

static void scalar(struct writer *w, const char *text)
{
	yaml_event_t ev;

	emit(w, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)text,
						  (int)strlen(text), 1, 1,
						  YAML_ANY_SCALAR_STYLE));
}

static void scalarf(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void scalarf(struct writer *w, const char *fmt, ...)
{
	char text[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	scalar(w, text);
}

static void map_start(struct writer *w, bool flow)
{
	yaml_event_t ev;

	emit(w, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, flow ?
				YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct writer *w)
{
	yaml_event_t ev;

	emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void seq_start(struct writer *w, bool flow)
{
	yaml_event_t ev;

	emit(w, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, flow ?
				YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

static void seq_end(struct writer *w)
{
	yaml_event_t ev;

	emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void key_u(struct writer *w, const char *key, uint32_t v)
{
	scalar(w, key);
	scalarf(w, "%u", v);
}

static void key_s(struct writer *w, const char *key, const char *v)
{
	scalar(w, key);
	scalar(w, v);
}

static void key_addr(struct writer *w, const char *key, const struct conf_addr *a)
{
	char text[CONF_ADDR_STR_LEN];

	key_s(w, key, conf_addr_str(a, text));
}

static void cidr(struct writer *w, const struct conf_cidr *c)
{
	char text[CONF_ADDR_STR_LEN];

	scalarf(w, "%s/%u", conf_addr_str(&c->addr, text), c->prefix_len);
}

static void write_settings(struct writer *w, const struct conf *cfg)
{
	char mac[18];

	scalar(w, "settings");
	map_start(w, false);
	key_s(w, "malformed", cfg->malformed == CONF_MALFORMED_DROP ? "drop" : "pass");
	if (cfg->n_macs) {
		scalar(w, "macs");
		seq_start(w, true);
		for (size_t i = 0; i < cfg->n_macs; i++) {
			const uint8_t *a = cfg->macs[i].addr;

			snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
				 a[0], a[1], a[2], a[3], a[4], a[5]);
			scalar(w, mac);
		}
		seq_end(w);
	}
	map_end(w);
}

static void write_flows(struct writer *w, const struct conf_flows *f)
{
	scalar(w, "flows");
	map_start(w, false);
	key_u(w, "size", f->size);
	scalar(w, "udp_idle_timeout");
	scalarf(w, "%us", f->udp_idle_timeout_s);
	key_u(w, "new_flow_guard", f->new_flow_guard);
	map_end(w);
}

static void write_metrics(struct writer *w, const struct conf_metrics *m)
{
	char text[CONF_LISTEN_STR_LEN];

	if (!m->listen_set)
		return;
	scalar(w, "metrics");
	map_start(w, false);
	key_s(w, "listen", conf_listen_str(&m->listen, text));
	map_end(w);
}

static void ports(struct writer *w, const char *key, uint16_t lo, uint16_t hi)
{
	if (lo == 0 && hi == 65535)
		return;
	scalar(w, key);
	if (lo == hi)
		scalarf(w, "%u", lo);
	else
		scalarf(w, "%u-%u", lo, hi);
}

/* "syn|ack" */
static void flag_names(uint8_t flags, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned int bit = 0; bit < 8; bit++)
		if (flags & (1U << bit))
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "|" : "",
					       conf_tcp_flag_name(bit));
}

static void tcp_flags(struct writer *w, uint8_t value, uint8_t mask)
{
	char v[48], m[48];

	if (!mask)
		return;
	flag_names(value, v, sizeof(v));
	flag_names(mask, m, sizeof(m));
	scalar(w, "tcp_flags");
	if (value == mask)
		scalar(w, m);
	else
		scalarf(w, "%s/%s", v, m);
}

static const char *const action_words[] = {
	[CONF_ACTION_ALLOW] = "allow",
	[CONF_ACTION_DENY] = "deny",
	[CONF_ACTION_COUNT] = "count",
	[CONF_ACTION_RATE_LIMIT] = "rate-limit",
};

static void rate_limit(struct writer *w, const struct conf_rate_limit *l)
{
	scalar(w, "rate");
	scalarf(w, "%u/%s", l->packets, l->per_seconds == 1 ? "s" :
		l->per_seconds == 60 ? "min" : "h");
	key_u(w, "burst", l->burst);
	key_s(w, "per", l->scope == CONF_LIMIT_SOURCE ? "source" : "rule");
}

static void write_rule(struct writer *w, const struct conf_rule *r)
{
	map_start(w, true);
	if (r->name[0])
		key_s(w, "name", r->name);
	if (r->proto)
		key_s(w, "proto", conf_rule_proto_word(r->proto));
	if (r->has_src) {
		scalar(w, "src");
		cidr(w, &r->src);
	}
	if (r->has_dst) {
		scalar(w, "dst");
		cidr(w, &r->dst);
	}
	ports(w, "sport", r->sport_lo, r->sport_hi);
	ports(w, "dport", r->dport_lo, r->dport_hi);
	tcp_flags(w, r->tcp_flags, r->tcp_flags_mask);
	if (r->has_icmp_type)
		key_u(w, "icmp_type", r->icmp_type);
	key_s(w, "action", action_words[r->action]);
	if (r->action == CONF_ACTION_RATE_LIMIT)
		rate_limit(w, &r->limit);
	map_end(w);
}

static void write_filter(struct writer *w, const struct conf_filter *f)
{
	scalar(w, "filter");
	map_start(w, false);
	key_s(w, "default", f->default_action == CONF_ACTION_DENY ? "deny" : "allow");
	scalar(w, "exempt");
	seq_start(w, true);
	if (f->exempt & CONF_EXEMPT_NDP)
		scalar(w, "ndp");
	if (f->exempt & CONF_EXEMPT_MANAGEMENT)
		scalar(w, "management");
	seq_end(w);
	if (f->n_rules) {
		scalar(w, "rules");
		seq_start(w, false);
		for (size_t i = 0; i < f->n_rules; i++)
			write_rule(w, &f->rules[i]);
		seq_end(w);
	}
	map_end(w);
}

static void write_health(struct writer *w, const struct conf_health *h)
{
	if (h->check == CONF_CHECK_NONE)
		return;
	scalar(w, "health");
	map_start(w, false);
	key_s(w, "check", h->check == CONF_CHECK_HTTP ? "http" : "tcp");
	key_u(w, "port", h->port);
	if (h->check == CONF_CHECK_HTTP) {
		key_s(w, "path", h->path);
		key_u(w, "expect", h->expect);
	}
	scalar(w, "interval");
	scalarf(w, "%us", h->interval_s);
	scalar(w, "timeout");
	scalarf(w, "%us", h->timeout_s);
	key_u(w, "rise", h->rise);
	key_u(w, "fall", h->fall);
	key_s(w, "established", h->keep_established ? "keep" : "move");
	map_end(w);
}

static void write_service(struct writer *w, const struct conf_service *s)
{
	map_start(w, false);
	key_s(w, "name", s->name);
	key_addr(w, "vip", &s->vip);
	key_u(w, "port", s->port);
	key_s(w, "proto", s->proto == IPPROTO_UDP ? "udp" : "tcp");
	key_s(w, "forward", s->forward == CONF_FORWARD_IPIP ? "ipip" : "l2dsr");
	if (s->forward == CONF_FORWARD_IPIP) {
		scalar(w, "encap_source");
		seq_start(w, true);
		if (s->has_encap_src4)
			cidr(w, &s->encap_src4);
		if (s->has_encap_src6)
			cidr(w, &s->encap_src6);
		seq_end(w);
	}
	key_u(w, "table_size", s->table_size);
	scalar(w, "drain_timeout");
	scalarf(w, "%us", s->drain_timeout_s);
	write_health(w, &s->health);
	scalar(w, "backends");
	seq_start(w, false);
	for (size_t i = 0; i < s->n_backends; i++) {
		const struct conf_backend *b = &s->backends[i];

		map_start(w, true);
		key_addr(w, "addr", &b->addr);
		key_u(w, "weight", b->weight);
		key_s(w, "state", b->state == CONF_BACKEND_DRAINING ? "draining" : "active");
		map_end(w);
	}
	seq_end(w);
	map_end(w);
}

int conf_write(FILE *out, const struct conf *cfg)
{
	struct writer w = { .err = 0 };
	yaml_event_t ev;

	if (!yaml_emitter_initialize(&w.em))
		return -1;
	yaml_emitter_set_output_file(&w.em, out);
	yaml_emitter_set_unicode(&w.em, 1);
	yaml_emitter_set_width(&w.em, 100);
	emit(&w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(&w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	map_start(&w, false);
	write_settings(&w, cfg);
	write_flows(&w, &cfg->flows);
	write_metrics(&w, &cfg->metrics);
	write_filter(&w, &cfg->filter);
	if (cfg->n_services) {
		scalar(&w, "services");
		seq_start(&w, false);
		for (size_t i = 0; i < cfg->n_services; i++)
			write_service(&w, &cfg->services[i]);
		seq_end(&w);
	}
	map_end(&w);
	emit(&w, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(&w, &ev, yaml_stream_end_event_initialize(&ev));
	if (!w.err && !yaml_emitter_flush(&w.em))
		w.err = -1;
	yaml_emitter_delete(&w.em);
	return w.err || ferror(out) ? -1 : 0;
}
