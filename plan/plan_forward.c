// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * How a service's packets leave: the forwarding fields of its value (mode, the ipip
 * outer source prefixes, the drain timeout) and the tx_ports devmap that ipip
 * redirects through when a backend's route leaves by another interface.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "kernel/fmt.h"
#include "plan/plan.h"
#include "plan/plan_ops.h"

/* Host bits of an IPv4 prefix: the part the flow hash may set. */
static __be32 host4_of(__u8 len)
{
	return htonl(len >= 32 ? 0 : 0xffffffffU >> len);
}

/* Host bits of an IPv6 prefix within its last 32 bits, the only ones that vary. */
static __be32 host6_of(__u8 len)
{
	if (len <= 96)
		return htonl(0xffffffffU);
	return htonl(len >= 128 ? 0 : 0xffffffffU >> (len - 96));
}

void plan_forward_of(const struct conf_service *svc, struct sluice_service *val)
{
	val->forward = svc->forward == CONF_FORWARD_IPIP ? SLUICE_FWD_IPIP : SLUICE_FWD_L2DSR;
	val->drain_timeout_s = svc->drain_timeout_s;
	if (svc->has_encap_src4) {
		val->flags |= SLUICE_SERVICE_F_ENCAP4;
		memcpy(&val->encap_src4, svc->encap_src4.addr.bytes, sizeof(val->encap_src4));
		val->encap_len4 = svc->encap_src4.prefix_len;
		val->encap_host4 = host4_of(val->encap_len4);
	}
	if (svc->has_encap_src6) {
		val->flags |= SLUICE_SERVICE_F_ENCAP6;
		memcpy(val->encap_src6, svc->encap_src6.addr.bytes, sizeof(val->encap_src6));
		val->encap_len6 = svc->encap_src6.prefix_len;
		val->encap_host6 = host6_of(val->encap_len6);
	}
}

static const char *forward_name(__u8 forward)
{
	return forward == SLUICE_FWD_IPIP ? "ipip" : "l2dsr";
}

/* "10.99.0.0/24", or "none" when the service has no source of that family. */
static const char *encap_words(const struct sluice_service *v, bool v6, char *buf,
			       size_t len)
{
	__be32 addr4[4] = { v->encap_src4 };

	if (!(v->flags & (v6 ? SLUICE_SERVICE_F_ENCAP6 : SLUICE_SERVICE_F_ENCAP4)))
		return "none";
	if (v6)
		return fmt_prefix(SLUICE_AF_INET6, v->encap_src6, v->encap_len6, buf, len);
	return fmt_prefix(SLUICE_AF_INET, addr4, v->encap_len4, buf, len);
}

const char *plan_drain_words(__u32 timeout_s, char *buf, size_t len)
{
	if (!timeout_s)
		return "flows stay until they end";
	snprintf(buf, len, "flows move after %u s", timeout_s);
	return buf;
}

static const char *timeout_words(__u32 timeout_s, char *buf, size_t len)
{
	if (!timeout_s)
		return "none";
	snprintf(buf, len, "%u s", timeout_s);
	return buf;
}

void plan_note_forward(struct plan *plan, const char *name, const struct sluice_service *old,
		       const struct sluice_service *new)
{
	char a[64], b[64];

	if (old->forward != new->forward)
		plan_note(plan, "service %s: forward %s -> %s", name, forward_name(old->forward),
			  forward_name(new->forward));
	for (int v6 = 0; v6 < 2; v6++) {
		const char *was = encap_words(old, v6, a, sizeof(a));
		const char *is = encap_words(new, v6, b, sizeof(b));

		if (strcmp(was, is))
			plan_note(plan, "service %s: IPv%d encap source %s -> %s", name,
				  v6 ? 6 : 4, was, is);
	}
	if (old->drain_timeout_s != new->drain_timeout_s)
		plan_note(plan, "service %s: drain timeout %s -> %s (drains already running "
			  "keep their deadline)", name,
			  timeout_words(old->drain_timeout_s, a, sizeof(a)),
			  timeout_words(new->drain_timeout_s, b, sizeof(b)));
}

static bool holds(const __u32 *set, size_t n, __u32 v)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

static const char *ifname_of(__u32 ifindex, char buf[IF_NAMESIZE + 16])
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name))
		snprintf(buf, IF_NAMESIZE + 16, "%s", name);
	else
		snprintf(buf, IF_NAMESIZE + 16, "ifindex %u", ifindex);
	return buf;
}

/* The distinct egress interfaces of cfg's ipip backends, into want. */
static int wanted_ports(const struct conf *cfg, const struct backend_path *paths,
			__u32 want[SLUICE_TX_PORTS], size_t *n)
{
	size_t i, j, base = 0;

	*n = 0;
	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];

		for (j = 0; svc->forward == CONF_FORWARD_IPIP && j < svc->n_backends; j++) {
			__u32 ifindex = (__u32)paths[base + j].ifindex;

			if (holds(want, *n, ifindex))
				continue;
			if (*n == SLUICE_TX_PORTS) {
				fprintf(stderr, "sluice: ipip backends leave by more than "
					"%d interfaces (the size of tx_ports)\n",
					SLUICE_TX_PORTS);
				return -ENOSPC;
			}
			want[(*n)++] = ifindex;
		}
		base += svc->n_backends;
	}
	return 0;
}

int plan_tx_ports_add(struct plan *plan, const struct sluice_maps *maps,
		      const struct live_state *live, const struct conf *cfg,
		      const struct backend_path *paths)
{
	char name[IF_NAMESIZE + 16];
	__u32 want[SLUICE_TX_PORTS];
	size_t n, i;
	int err = wanted_ports(cfg, paths, want, &n);

	for (i = 0; i < n && !err; i++) {
		if (holds(live->tx_ports, live->n_tx_ports, want[i]))
			continue;
		plan_note(plan, "tx_ports: %s added (ipip egress)", ifname_of(want[i], name));
		err = plan_add_op(plan, OP_UPDATE, maps->tx_ports, &want[i], sizeof(want[i]),
				  &want[i], sizeof(want[i]));
	}
	return err;
}

int plan_tx_ports_remove(struct plan *plan, const struct sluice_maps *maps,
			 const struct live_state *live, const struct conf *cfg,
			 const struct backend_path *paths)
{
	char name[IF_NAMESIZE + 16];
	__u32 want[SLUICE_TX_PORTS];
	size_t n, i;
	int err = wanted_ports(cfg, paths, want, &n);

	for (i = 0; i < live->n_tx_ports && !err; i++) {
		if (holds(want, n, live->tx_ports[i]))
			continue;
		plan_note(plan, "tx_ports: %s removed (no ipip backend leaves by it)",
			  ifname_of(live->tx_ports[i], name));
		err = plan_add_op(plan, OP_DELETE, maps->tx_ports, &live->tx_ports[i],
				  sizeof(live->tx_ports[i]), NULL, 0);
	}
	return err;
}
