// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The operator's SSH session, and whether a config would cut it. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "filter/filter_compile.h"
#include "plan/session.h"

static bool parse_addr(const char *text, __u8 *family, __u8 addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1) {
		*family = SLUICE_AF_INET;
		return true;
	}
	*family = SLUICE_AF_INET6;
	return inet_pton(AF_INET6, text, addr) == 1;
}

bool session_from_env(struct plan_session *s)
{
	const char *env = getenv("SSH_CONNECTION");
	char client[64], server[64];
	unsigned int cport, sport;
	__u8 server_family;

	memset(s, 0, sizeof(*s));
	if (!env || sscanf(env, "%63s %u %63s %u", client, &cport, server, &sport) != 4 ||
	    cport > 65535 || sport > 65535)
		return false;
	if (!parse_addr(client, &s->family, s->client) ||
	    !parse_addr(server, &server_family, s->server) || server_family != s->family)
		return false;
	s->client_port = (__u16)cport;
	s->server_port = (__u16)sport;
	return true;
}

/* The packets the session sends us: TCP with ACK set, client to server. */
static void session_packet(const struct plan_session *s, struct filter_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->family = s->family;
	pkt->proto = IPPROTO_TCP;
	pkt->has_ports = true;
	pkt->sport = s->client_port;
	pkt->dport = s->server_port;
	pkt->detail = 0x10;
	memcpy(pkt->src, s->client, 16);
	memcpy(pkt->dst, s->server, 16);
}

bool session_denied(const struct conf *cfg, const char *cfg_path,
		    const struct plan_session *s)
{
	const struct conf_filter *f = &cfg->filter;
	char client[INET6_ADDRSTRLEN];
	struct filter_packet pkt;
	struct sluice_rule rule;

	session_packet(s, &pkt);
	inet_ntop(s->family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET, s->client, client,
		  sizeof(client));
	for (size_t i = 0; i < f->n_rules; i++) {
		plan_rule_of(&f->rules[i], &rule);
		if (rule.action == SLUICE_ACT_COUNT || !filter_rule_matches(&rule, &pkt))
			continue;
		if (rule.action != SLUICE_ACT_DENY)
			return false;
		fprintf(stderr, "sluice: warning: rule %s%s%sat %s:%u:%u would deny your own "
			"session from %s port %u\n", f->rules[i].name[0] ? "'" : "",
			f->rules[i].name, f->rules[i].name[0] ? "' " : "", cfg_path,
			f->rules[i].pos.line, f->rules[i].pos.col, client, s->client_port);
		return true;
	}
	if (f->default_action != CONF_ACTION_DENY || (f->exempt & CONF_EXEMPT_MANAGEMENT))
		return false;
	fprintf(stderr, "sluice: warning: the deny default, with 'management' left out of "
		"filter.exempt, would deny your own session from %s port %u\n", client,
		s->client_port);
	return true;
}
