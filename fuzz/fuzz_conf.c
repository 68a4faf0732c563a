// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The config loader on any bytes: it must never crash, leak or hang, a refusal must
 * say where (NAME:LINE:COL: message), and what it accepts must hold the promises
 * that plan/ relies on without checking again (conf/config.h, conf/README.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "conf/config.h"
#include "lb/maglev.h"

#define NAME	"fuzz.yaml"

static void broken(const char *what)
{
	fprintf(stderr, "conf broke a promise: %s\n", what);
	abort();
}

static void check_cidr(const struct conf_cidr *c)
{
	unsigned int bits = c->addr.family == AF_INET6 ? 128 : 32;

	if (c->addr.family != AF_INET && c->addr.family != AF_INET6)
		broken("a prefix of no family");
	if (c->prefix_len > bits)
		broken("a prefix longer than its address");
	for (unsigned int i = c->prefix_len; i < 128; i++)
		if (c->addr.bytes[i / 8] & (0x80 >> (i % 8)))
			broken("a prefix with host bits set");
}

static void check_rules(const struct conf_filter *f)
{
	for (size_t i = 0; i < f->n_rules; i++) {
		const struct conf_rule *r = &f->rules[i];

		if (!memchr(r->name, '\0', sizeof(r->name)))
			broken("a rule name without its NUL");
		if (r->has_src)
			check_cidr(&r->src);
		if (r->has_dst)
			check_cidr(&r->dst);
		if (r->has_src && r->has_dst && r->src.addr.family != r->dst.addr.family)
			broken("a rule with two families");
		if (r->sport_lo > r->sport_hi || r->dport_lo > r->dport_hi)
			broken("a port range upside down");
		if (r->tcp_flags & ~r->tcp_flags_mask)
			broken("TCP flags outside their mask");
		if (i && r->priority < f->rules[i - 1].priority)
			broken("rules out of priority order");
	}
	if (f->default_action != CONF_ACTION_ALLOW && f->default_action != CONF_ACTION_DENY)
		broken("a default that is neither allow nor deny");
}

static void check_services(const struct conf *cfg)
{
	for (size_t i = 0; i < cfg->n_services; i++) {
		const struct conf_service *s = &cfg->services[i];

		if (!s->name[0] || !memchr(s->name, '\0', sizeof(s->name)))
			broken("a service without a name");
		if (!maglev_is_prime(s->table_size) || s->table_size < 10 * s->n_backends)
			broken("a table size Maglev cannot fill evenly");
		if (s->proto != IPPROTO_TCP && s->proto != IPPROTO_UDP)
			broken("a service neither TCP nor UDP");
		for (size_t b = 0; b < s->n_backends; b++)
			if (s->backends[b].weight < CONF_WEIGHT_MIN ||
			    s->backends[b].weight > CONF_WEIGHT_MAX)
				broken("a backend weight out of range");
		if (s->health.check && s->health.timeout_s > s->health.interval_s)
			broken("a health check timeout longer than its interval");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CONF_ERR_LEN];
	struct conf cfg;

	if (conf_load_buffer(NAME, (const char *)data, size, &cfg, err, sizeof(err))) {
		unsigned int line, col;

		if (sscanf(err, NAME ":%u:%u: ", &line, &col) != 2 || !line || !col)
			broken("a refusal that does not say where");
		if (cfg.n_services || cfg.filter.n_rules || cfg.services || cfg.filter.rules)
			broken("a refusal that left a config behind");
		return 0;
	}
	if (err[0])
		broken("an accepted config with an error message");
	check_rules(&cfg.filter);
	check_services(&cfg);
	conf_free(&cfg);
	return 0;
}
