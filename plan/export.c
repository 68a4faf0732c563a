// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Live maps -> config, the inverse of plan_rule_of, plan_settings and the service
 * and backend values plan.c writes. Pure: it reads a live_state, nothing else.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"
#include "plan/export.h"

static void addr_of(__u8 family, const __be32 *addr, struct conf_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET;
	memcpy(out->bytes, addr, family == SLUICE_AF_INET6 ? 16 : 4);
}

static void cidr_of(__u8 family, const __be32 *addr, __u8 len, struct conf_cidr *out)
{
	addr_of(family, addr, &out->addr);
	out->prefix_len = len;
}

/* A rule of a family that no prefix, port or ICMP protocol implies had a /0. */
static void rule_of(const struct sluice_rule *r, const char *name, struct conf_rule *out)
{
	bool implied;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->has_src = r->flags & SLUICE_RULE_F_SRC;
	out->has_dst = r->flags & SLUICE_RULE_F_DST;
	if (out->has_src)
		cidr_of(r->family, r->src, r->src_len, &out->src);
	if (out->has_dst)
		cidr_of(r->family, r->dst, r->dst_len, &out->dst);
	implied = out->has_src || out->has_dst ||
		  (r->proto == IPPROTO_ICMP && r->family == SLUICE_AF_INET) ||
		  (r->proto == IPPROTO_ICMPV6 && r->family == SLUICE_AF_INET6);
	if (r->family && !implied) {
		out->has_src = true;
		out->src.addr.family = r->family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET;
	}
	out->proto = r->proto;
	out->sport_lo = r->sport_lo;
	out->sport_hi = r->sport_hi;
	out->dport_lo = r->dport_lo;
	out->dport_hi = r->dport_hi;
	out->tcp_flags = r->tcp_flags;
	out->tcp_flags_mask = r->tcp_flags_mask;
	out->has_icmp_type = r->flags & SLUICE_RULE_F_ICMP_TYPE;
	out->icmp_type = r->icmp_type;
	out->action = (enum conf_action)r->action;
	if (r->action == SLUICE_ACT_RATE_LIMIT) {
		out->limit.packets = r->rate_packets;
		out->limit.per_seconds = r->rate_seconds;
		out->limit.burst = r->rate_burst;
		out->limit.scope = r->flags & SLUICE_RULE_F_PER_SOURCE ? CONF_LIMIT_SOURCE :
									 CONF_LIMIT_RULE;
	}
}

static int export_filter(const struct live_state *live, struct conf_filter *out)
{
	size_t i;

	out->default_action = CONF_ACTION_ALLOW;
	out->exempt = CONF_EXEMPT_DEFAULT;
	out->rules = calloc(live->n_rules + 1, sizeof(*out->rules));
	if (!out->rules)
		return -ENOMEM;
	if (!live->n_rules)
		return 0;
	out->exempt = 0;
	for (i = 0; i < live->n_rules; i++) {
		const struct sluice_rule *r = &live->rules[i];

		if (r->counter == SLUICE_DEFAULT_RULE_COUNTER)
			out->default_action = r->action == SLUICE_ACT_DENY ? CONF_ACTION_DENY :
									     CONF_ACTION_ALLOW;
		else if (r->counter == SLUICE_MGMT_RULE_COUNTER)
			out->exempt |= CONF_EXEMPT_MANAGEMENT;
		else if (r->counter < SLUICE_MAX_RULES)
			rule_of(r, live->rule_meta[r->counter].name, &out->rules[out->n_rules++]);
	}
	if (live->filter_header.flags & SLUICE_FILTER_SPARE_NDP)
		out->exempt |= CONF_EXEMPT_NDP;
	/* Under an allow default nothing is spared: the defaults say it best. */
	if (out->default_action == CONF_ACTION_ALLOW)
		out->exempt = CONF_EXEMPT_DEFAULT;
	return 0;
}

static bool peer_is(const struct sluice_health_peer *p, const struct sluice_backend *b)
{
	return p->family == b->family && !memcmp(p->addr, b->addr, sizeof(p->addr));
}

/*
 * The maps keep each checked backend's address and check port, not how it is
 * checked: a service whose every backend is a peer on one port had a check there,
 * written as a TCP check with the defaults (all that apply writes of it).
 */
static void health_of(const struct live_state *live, const struct conf_service *svc,
		      const struct sluice_backend *first, struct conf_health *out)
{
	for (size_t i = 0; i < live->n_health_peers; i++) {
		const struct sluice_health_peer *p = &live->health_peers[i];
		size_t j, k, held = 0;

		if (!peer_is(p, first) || (out->check && ntohs(p->port) >= out->port))
			continue;
		for (j = 0; j < svc->n_backends; j++)
			for (k = 0; k < live->n_health_peers; k++) {
				const struct sluice_health_peer *q = &live->health_peers[k];
				struct conf_addr a;

				addr_of(q->family, q->addr, &a);
				if (q->port == p->port && conf_addr_equal(&a, &svc->backends[j].addr)) {
					held++;
					break;
				}
			}
		if (held != svc->n_backends)
			continue;
		out->check = CONF_CHECK_TCP;
		out->port = ntohs(p->port);
		out->interval_s = CONF_HEALTH_INTERVAL_DEFAULT;
		out->timeout_s = CONF_HEALTH_TIMEOUT_DEFAULT;
		out->rise = CONF_HEALTH_RISE_DEFAULT;
		out->fall = CONF_HEALTH_FALL_DEFAULT;
	}
}

static int compare_service_id(const void *a, const void *b)
{
	const struct live_service *x = *(const struct live_service *const *)a;
	const struct live_service *y = *(const struct live_service *const *)b;

	return x->val.id < y->val.id ? -1 : x->val.id > y->val.id;
}

static int export_service(const struct live_state *live, const struct live_service *ls,
			  struct conf_service *out)
{
	const struct sluice_service *v = &ls->val;
	const struct sluice_backend *first = NULL;
	__be32 addr4[4] = { 0 };
	__u32 id;

	snprintf(out->name, sizeof(out->name), "%s", ls->meta.name);
	addr_of(ls->key.family, ls->key.addr, &out->vip);
	out->port = ntohs(ls->key.port);
	out->proto = ls->key.proto;
	out->forward = v->forward == SLUICE_FWD_IPIP ? CONF_FORWARD_IPIP : CONF_FORWARD_L2DSR;
	out->table_size = v->table_size;
	out->drain_timeout_s = v->drain_timeout_s;
	out->has_encap_src4 = v->flags & SLUICE_SERVICE_F_ENCAP4;
	out->has_encap_src6 = v->flags & SLUICE_SERVICE_F_ENCAP6;
	addr4[0] = v->encap_src4;
	if (out->has_encap_src4)
		cidr_of(SLUICE_AF_INET, addr4, v->encap_len4, &out->encap_src4);
	if (out->has_encap_src6)
		cidr_of(SLUICE_AF_INET6, v->encap_src6, v->encap_len6, &out->encap_src6);
	out->backends = calloc(SLUICE_MAX_BACKENDS, sizeof(*out->backends));
	if (!out->backends)
		return -ENOMEM;
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *b = &live->backends[id];
		struct conf_backend *cb;

		if (!(b->flags & SLUICE_BACKEND_F_LIVE) || b->service_id != v->id)
			continue;
		first = first ?: b;
		cb = &out->backends[out->n_backends++];
		addr_of(b->family, b->addr, &cb->addr);
		cb->weight = b->weight;
		cb->state = b->state == SLUICE_BACKEND_DRAINING ? CONF_BACKEND_DRAINING :
								  CONF_BACKEND_ACTIVE;
	}
	if (first)
		health_of(live, out, first, &out->health);
	return 0;
}

int plan_export(const struct live_state *live, unsigned int ncpus, struct conf *out)
{
	const struct live_service *order[SLUICE_MAX_SERVICES];
	const struct sluice_settings *s = &live->settings;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->malformed = s->malformed_policy == SLUICE_MALFORMED_DROP ? CONF_MALFORMED_DROP :
									CONF_MALFORMED_PASS;
	/* macs[0] is the interface's own, which apply reads from the kernel. */
	for (i = 1; i < s->n_macs && i <= CONF_MACS_MAX; i++)
		memcpy(out->macs[out->n_macs++].addr, s->macs[i].addr, 6);
	out->flows.size = live->flow_entries;
	out->flows.udp_idle_timeout_s = (uint32_t)(s->udp_idle_ns / 1000000000ULL);
	out->flows.new_flow_guard = s->new_flows_per_cpu * ncpus;
	if (export_filter(live, &out->filter))
		goto fail;
	for (i = 0; i < live->n_services; i++)
		order[i] = &live->services[i];
	qsort(order, live->n_services, sizeof(order[0]), compare_service_id);
	out->services = calloc(live->n_services + 1, sizeof(*out->services));
	if (!out->services)
		goto fail;
	for (i = 0; i < live->n_services; i++) {
		out->n_services = i + 1;
		if (export_service(live, order[i], &out->services[i]))
			goto fail;
	}
	return 0;
fail:
	conf_free(out);
	return -ENOMEM;
}
