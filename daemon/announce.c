// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The VIPs' host routes kept equal to what the node can serve. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/addr.h"
#include "daemon/announce.h"
#include "daemon/log.h"
#include "kernel/vip_route.h"

static void log_route(const char *what, const struct conf_announce *in, const struct conf_addr *vip,
		      int err)
{
	char addr[CONF_ADDR_STR_LEN];

	log_msg(err ? LOG_ERR : LOG_NOTICE, "%s %s (table %u, protocol %u)%s%s", what,
		conf_addr_str(vip, addr), in->table, in->protocol, err ? ": " : "",
		err ? strerror(-err) : "");
}

/*
 * Delete our routes that keep() refuses; every one of them when keep is NULL.
 * Returns how many went, or -errno when the table cannot be read.
 */
static int withdraw_where(struct announce *a, bool (*keep)(const struct conf_cidr *route,
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
		if (keep && keep(&ours[i], ctx))
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

	if (announce_same_identity(&a->in_force, want)) {
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

static bool in_config(const struct conf_cidr *route, const void *cfg)
{
	return announce_route_in_config(route, cfg);
}

void announce_prepare(struct announce *a, const struct conf *next)
{
	if (!announce_same_identity(&a->in_force, &next->announce))
		release(a);
	else
		withdraw_where(a, in_config, next);
}

/* Whether ours[0..n) holds the route that v (wanted) needs. */
static bool listed(const struct conf_cidr *ours, size_t n, const struct announce_vip *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (announce_route_wanted(&ours[i], v, 1))
			return true;
	return false;
}

static bool wanted(const struct conf_cidr *route, const void *ctx)
{
	const struct announce *a = ctx;

	return announce_route_wanted(route, a->vips, a->n_vips);
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
		if (listed(ours, n_ours, &vips[i])) {
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
	vips = announce_decide(cfg, h, waiting, a->stopping, &n);
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
		snprintf(a->vips[i].why, sizeof(a->vips[i].why), "%s", ANNOUNCE_WHY_STOPPING);
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
