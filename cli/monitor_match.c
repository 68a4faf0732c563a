// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice monitor --match EXPR`: parsed once, then asked of every sample. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "cli/monitor_match.h"
#include "cli/prefix.h"
#include "conf/closest.h"
#include "kernel/counters.h"

#define N_OF(a)		(sizeof(a) / sizeof((a)[0]))

static const char *const field_words[] = {
	[MATCH_SRC] = "src", [MATCH_DST] = "dst", [MATCH_HOST] = "host",
	[MATCH_SPORT] = "sport", [MATCH_DPORT] = "dport", [MATCH_PORT] = "port",
	[MATCH_PROTO] = "proto", [MATCH_SERVICE] = "service", [MATCH_RULE] = "rule",
	[MATCH_BACKEND] = "backend", [MATCH_VERDICT] = "verdict", [MATCH_REASON] = "reason",
};

static const char *const verdict_words[] = {
	[XDP_ABORTED] = "aborted", [XDP_DROP] = "drop", [XDP_PASS] = "pass",
	[XDP_TX] = "tx", [XDP_REDIRECT] = "redirect",
};

static const char *const proto_words[] = { "tcp", "udp", "icmp", "icmpv6" };
static const uint8_t proto_numbers[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP,
					 IPPROTO_ICMPV6 };

const char *monitor_verdict_name(uint32_t verdict)
{
	return verdict < N_OF(verdict_words) ? verdict_words[verdict] : NULL;
}

/* The index of word among n choices, or -1 after writing why (with the closest) into err. */
static int choose(const char *what, const char *word, const char *const *choices, size_t n,
		  char *err, size_t err_len)
{
	const char *hint;
	size_t i, off;

	for (i = 0; i < n; i++)
		if (choices[i] && !strcmp(word, choices[i]))
			return (int)i;
	hint = conf_closest(word, choices, n);
	if (hint) {
		snprintf(err, err_len, "'%s' is not %s; did you mean '%s'?", word, what, hint);
		return -1;
	}
	off = (size_t)snprintf(err, err_len, "'%s' is not %s (one of:", word, what);
	for (i = 0; i < n && off < err_len; i++)
		if (choices[i])
			off += (size_t)snprintf(err + off, err_len - off, " %s", choices[i]);
	if (off < err_len)
		snprintf(err + off, err_len - off, ")");
	return -1;
}

static int parse_port(const char *text, uint16_t *out)
{
	unsigned long v;
	char *end;

	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || *end || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* PORT or LO-HI. */
static int parse_ports(const char *text, struct match_term *t, char *err, size_t err_len)
{
	char lo[8] = "", *dash = strchr(text, '-');
	size_t n = dash ? (size_t)(dash - text) : strlen(text);

	if (n >= sizeof(lo) || (snprintf(lo, sizeof(lo), "%.*s", (int)n, text),
				 parse_port(lo, &t->lo)) ||
	    (dash ? parse_port(dash + 1, &t->hi) : (t->hi = t->lo, 0)) || t->lo > t->hi) {
		snprintf(err, err_len, "%s '%s' is not a port 0..65535 or a range LO-HI",
			 field_words[t->field], text);
		return -1;
	}
	return 0;
}

static int parse_proto(const char *text, struct match_term *t, char *err, size_t err_len)
{
	uint16_t number;
	int i;

	if (*text >= '0' && *text <= '9') {
		if (parse_port(text, &number) || number > 255) {
			snprintf(err, err_len, "proto '%s' is not a protocol number 0..255", text);
			return -1;
		}
		t->value = number;
		return 0;
	}
	i = choose("a protocol", text, proto_words, N_OF(proto_words), err, err_len);
	if (i < 0)
		return -1;
	t->value = proto_numbers[i];
	return 0;
}

static int parse_value(const char *value, struct match_term *t, char *err, size_t err_len)
{
	char why[160];
	int i;

	switch (t->field) {
	case MATCH_SRC:
	case MATCH_DST:
	case MATCH_HOST:
	case MATCH_BACKEND:
		if (prefix_parse(value, &t->cidr, why, sizeof(why))) {
			snprintf(err, err_len, "%s %s", field_words[t->field], why);
			return -1;
		}
		if (t->field == MATCH_BACKEND &&
		    t->cidr.prefix_len != (t->cidr.addr.family == AF_INET ? 32 : 128)) {
			snprintf(err, err_len, "backend '%s' must be one address, not a prefix",
				 value);
			return -1;
		}
		return 0;
	case MATCH_SPORT:
	case MATCH_DPORT:
	case MATCH_PORT:
		return parse_ports(value, t, err, err_len);
	case MATCH_PROTO:
		return parse_proto(value, t, err, err_len);
	case MATCH_SERVICE:
	case MATCH_RULE:
		if (strlen(value) >= sizeof(t->name)) {
			snprintf(err, err_len, "%s name '%s' is longer than %zu characters",
				 field_words[t->field], value, sizeof(t->name) - 1);
			return -1;
		}
		strcpy(t->name, value);
		return 0;
	case MATCH_VERDICT:
		i = choose("a verdict", value, verdict_words, N_OF(verdict_words), err, err_len);
		t->value = (uint32_t)i;
		return i < 0 ? -1 : 0;
	case MATCH_REASON:
		i = choose("a reason", value, counters_stat_names, SLUICE_STAT_MAX, err, err_len);
		t->value = (uint32_t)i;
		return i < 0 ? -1 : 0;
	}
	return -1;
}

int monitor_match_parse(const char *text, struct monitor_match *out, char *err,
			size_t err_len)
{
	char *copy = strdup(text), *save = NULL, *word;
	bool or_next = false, want_join = false;
	struct match_term *t;
	int i;

	memset(out, 0, sizeof(*out));
	if (!copy) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	for (word = strtok_r(copy, " \t\n", &save); word; word = strtok_r(NULL, " \t\n", &save)) {
		if (want_join) {
			if (strcmp(word, "and") && strcmp(word, "or")) {
				snprintf(err, err_len, "expected 'and' or 'or' before '%s'", word);
				goto bad;
			}
			or_next = !strcmp(word, "or");
			want_join = false;
			continue;
		}
		if (out->n == MATCH_TERMS_MAX) {
			snprintf(err, err_len, "more than %d terms", MATCH_TERMS_MAX);
			goto bad;
		}
		t = &out->terms[out->n];
		t->or_before = or_next;
		if (!strcmp(word, "not")) {
			t->negate = true;
			word = strtok_r(NULL, " \t\n", &save);
			if (!word) {
				snprintf(err, err_len, "'not' needs a term after it");
				goto bad;
			}
		}
		i = choose("a field", word, field_words, N_OF(field_words), err, err_len);
		if (i < 0)
			goto bad;
		t->field = (enum match_field)i;
		word = strtok_r(NULL, " \t\n", &save);
		if (!word) {
			snprintf(err, err_len, "'%s' needs a value", field_words[i]);
			goto bad;
		}
		if (parse_value(word, t, err, err_len))
			goto bad;
		out->n++;
		want_join = true;
	}
	if (!out->n || !want_join) {
		snprintf(err, err_len, out->n ? "the expression ends with 'and' or 'or'" :
			 "the expression is empty");
		goto bad;
	}
	free(copy);
	return 0;
bad:
	free(copy);
	out->n = 0;
	return -EINVAL;
}

static bool in_prefix(const struct conf_cidr *c, __u8 family, const __be32 addr[4])
{
	const uint8_t *a = (const uint8_t *)addr;
	unsigned int full = c->prefix_len / 8, rest = c->prefix_len % 8;

	if ((family == SLUICE_AF_INET ? AF_INET : AF_INET6) != c->addr.family || !family)
		return false;
	if (memcmp(a, c->addr.bytes, full))
		return false;
	return !rest || ((a[full] ^ c->addr.bytes[full]) & (0xff00 >> rest)) == 0;
}

static bool port_in(const struct match_term *t, __be16 port)
{
	uint16_t p = ntohs(port);

	return p >= t->lo && p <= t->hi;
}

static bool term_holds(const struct match_term *t, const struct match_sample *s)
{
	const struct sluice_flow_key *k = &s->ev->tuple;
	bool ports = k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP;

	switch (t->field) {
	case MATCH_SRC:
		return in_prefix(&t->cidr, k->family, k->src);
	case MATCH_DST:
		return in_prefix(&t->cidr, k->family, k->dst);
	case MATCH_HOST:
		return in_prefix(&t->cidr, k->family, k->src) ||
		       in_prefix(&t->cidr, k->family, k->dst);
	case MATCH_SPORT:
		return ports && port_in(t, k->sport);
	case MATCH_DPORT:
		return ports && port_in(t, k->dport);
	case MATCH_PORT:
		return ports && (port_in(t, k->sport) || port_in(t, k->dport));
	case MATCH_PROTO:
		return k->family && k->proto == t->value;
	case MATCH_SERVICE:
		return s->service && !strcmp(s->service, t->name);
	case MATCH_RULE:
		return s->rule && !strcmp(s->rule, t->name);
	case MATCH_BACKEND:
		return s->backend && in_prefix(&t->cidr, s->backend->family, s->backend->addr);
	case MATCH_VERDICT:
		return s->ev->verdict == t->value;
	case MATCH_REASON:
		return s->ev->reason == t->value;
	}
	return false;
}

bool monitor_match_eval(const struct monitor_match *m, const struct match_sample *s)
{
	bool alt = true;
	size_t i;

	if (!m->n)
		return true;
	for (i = 0; i < m->n; i++) {
		if (m->terms[i].or_before) {
			if (alt)
				return true;
			alt = true;
		}
		if (alt && term_holds(&m->terms[i], s) == m->terms[i].negate)
			alt = false;
	}
	return alt;
}
