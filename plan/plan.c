// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The service and backend part of an apply: keep every id whose identity is
 * unchanged (a VIP for services, an address within its service for backends), so
 * established flows, which remember backend ids, keep working across applies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb/maglev.h"
#include "kernel/fmt.h"
#include "plan/plan.h"
#include "plan/plan_ops.h"

struct planner {
	struct plan *plan;
	const struct sluice_maps *maps;
	const struct live_state *live;
	const struct conf *cfg;
	const struct backend_path *paths;
	const __u8 *if_mac;	/* the interface's MAC now */
	__u64 now_ns;		/* CLOCK_MONOTONIC at planning: drains start here */
	bool service_taken[SLUICE_MAX_SERVICES];
	bool backend_taken[SLUICE_MAX_BACKENDS];
	bool live_service_kept[SLUICE_MAX_SERVICES];	/* by index in live->services */
	bool backend_kept[SLUICE_MAX_BACKENDS];
	/* Backend ids chosen for the service being planned, in config order. */
	__u32 ids[SLUICE_MAX_BACKENDS];
	/* The live backends by service (live_backends_by_service). */
	__u32 live_first[SLUICE_MAX_SERVICES + 1];
	__u32 live_ids[SLUICE_MAX_BACKENDS];
	/* Indices into live->services, by key (memcmp order): services found by VIP. */
	__u32 live_by_vip[SLUICE_MAX_SERVICES];
	/* Removals are queued here and appended after every service has flipped. */
	struct plan late;
	/* Something ipip's cached next hops depend on changes: bump nexthop_gen. */
	bool nexthops_stale;
	/* The config's services with their ids, for the filter's answers. */
	struct filter_service vips[SLUICE_CONF_SERVICES];
	size_t n_vips;
};

static __u8 abi_family(int af)
{
	return af == AF_INET6 ? SLUICE_AF_INET6 : SLUICE_AF_INET;
}

void plan_vip_key(const struct conf_service *svc, struct sluice_vip_key *key)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->addr, svc->vip.bytes, sizeof(key->addr));
	key->port = htons(svc->port);
	key->proto = svc->proto;
	key->family = abi_family(svc->vip.family);
}

/* The live service of this VIP key, found by bisection of p->live_by_vip. */
static const struct live_service *live_by_key(struct planner *p,
					      const struct sluice_vip_key *key, size_t *idx)
{
	size_t lo = 0, hi = p->live->n_services;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct live_service *s = &p->live->services[p->live_by_vip[mid]];
		int c = memcmp(&s->key, key, sizeof(*key));

		if (!c) {
			*idx = p->live_by_vip[mid];
			return s;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int by_vip(const void *a, const void *b, void *live)
{
	const struct live_service *services = ((const struct live_state *)live)->services;

	return memcmp(&services[*(const __u32 *)a].key, &services[*(const __u32 *)b].key,
		      sizeof(struct sluice_vip_key));
}

/* The planner's indices of the live state: services by VIP, backends by service. */
static void index_live(struct planner *p)
{
	__u32 s;

	for (s = 0; s < p->live->n_services; s++)
		p->live_by_vip[s] = s;
	qsort_r(p->live_by_vip, p->live->n_services, sizeof(p->live_by_vip[0]), by_vip,
		(void *)p->live);
	live_backends_by_service(p->live, p->live_first, p->live_ids);
}

static int alloc_id(bool *taken, __u32 first, __u32 limit, __u32 *id)
{
	__u32 i;

	for (i = first; i < limit; i++) {
		if (!taken[i]) {
			taken[i] = true;
			*id = i;
			return 0;
		}
	}
	return -ENOSPC;
}

static bool backend_is(const struct sluice_backend *be, __u32 service_id,
		       const struct conf_backend *want)
{
	return (be->flags & SLUICE_BACKEND_F_LIVE) && be->service_id == service_id &&
	       be->family == abi_family(want->addr.family) &&
	       !memcmp(be->addr, want->addr.bytes, sizeof(be->addr));
}

static __u32 find_live_backend(struct planner *p, __u32 service_id,
			       const struct conf_backend *want)
{
	__u32 i;

	if (service_id >= SLUICE_MAX_SERVICES)
		return 0;
	for (i = p->live_first[service_id]; i < p->live_first[service_id + 1]; i++)
		if (backend_is(&p->live->backends[p->live_ids[i]], service_id, want))
			return p->live_ids[i];
	return 0;
}

static void describe_backend_change(struct planner *p, const struct conf_service *svc,
				    const struct sluice_backend *old,
				    const struct sluice_backend *new)
{
	char addr[INET6_ADDRSTRLEN], a[FMT_MAC_LEN], b[FMT_MAC_LEN], drain[32];

	fmt_addr(new->family, new->addr, addr);
	if (old->weight != new->weight)
		plan_note(p->plan, "service %s: backend %s weight %u -> %u", svc->name, addr,
			  old->weight, new->weight);
	if (old->state != new->state && new->state == SLUICE_BACKEND_DRAINING)
		plan_note(p->plan, "service %s: backend %s active -> draining (%s)",
			  svc->name, addr,
			  plan_drain_words(svc->drain_timeout_s, drain, sizeof(drain)));
	else if (old->state != new->state)
		plan_note(p->plan, "service %s: backend %s draining -> active", svc->name, addr);
	if (memcmp(old->mac, new->mac, sizeof(new->mac)))
		plan_note(p->plan, "service %s: backend %s MAC %s -> %s", svc->name, addr,
			  fmt_mac(old->mac, a), fmt_mac(new->mac, b));
}

/*
 * A drain's deadline is set by the apply that starts it and kept by later ones, so
 * re-applying a file never postpones it; the drain timeout is in whole seconds.
 */
static __u64 drain_deadline(struct planner *p, const struct conf_service *svc,
			    const struct sluice_backend *old)
{
	if (old && old->state == SLUICE_BACKEND_DRAINING)
		return old->drain_deadline_ns;
	return svc->drain_timeout_s ? p->now_ns + svc->drain_timeout_s * 1000000000ULL : 0;
}

/* The new id's counters start from zero, whoever held it before. */
static int zero_backend_counters(struct planner *p, __u32 id)
{
	return plan_zero_counter(p->plan, p->maps->backend_stats, id) ?:
	       plan_zero_new_flows(p->plan, p->maps->backend_flows, id);
}

/* Choose ids for one service's backends and queue their writes. */
static int plan_backends(struct planner *p, const struct conf_service *svc, __u32 sid,
			 size_t mac_base)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;
	int err;

	for (i = 0; i < svc->n_backends; i++) {
		const struct conf_backend *want = &svc->backends[i];
		struct sluice_backend val = {0};
		__u32 id = find_live_backend(p, sid, want);
		const struct sluice_backend *old = id ? &p->live->backends[id] : NULL;

		memcpy(val.addr, want->addr.bytes, sizeof(val.addr));
		/*
		 * ipip reads no MAC: keeping the old one means a service switching from
		 * l2dsr never sends a packet to a blank MAC before its value flips.
		 */
		if (svc->forward != CONF_FORWARD_IPIP)
			memcpy(val.mac, p->paths[mac_base + i].mac, sizeof(val.mac));
		else if (old)
			memcpy(val.mac, old->mac, sizeof(val.mac));
		val.family = abi_family(want->addr.family);
		val.flags = SLUICE_BACKEND_F_LIVE;
		val.service_id = sid;
		val.weight = want->weight;
		val.state = SLUICE_BACKEND_ACTIVE;
		if (want->state == CONF_BACKEND_DRAINING) {
			val.state = SLUICE_BACKEND_DRAINING;
			val.flags |= SLUICE_BACKEND_F_DRAINING;
			val.drain_deadline_ns = drain_deadline(p, svc, old);
		}
		if (!id) {
			if (alloc_id(p->backend_taken, 1, SLUICE_MAX_BACKENDS, &id)) {
				fprintf(stderr, "sluice: no free backend slot for %s; "
					"apply the removals first\n", svc->name);
				return -ENOSPC;
			}
			/* A new generation invalidates flows left by the id's last owner. */
			val.gen = p->live->backends[id].gen + 1;
			if (svc->forward == CONF_FORWARD_IPIP)
				p->nexthops_stale = true;
			err = zero_backend_counters(p, id);
			if (!err)
				err = plan_note(p->plan, "service %s: backend %s added (weight %u%s)",
						svc->name,
						fmt_addr(val.family, val.addr, addr), val.weight,
						val.state == SLUICE_BACKEND_DRAINING ?
						", draining" : "");
		} else {
			val.gen = old->gen;
			if (memcmp(old, &val, sizeof(val)))
				describe_backend_change(p, svc, old, &val);
			err = 0;
		}
		p->backend_kept[id] = true;
		p->ids[i] = id;
		if (!err && (!old || memcmp(old, &val, sizeof(val))))
			err = plan_add_op(p->plan, OP_UPDATE, p->maps->backends, &id, sizeof(id),
					  &val, sizeof(val));
		if (err)
			return err;
	}
	return 0;
}

/* Does the live table of `sid` already hold exactly these backends and weights? */
static bool composition_unchanged(struct planner *p, const struct live_service *old,
				  const struct conf_service *svc)
{
	size_t i;

	if (!old || old->val.table_size != svc->table_size)
		return false;
	if (p->live_first[old->val.id + 1] - p->live_first[old->val.id] != svc->n_backends)
		return false;
	for (i = 0; i < svc->n_backends; i++) {
		const struct sluice_backend *be = &p->live->backends[p->ids[i]];
		__u8 state = svc->backends[i].state == CONF_BACKEND_DRAINING ?
			     SLUICE_BACKEND_DRAINING : SLUICE_BACKEND_ACTIVE;

		if (!(be->flags & SLUICE_BACKEND_F_LIVE) || be->service_id != old->val.id ||
		    be->weight != svc->backends[i].weight || be->state != state)
			return false;
	}
	return true;
}

/* Build the Maglev table of a service into its inactive slot. */
static int plan_table(struct planner *p, const struct conf_service *svc, __u32 slot)
{
	struct maglev_backend *mb;
	__u32 *table;
	size_t i;
	int err;

	mb = calloc(svc->n_backends, sizeof(*mb));
	table = calloc(svc->table_size, sizeof(*table));
	if (!mb || !table) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < svc->n_backends; i++) {
		/* Identity = family + address: the same on every node of a fleet. */
		mb[i].key[0] = abi_family(svc->backends[i].addr.family);
		memcpy(&mb[i].key[1], svc->backends[i].addr.bytes, 16);
		mb[i].key_len = 17;
		mb[i].weight = svc->backends[i].state == CONF_BACKEND_DRAINING ?
			       0 : svc->backends[i].weight;
	}
	err = maglev_build(mb, svc->n_backends, svc->table_size, table);
	if (err) {
		fprintf(stderr, "sluice: service %s: cannot build its Maglev table: %s\n",
			svc->name, strerror(-err));
		goto out;
	}
	for (i = 0; i < svc->table_size; i++)
		table[i] = table[i] == MAGLEV_EMPTY ? 0 : p->ids[table[i]];
	err = plan_add_inner(p->plan, p->maps->maglev_tables, slot, table, sizeof(*table),
			     svc->table_size);
out:
	free(mb);
	free(table);
	return err;
}

/*
 * Does the change from old to new touch what ipip's next-hop cache was filled from:
 * the forwarding mode, to or from ipip, or the outer sources the FIB was asked with?
 */
static bool nexthop_inputs_differ(const struct sluice_service *old,
				  const struct sluice_service *new)
{
	if (old->forward != SLUICE_FWD_IPIP && new->forward != SLUICE_FWD_IPIP)
		return false;
	return old->forward != new->forward || old->flags != new->flags ||
	       old->encap_src4 != new->encap_src4 || old->encap_host4 != new->encap_host4 ||
	       memcmp(old->encap_src6, new->encap_src6, sizeof(new->encap_src6)) ||
	       old->encap_host6 != new->encap_host6;
}

static int plan_service(struct planner *p, const struct conf_service *svc, size_t mac_base)
{
	char vip[64];
	struct sluice_vip_key key;
	struct sluice_service val = {0};
	struct sluice_service_meta meta = {0};
	const struct live_service *old;
	size_t live_idx = 0;
	__u32 sid;
	int err;

	plan_vip_key(svc, &key);
	fmt_vip(&key, vip, sizeof(vip));
	old = live_by_key(p, &key, &live_idx);
	if (old) {
		sid = old->val.id;
		p->live_service_kept[live_idx] = true;
	} else if (alloc_id(p->service_taken, 0, SLUICE_MAX_SERVICES, &sid)) {
		fprintf(stderr, "sluice: no free service slot for %s; apply the "
			"removals first\n", svc->name);
		return -ENOSPC;
	}
	if (!old) {
		err = plan_note(p->plan, "service %s (%s): added, %zu backends, table %u%s",
				svc->name, vip, svc->n_backends, svc->table_size,
				svc->forward == CONF_FORWARD_IPIP ? ", forward ipip" : "");
		err = err ?: plan_zero_counter(p->plan, p->maps->service_stats, sid);
		err = err ?: plan_zero_new_flows(p->plan, p->maps->service_flows, sid);
		if (err)
			return err;
	}
	err = plan_backends(p, svc, sid, mac_base);
	if (err)
		return err;
	if (p->n_vips < SLUICE_CONF_SERVICES) {
		p->vips[p->n_vips].id = sid;
		p->vips[p->n_vips++].vip = key;
	}

	val.id = sid;
	val.table_size = svc->table_size;
	plan_forward_of(svc, &val);
	if (composition_unchanged(p, old, svc)) {
		val.table_slot = old->val.table_slot;
	} else {
		/* Double buffer: write the slot packets are not reading. */
		val.table_slot = old ? old->val.table_slot ^ 1 : sid * 2;
		err = plan_table(p, svc, val.table_slot);
		if (!err && old)
			err = plan_note(p->plan, "service %s (%s): Maglev table rebuilt (%u slots)",
					svc->name, vip, svc->table_size);
		if (err)
			return err;
	}
	if (old) {
		plan_note_forward(p->plan, svc->name, &old->val, &val);
		if (nexthop_inputs_differ(&old->val, &val))
			p->nexthops_stale = true;
	}
	if (!old || memcmp(&old->val, &val, sizeof(val))) {
		err = plan_add_op(p->plan, OP_UPDATE, p->maps->services, &key, sizeof(key),
				  &val, sizeof(val));
		if (err)
			return err;
	}

	snprintf(meta.name, sizeof(meta.name), "%s", svc->name);
	meta.vip = key;
	meta.in_use = 1;
	if (old && strcmp(old->meta.name, meta.name))
		plan_note(p->plan, "service %s (%s): renamed from %s", svc->name, vip,
			  old->meta.name);
	if (!old || memcmp(&old->meta, &meta, sizeof(meta)))
		return plan_add_op(p->plan, OP_UPDATE, p->maps->service_meta, &sid,
				   sizeof(sid), &meta, sizeof(meta));
	return 0;
}

/* Queue (into p->late) the removal of services and backends the config dropped. */
static int plan_removals(struct planner *p)
{
	struct sluice_service_meta unused = {0};
	char addr[INET6_ADDRSTRLEN], vip[64];
	size_t i;
	__u32 id;
	int err = 0;

	for (i = 0; i < p->live->n_services && !err; i++) {
		const struct live_service *old = &p->live->services[i];
		__u32 slot = old->val.id * 2;

		if (p->live_service_kept[i])
			continue;
		plan_note(p->plan, "service %s (%s): removed", old->meta.name,
			  fmt_vip(&old->key, vip, sizeof(vip)));
		err = plan_add_op(&p->late, OP_DELETE, p->maps->services, &old->key,
				  sizeof(old->key), NULL, 0);
		err = err ?: plan_add_op(&p->late, OP_DELETE, p->maps->maglev_tables, &slot,
					 sizeof(slot), NULL, 0);
		slot++;
		err = err ?: plan_add_op(&p->late, OP_DELETE, p->maps->maglev_tables, &slot,
					 sizeof(slot), NULL, 0);
		err = err ?: plan_add_op(&p->late, OP_UPDATE, p->maps->service_meta,
					 &old->val.id, sizeof(old->val.id), &unused,
					 sizeof(unused));
	}
	for (id = 1; id < SLUICE_MAX_BACKENDS && !err; id++) {
		struct sluice_backend gone = p->live->backends[id];
		const struct live_service *owner;

		if (!(gone.flags & SLUICE_BACKEND_F_LIVE) || p->backend_kept[id])
			continue;
		owner = live_service_by_id(p->live, gone.service_id);
		plan_note(p->plan, "service %s: backend %s removed",
			  owner ? owner->meta.name : "?", fmt_addr(gone.family, gone.addr, addr));
		if (!owner || owner->val.forward == SLUICE_FWD_IPIP)
			p->nexthops_stale = true;
		/* Keep gen: the next owner of this id bumps it, staling old flows. */
		gone.flags &= ~SLUICE_BACKEND_F_LIVE;
		err = plan_add_op(&p->late, OP_UPDATE, p->maps->backends, &id, sizeof(id),
				  &gone, sizeof(gone));
	}
	return err;
}

static int append_late(struct planner *p)
{
	size_t i;

	for (i = 0; i < p->late.n_ops; i++) {
		struct op *op = &p->late.ops[i];
		int err = plan_add_op(p->plan, op->kind, op->map_fd, op->key, op->key_len,
				      op->value, op->value_len);

		if (err)
			return err;
	}
	return 0;
}

static void mark_live_ids(struct planner *p)
{
	size_t i;
	__u32 id;

	for (i = 0; i < p->live->n_services; i++)
		p->service_taken[p->live->services[i].val.id] = true;
	/* Ids of live backends stay taken until their removal has flipped. */
	for (id = 1; id < SLUICE_MAX_BACKENDS; id++)
		if (p->live->backends[id].flags & SLUICE_BACKEND_F_LIVE)
			p->backend_taken[id] = true;
}

/* The node-wide guard split evenly over the CPUs, each of which counts its own. */
static __u32 guard_per_cpu(__u32 guard)
{
	__u32 ncpus = (__u32)maps_ncpus();

	return guard / ncpus + (guard % ncpus != 0);
}

static void note_flow_settings(struct planner *p, const struct sluice_settings *old,
			       const struct sluice_settings *want)
{
	const struct conf_flows *f = &p->cfg->flows;

	if (old->udp_idle_ns != want->udp_idle_ns && want->udp_idle_ns)
		plan_note(p->plan, "flows: idle UDP flows move after %u s", f->udp_idle_timeout_s);
	else if (old->udp_idle_ns != want->udp_idle_ns)
		plan_note(p->plan, "flows: idle UDP flows never move");
	if (old->new_flows_per_cpu != want->new_flows_per_cpu && want->new_flows_per_cpu)
		plan_note(p->plan, "flows: new-flow guard %u flows/s (%u per CPU)",
			  f->new_flow_guard, want->new_flows_per_cpu);
	else if (old->new_flows_per_cpu != want->new_flows_per_cpu)
		plan_note(p->plan, "flows: new-flow guard off");
}

/*
 * The interface's MAC first, as the kernel has it now (it may have changed since the
 * last apply), then the config's, less a repeat of the interface's.
 */
static void plan_macs(struct planner *p, struct sluice_settings *want)
{
	const struct sluice_settings *old = &p->live->settings;
	char mac[FMT_MAC_LEN];
	size_t i;

	memcpy(want->macs[0].addr, p->if_mac, 6);
	want->n_macs = 1;
	for (i = 0; i < p->cfg->n_macs; i++)
		if (memcmp(p->cfg->macs[i].addr, p->if_mac, 6))
			memcpy(want->macs[want->n_macs++].addr, p->cfg->macs[i].addr, 6);
	if (old->n_macs != want->n_macs || memcmp(old->macs, want->macs, sizeof(want->macs))) {
		plan_note(p->plan, "settings: frames are ours when sent to %s (the interface's)",
			  fmt_mac(want->macs[0].addr, mac));
		for (i = 1; i < want->n_macs; i++)
			plan_note(p->plan, "settings: ... or to %s", fmt_mac(want->macs[i].addr, mac));
	}
}

static void plan_settings(struct planner *p, struct sluice_settings *want)
{
	size_t i;

	memset(want, 0, sizeof(*want));
	want->malformed_policy = p->cfg->malformed == CONF_MALFORMED_DROP ?
				 SLUICE_MALFORMED_DROP : SLUICE_MALFORMED_PASS;
	for (i = 0; i < p->cfg->n_services; i++)
		if (p->cfg->services[i].port == 0)
			want->have_any_port_vips = 1;
	want->udp_idle_ns = p->cfg->flows.udp_idle_timeout_s * 1000000000ULL;
	want->new_flows_per_cpu = guard_per_cpu(p->cfg->flows.new_flow_guard);
	/* Bumped by plan_build only if the load balancer's ipip part changes. */
	want->nexthop_gen = p->live->settings.nexthop_gen;
	if (want->malformed_policy != p->live->settings.malformed_policy)
		plan_note(p->plan, "settings: malformed packets are %s",
			  want->malformed_policy == SLUICE_MALFORMED_DROP ? "dropped" : "passed");
	note_flow_settings(p, &p->live->settings, want);
	plan_macs(p, want);
}

int plan_build(struct plan *plan, const struct sluice_maps *maps,
	       const struct live_state *live, const struct conf *cfg,
	       const struct backend_path *paths, const struct plan_session *session,
	       const __u8 if_mac[6], __u64 now_ns)
{
	struct sluice_settings want;
	struct planner *p;
	size_t i, mac_base = 0;
	__u32 zero = 0;
	bool settings_changed;
	int err = 0;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->plan = plan;
	p->maps = maps;
	p->live = live;
	p->cfg = cfg;
	p->paths = paths;
	p->if_mac = if_mac;
	p->now_ns = now_ns;
	mark_live_ids(p);
	index_live(p);

	plan_settings(p, &want);
	settings_changed = memcmp(&want, &live->settings, sizeof(want));
	/* Enabling the port-0 lookup must precede the services that need it. */
	if (settings_changed && want.have_any_port_vips)
		err = plan_add_op(plan, OP_UPDATE, maps->settings, &zero, sizeof(zero),
				  &want, sizeof(want));
	/* Ports ipip redirects through exist before any service sends packets there. */
	err = err ?: plan_tx_ports_add(plan, maps, live, cfg, paths);
	for (i = 0; i < cfg->n_services && !err; i++) {
		err = plan_service(p, &cfg->services[i], mac_base);
		mac_base += cfg->services[i].n_backends;
	}
	err = err ?: plan_rules(plan, maps, live, &cfg->filter, session, p->vips, p->n_vips);
	err = err ?: plan_removals(p);
	err = err ?: append_late(p);
	/* Flows of removed backends may use a port until the backend is cleared. */
	err = err ?: plan_tx_ports_remove(plan, maps, live, cfg, paths);
	/*
	 * Last, so that no next hop cached before this apply outlives it: one cached
	 * for a removed backend, whose id a later apply may give another address (ids
	 * take no packets between the two), or one asked with an old outer source.
	 * Only when these change: applying the same file again still changes nothing.
	 */
	if (p->nexthops_stale)
		want.nexthop_gen++;
	if (!err && ((settings_changed && !want.have_any_port_vips) || p->nexthops_stale))
		err = plan_add_op(plan, OP_UPDATE, maps->settings, &zero, sizeof(zero),
				  &want, sizeof(want));
	plan_free(&p->late);
	free(p);
	if (err == -ENOMEM)
		fprintf(stderr, "sluice: out of memory while planning\n");
	return err;
}

__u32 plan_flow_entries(const struct conf *cfg)
{
	return cfg->flows.size ? cfg->flows.size : SLUICE_FLOW_ENTRIES;
}

int plan_check_flows(const struct live_state *live, const struct conf *cfg,
		     const char *cfg_path)
{
	__u32 want = plan_flow_entries(cfg);

	if (want == live->flow_entries)
		return 0;
	/* Left out, the size is the default: then the file has no place to point at. */
	if (cfg->flows.size_pos.line)
		fprintf(stderr, "%s:%u:%u", cfg_path, cfg->flows.size_pos.line,
			cfg->flows.size_pos.col);
	else
		fprintf(stderr, "%s", cfg_path);
	fprintf(stderr, ": flows.size %u differs from the running flow table (%u entries); "
		"the flow table is sized when sluice attaches: detach and attach again to "
		"change it\n", want, live->flow_entries);
	return -EINVAL;
}
