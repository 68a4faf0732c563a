// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The VIPs' host routes kept equal to what the node can serve. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/addr.h"
#include "daemon/announce.h"
#include "daemon/log.h"
#include "kernel/vip_route.h"

static bool same_identity(const struct conf_announce *a, const struct conf_announce *b)
{
	return a->set == b->set && (!a->set || (a->table == b->table &&
						 a->protocol == b->protocol));
}

static bool is_host_route(const struct conf_cidr *c)
{
	return c->prefix_len == (c->addr.family == AF_INET6 ? 128 : 32);
}

static void log_route(const char *what, const struct conf_announce *in, const struct conf_addr *vip,
		      int err)
{
	char addr[CONF_ADDR_STR_LEN];

	log_msg(err ? LOG_ERR : LOG_NOTICE, "%s %s (table %u, protocol %u)%s%s", what,
		conf_addr_str(vip, addr), in->table, in->protocol, err ? ": " : "",
		err ? strerror(-err) : "");
}

/*
 * Delete our routes whose VIP keep() refuses; every one of them when keep is NULL.
 * Returns how many went, or -errno when the table cannot be read.
 */
static int withdraw_where(struct announce *a, bool (*keep)(const struct conf_addr *vip,
							   const void *ctx), const void *ctx)
{
	struct conf_cidr *ours = NULL;
	size_t n = 0, i;
	int err, gone = 0;

	if (!a->routes)
		return 0;
	err = vip_routes_list(a->routes, &ours, &n);
	if (err) {
		log_msg(LOG_ERR, "cannot read routing table %u: %s", a->in_force.table,
			strerror(-err));
		return err;
	}
	for (i = 0; i < n; i++) {
		if (keep && is_host_route(&ours[i]) && keep(&ours[i].addr, ctx))
			continue;
		err = vip_routes_del(a->routes, &ours[i]);
		/* Gone already (someone else deleted it): as good as withdrawn. */
		if (err == -ESRCH)
			err = 0;
		log_route("withdrew", &a->in_force, &ours[i].addr, err);
		gone += !err;
	}
	free(ours);
	return gone;
}

/* Close what is in force, withdrawing it first. */
static void release(struct announce *a)
{
	withdraw_where(a, NULL, NULL);
	vip_routes_close(a->routes);
	a->routes = NULL;
	memset(&a->in_force, 0, sizeof(a->in_force));
}

static int take_identity(struct announce *a, const struct conf_announce *want)
{
	int err;

	if (same_identity(&a->in_force, want)) {
		a->in_force.drain_s = want->drain_s;
		return 0;
	}
	release(a);
	if (!want->set)
		return 0;
	err = vip_routes_open(want->table, (uint8_t)want->protocol, &a->routes);
	if (err) {
		log_msg(LOG_ERR, "cannot open a netlink socket for routes: %s", strerror(-err));
		return err;
	}
	a->in_force = *want;
	return 0;
}

static bool in_config(const struct conf_addr *vip, const void *ctx)
{
	const struct conf *cfg = ctx;
	size_t i;

	for (i = 0; i < cfg->n_services; i++)
		if (conf_addr_equal(&cfg->services[i].vip, vip))
			return true;
	return false;
}

void announce_prepare(struct announce *a, const struct conf *next)
{
	if (!same_identity(&a->in_force, &next->announce))
		release(a);
	else
		withdraw_where(a, in_config, next);
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

static bool listed(const struct conf_cidr *ours, size_t n, const struct conf_addr *vip)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (is_host_route(&ours[i]) && conf_addr_equal(&ours[i].addr, vip))
			return true;
	return false;
}

static bool wanted(const struct conf_addr *vip, const void *ctx)
{
	const struct announce *a = ctx;
	size_t i;

	for (i = 0; i < a->n_vips; i++)
		if (conf_addr_equal(&a->vips[i].vip, vip))
			return a->vips[i].announced;
	return false;
}

/* Which VIPs should be announced, each with why not; announced stays false here. */
static struct announce_vip *decide(const struct announce *a, const struct conf *cfg,
				   const struct health *h, const struct neigh_wait *waiting,
				   size_t *n)
{
	struct announce_vip *vips = NULL, *v;
	size_t i;
	bool added;

	*n = 0;
	for (i = 0; i < cfg->n_services; i++) {
		v = vip_entry(&vips, n, &cfg->services[i].vip, &added);
		if (!v) {
			free(vips);
			*n = 0;
			return NULL;
		}
		if (!added)
			continue;
		if (a->stopping)
			snprintf(v->why, sizeof(v->why), "stopping: withdrawn, forwarding until "
				 "the drain ends");
		else if (serves(cfg, i, h, waiting, v->why, sizeof(v->why)))
			v->why[0] = '\0';
	}
	return vips;
}

/* Log the VIPs that changed hands since the last sync. */
static void log_changes(const struct announce_vip *was, size_t n_was,
			const struct announce_vip *now, size_t n_now)
{
	char addr[CONF_ADDR_STR_LEN];
	size_t i, j;

	for (i = 0; i < n_now; i++) {
		bool before = false;

		for (j = 0; j < n_was; j++)
			if (conf_addr_equal(&was[j].vip, &now[i].vip))
				before = was[j].announced;
		if (before && !now[i].announced)
			log_msg(LOG_WARNING, "VIP %s is not announced: %s",
				conf_addr_str(&now[i].vip, addr), now[i].why);
	}
}

/* Add what vips[] wants and the table lacks; what stays out says why. */
static void add_missing(struct announce *a, struct announce_vip *vips, size_t n,
			const struct conf_cidr *ours, size_t n_ours)
{
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		if (vips[i].why[0])
			continue;
		if (listed(ours, n_ours, &vips[i].vip)) {
			vips[i].announced = true;
			continue;
		}
		err = vip_routes_add(a->routes, &vips[i].vip);
		log_route("announced", &a->in_force, &vips[i].vip, err);
		if (err == -EEXIST)
			snprintf(vips[i].why, sizeof(vips[i].why), "table %u holds a route to "
				 "it that is not sluice's (another protocol)", a->in_force.table);
		else if (err)
			snprintf(vips[i].why, sizeof(vips[i].why), "the kernel refused the "
				 "route: %s", strerror(-err));
		vips[i].announced = !err;
	}
}

void announce_sync(struct announce *a, const struct conf *cfg, const struct health *h,
		   const struct neigh_wait *waiting)
{
	struct conf_cidr *ours = NULL;
	struct announce_vip *vips;
	size_t n = 0, n_ours = 0, i;
	int err;

	if (take_identity(a, &cfg->announce) || !a->routes) {
		free(a->vips);
		a->vips = NULL;
		a->n_vips = 0;
		return;
	}
	vips = decide(a, cfg, h, waiting, &n);
	if (!vips && n) {
		log_msg(LOG_ERR, "out of memory; the announced VIPs stay as they are");
		return;
	}
	err = vip_routes_list(a->routes, &ours, &n_ours);
	if (err)
		for (i = 0; i < n; i++)
			snprintf(vips[i].why, sizeof(vips[i].why), "cannot read routing table "
				 "%u: %s", a->in_force.table, strerror(-err));
	else
		add_missing(a, vips, n, ours, n_ours);
	free(ours);
	log_changes(a->vips, a->n_vips, vips, n);
	free(a->vips);
	a->vips = vips;
	a->n_vips = n;
	if (!err)
		withdraw_where(a, wanted, a);
}

bool announce_stop(struct announce *a)
{
	int gone;
	size_t i;

	a->stopping = true;
	gone = withdraw_where(a, NULL, NULL);
	for (i = 0; i < a->n_vips; i++) {
		a->vips[i].announced = false;
		snprintf(a->vips[i].why, sizeof(a->vips[i].why), "stopping: withdrawn, "
			 "forwarding until the drain ends");
	}
	/* A table that cannot be read may still hold routes: drain to be safe. */
	return gone != 0;
}

void announce_free(struct announce *a)
{
	release(a);
	free(a->vips);
	memset(a, 0, sizeof(*a));
}

struct json_object *announce_json(const struct announce *a)
{
	struct json_object *o, *arr;
	char addr[CONF_ADDR_STR_LEN];
	size_t i;

	if (!a->in_force.set)
		return NULL;
	o = json_object_new_object();
	arr = json_object_new_array();
	json_object_object_add(o, "table", json_object_new_int64(a->in_force.table));
	json_object_object_add(o, "protocol", json_object_new_int64(a->in_force.protocol));
	json_object_object_add(o, "drain", json_object_new_int64(a->in_force.drain_s));
	json_object_object_add(o, "stopping", json_object_new_boolean(a->stopping));
	for (i = 0; i < a->n_vips; i++) {
		struct json_object *v = json_object_new_object();

		json_object_object_add(v, "vip", json_object_new_string(
			conf_addr_str(&a->vips[i].vip, addr)));
		json_object_object_add(v, "announced",
				       json_object_new_boolean(a->vips[i].announced));
		json_object_object_add(v, "reason", a->vips[i].announced ? NULL :
				       json_object_new_string(a->vips[i].why));
		json_object_array_add(arr, v);
	}
	json_object_object_add(o, "vips", arr);
	return o;
}
