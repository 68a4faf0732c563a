// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Which VIPs should attract traffic (announce_decide.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"
#include "daemon/announce_decide.h"

bool announce_same_identity(const struct conf_announce *a, const struct conf_announce *b)
{
	return a->set == b->set && (!a->set || (a->table == b->table &&
						 a->protocol == b->protocol));
}

static bool is_host_route(const struct conf_cidr *c)
{
	return c->prefix_len == (c->addr.family == AF_INET6 ? 128 : 32);
}

/*
 * Whether any service of the VIP whose services begin at index first has a backend
 * that takes new flows (up, active, resolved); if none has, why not.
 */
static bool serves(const struct conf *cfg, size_t first, const struct health *h,
		   const struct neigh_wait *waiting, char *why, size_t len)
{
	const struct conf_addr *vip = &cfg->services[first].vip;
	size_t i, j, k = 0, off = 0;
	bool any = false;

	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];
		size_t down = 0, draining = 0, unresolved = 0;

		if (!conf_addr_equal(&svc->vip, vip) || i < first) {
			k += svc->n_backends;
			continue;
		}
		for (j = 0; j < svc->n_backends; j++, k++) {
			if (waiting[k].waiting)
				unresolved++;
			else if (h->backends[k].down)
				down++;
			else if (svc->backends[j].state == CONF_BACKEND_DRAINING)
				draining++;
			else
				any = true;
		}
		if (off < len)
			off += (size_t)snprintf(why + off, len - off, "%s%s: %zu down, %zu "
						"draining, %zu unresolved", off ? "; " :
						"no backend takes new flows: ", svc->name, down,
						draining, unresolved);
	}
	return any;
}

/* The VIP's entry in vips[0..n), added if new; NULL when out of memory. */
static struct announce_vip *vip_entry(struct announce_vip **vips, size_t *n,
				      const struct conf_addr *vip, bool *added)
{
	struct announce_vip *more;
	size_t i;

	*added = false;
	for (i = 0; i < *n; i++)
		if (conf_addr_equal(&(*vips)[i].vip, vip))
			return &(*vips)[i];
	more = realloc(*vips, (*n + 1) * sizeof(*more));
	if (!more)
		return NULL;
	*vips = more;
	memset(&more[*n], 0, sizeof(more[*n]));
	more[*n].vip = *vip;
	*added = true;
	return &more[(*n)++];
}

struct announce_vip *announce_decide(const struct conf *cfg, const struct health *h,
				     const struct neigh_wait *waiting, bool stopping, size_t *n)
{
	struct announce_vip *vips = NULL, *v;
	size_t i;
	bool added;

	*n = 0;
	for (i = 0; i < cfg->n_services; i++) {
		v = vip_entry(&vips, n, &cfg->services[i].vip, &added);
		if (!v) {
			free(vips);
			*n = cfg->n_services;
			return NULL;
		}
		if (!added)
			continue;
		if (stopping)
			snprintf(v->why, sizeof(v->why), "%s", ANNOUNCE_WHY_STOPPING);
		else if (serves(cfg, i, h, waiting, v->why, sizeof(v->why)))
			v->why[0] = '\0';
	}
	return vips;
}

bool announce_route_wanted(const struct conf_cidr *route, const struct announce_vip *vips,
			   size_t n)
{
	size_t i;

	if (!is_host_route(route))
		return false;
	for (i = 0; i < n; i++)
		if (conf_addr_equal(&vips[i].vip, &route->addr))
			return !vips[i].why[0];
	return false;
}

bool announce_route_in_config(const struct conf_cidr *route, const struct conf *cfg)
{
	size_t i;

	if (!is_host_route(route))
		return false;
	for (i = 0; i < cfg->n_services; i++)
		if (conf_addr_equal(&cfg->services[i].vip, &route->addr))
			return true;
	return false;
}
