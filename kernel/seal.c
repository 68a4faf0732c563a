// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The seal of what the last apply left (seal.h): computing, pinning, comparing. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/bigmem.h"
#include "kernel/fault.h"
#include "kernel/pin.h"
#include "kernel/seal.h"
#include "kernel/seal_digest.h"
#include "kernel/seal_parts.h"
#include "kernel/xdp_link.h"

#define SEAL_MAGIC	0x736c7569637365ULL	/* "sluicse" */

static const char *const part_names[SEAL_PARTS] = {
	[SEAL_PROGRAM] = "program",
	[SEAL_SETTINGS] = "settings",
	[SEAL_SERVICES] = "services",
	[SEAL_BACKENDS] = "backends",
	[SEAL_TABLES] = "maglev_tables",
	[SEAL_FILTER] = "filter",
	[SEAL_RULES] = "rules",
	[SEAL_PEERS] = "health_peers",
	[SEAL_PORTS] = "tx_ports",
	[SEAL_ROOT] = "root",
};

const char *seal_part_name(enum seal_part part)
{
	return part_names[part];
}

/* The id of the map in outer[slot], 0 when empty: which table packets read there. */
static __u32 inner_id(int outer_fd, __u32 slot)
{
	__u32 id = 0;

	if (bpf_map_lookup_elem(outer_fd, &slot, &id))
		return 0;
	return id;
}

/*
 * The id of the map in each slot of the Maglev tables (0: empty), in one batch: a
 * lookup a service made the seal of a thousand services a thousand syscalls.
 */
static int table_ids(const struct sluice_maps *maps, __u32 *ids)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 *keys = calloc(SLUICE_TABLE_SLOTS, sizeof(*keys));
	__u32 *vals = calloc(SLUICE_TABLE_SLOTS, sizeof(*vals));
	__u32 count = SLUICE_TABLE_SLOTS, next, i;
	int err = keys && vals ? 0 : -ENOMEM;

	memset(ids, 0, SLUICE_TABLE_SLOTS * sizeof(*ids));
	/* Empty slots are left out of the answer: its keys say which were there. */
	if (!err && bpf_map_lookup_batch(maps->maglev_tables, NULL, &next, keys, vals, &count,
					 &opts) && errno != ENOENT)
		err = -errno;
	for (i = 0; !err && i < count; i++)
		if (keys[i] < SLUICE_TABLE_SLOTS)
			ids[keys[i]] = vals[i];
	free(keys);
	free(vals);
	return err;
}

static int tables_digest(const struct sluice_maps *maps, const struct live_state *live,
			 __u64 *out)
{
	__u32 *ids = calloc(SLUICE_TABLE_SLOTS, sizeof(*ids));
	__u64 h = SEAL_DIGEST_START;
	int err = ids ? table_ids(maps, ids) : -ENOMEM;

	for (size_t i = 0; !err && i < live->n_services; i++) {
		const struct sluice_service *v = &live->services[i].val;
		__u32 id = v->table_slot < SLUICE_TABLE_SLOTS ? ids[v->table_slot] : 0;

		h = seal_digest_mix(h, &v->id, sizeof(v->id));
		h = seal_digest_mix(h, &v->table_slot, sizeof(v->table_slot));
		h = seal_digest_mix(h, &id, sizeof(id));
	}
	free(ids);
	*out = h;
	return err;
}

/* The parameters of every rate-limit rule in the filter's slot (not its bucket). */
static __u64 limits_digest(const struct sluice_maps *maps, const struct live_state *live,
			   __u64 h)
{
	for (__u32 c = 0; c < SLUICE_RULE_IDS; c++) {
		const struct sluice_rule_meta *m = &live->rule_meta[c];
		__u32 index = SLUICE_LIMIT_INDEX(live->filter_slot, c);
		struct sluice_limit l;

		if (!m->in_use || m->rule.action != SLUICE_ACT_RATE_LIMIT ||
		    bpf_map_lookup_elem(maps->rule_limits, &index, &l))
			continue;
		h = seal_digest_mix(h, &l, sizeof(l));
	}
	return h;
}

static int filter_digest(const struct sluice_maps *maps, const struct live_state *live,
			 __u64 *out)
{
	const int outers[] = { maps->filter_tables, maps->filter_prefixes, maps->filter_pairs,
			       maps->filter_mixed };
	__u32 slot = live->filter_slot;
	struct sluice_filter_fixed *fixed;
	__u64 h = SEAL_DIGEST_START;

	fixed = bigmem_calloc(sizeof(*fixed));
	if (!fixed)
		return -ENOMEM;
	if (bpf_map_lookup_elem(maps->filter_fixed, &slot, fixed)) {
		free(fixed);
		return -errno;
	}
	h = seal_digest_mix(h, &slot, sizeof(slot));
	h = seal_digest_mix(h, &live->filter_header, sizeof(live->filter_header));
	h = seal_digest_mix(h, fixed, sizeof(*fixed));
	free(fixed);
	for (size_t i = 0; i < sizeof(outers) / sizeof(outers[0]); i++) {
		__u32 id = inner_id(outers[i], slot);

		h = seal_digest_mix(h, &id, sizeof(id));
	}
	*out = limits_digest(maps, live, h);
	return 0;
}

/* Hash order is not the config's: a set's digest is the same in any order. */
static __u64 set_digest(const void *items, size_t n, size_t size)
{
	__u64 h = 0;

	for (size_t i = 0; i < n; i++)
		h ^= seal_digest_mix(SEAL_DIGEST_START, (const char *)items + i * size, size);
	return h;
}

/* The digests of the parts set in parts into out; the others are left as they are. */
static int compute_parts(const char *ifname, const struct sluice_maps *maps,
			 const struct live_state *live, unsigned int parts, struct seal *out)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct attached at = {0};
	__u64 h = SEAL_DIGEST_START;
	int err = 0;

	/* Which program runs is always asked again: it costs one netlink request. */
	out->prog_id = 0;
	if (ifindex && !xdp_link_find(ifindex, &at) && at.present)
		out->prog_id = at.prog_id;
	out->digest[SEAL_PROGRAM] = out->prog_id;
	if (parts & 1U << SEAL_ROOT) {
		out->root = live->root;
		out->digest[SEAL_ROOT] = SLUICE_ROOT_GEN_OF(live->root);
	}
	if (parts & 1U << SEAL_SETTINGS)
		out->digest[SEAL_SETTINGS] = seal_digest_mix(SEAL_DIGEST_START, &live->settings,
							     sizeof(live->settings));
	if (parts & 1U << SEAL_SERVICES) {
		for (size_t i = 0; i < live->n_services; i++)
			h = seal_digest_mix(h, &live->services[i], sizeof(live->services[i]));
		out->digest[SEAL_SERVICES] = h;
	}
	if (parts & 1U << SEAL_BACKENDS)
		out->digest[SEAL_BACKENDS] = seal_digest_mix(SEAL_DIGEST_START, live->backends,
							     sizeof(live->backends));
	if (parts & 1U << SEAL_TABLES)
		err = tables_digest(maps, live, &out->digest[SEAL_TABLES]);
	if (!err && parts & 1U << SEAL_FILTER)
		err = filter_digest(maps, live, &out->digest[SEAL_FILTER]);
	if (parts & 1U << SEAL_RULES)
		out->digest[SEAL_RULES] = seal_digest_mix(SEAL_DIGEST_START, live->rule_meta,
							  sizeof(live->rule_meta));
	if (parts & 1U << SEAL_PEERS)
		out->digest[SEAL_PEERS] = set_digest(live->health_peers, live->n_health_peers,
						     sizeof(live->health_peers[0]));
	if (parts & 1U << SEAL_PORTS)
		out->digest[SEAL_PORTS] = set_digest(live->tx_ports, live->n_tx_ports,
						     sizeof(live->tx_ports[0]));
	return err;
}

int seal_compute(const char *ifname, const struct sluice_maps *maps,
		 const struct live_state *live, struct seal *out)
{
	memset(out, 0, sizeof(*out));
	out->magic = SEAL_MAGIC;
	return compute_parts(ifname, maps, live, SEAL_ALL_PARTS, out);
}

int seal_write(const char *ifname, const struct seal *s)
{
	char path[PATH_MAX];
	__u32 zero = 0;
	int fd, err = 0;

	pin_map_path(ifname, SEAL_PIN, path);
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == ENOENT) {
		fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sluice_seal", sizeof(__u32),
				    sizeof(*s), 1, NULL);
		if (fd >= 0) {
			fault_point();
			if (bpf_obj_pin(fd, path)) {
				err = -errno;
				close(fd);
				return err;
			}
		}
	}
	if (fd < 0)
		return -errno;
	fault_point();
	if (bpf_map_update_elem(fd, &zero, s, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

/* Pin s unless the pinned seal is s already: an apply that changed nothing writes nothing. */
static int seal_replace(const char *ifname, const struct seal *s)
{
	struct seal old;

	if (!seal_read(ifname, &old) && !memcmp(&old, s, sizeof(*s)))
		return 0;
	return seal_write(ifname, s);
}

int seal_now(const char *ifname, const struct sluice_maps *maps, struct live_state *scratch)
{
	struct live_state *live = scratch;
	struct seal s;
	int err = scratch ? live_read_into(maps, scratch, true) : live_read(maps, &live);

	if (err)
		return err;
	err = seal_compute(ifname, maps, live, &s);
	err = err ?: seal_replace(ifname, &s);
	if (!scratch)
		free(live);
	if (err)
		fprintf(stderr, "sluice: %s: cannot seal what was applied: %s\n", ifname,
			strerror(-err));
	return err;
}

int seal_after(const char *ifname, const struct sluice_maps *maps, const struct op *ops,
	       size_t n, struct live_state *live, const struct seal *checked)
{
	unsigned int parts;
	struct seal s;
	int err;

	if (!checked || checked->magic != SEAL_MAGIC)
		return seal_now(ifname, maps, live);
	parts = seal_parts_written(maps, ops, n);
	s = *checked;
	/* The largest map, rule_meta, is read again only when the apply wrote it. */
	err = parts ? live_read_into(maps, live, parts & 1U << SEAL_RULES) : 0;
	/* Another filter slot selected by the root: the filter part is another one. */
	if (!err && parts & 1U << SEAL_ROOT &&
	    (live->root ^ checked->root) & SLUICE_ROOT_FILTER_SLOT)
		parts |= 1U << SEAL_FILTER;
	err = err ?: compute_parts(ifname, maps, live, parts, &s);
	err = err ?: seal_replace(ifname, &s);
	if (err)
		fprintf(stderr, "sluice: %s: cannot seal what was applied: %s\n", ifname,
			strerror(-err));
	return err;
}

int seal_move_program(const char *ifname, __u32 old_id, __u32 new_id)
{
	struct seal s;

	if (seal_read(ifname, &s) || s.prog_id != old_id)
		return 0;
	s.prog_id = new_id;
	s.digest[SEAL_PROGRAM] = new_id;
	return seal_write(ifname, &s);
}

int seal_read(const char *ifname, struct seal *out)
{
	char path[PATH_MAX];
	__u32 zero = 0;
	int fd, err = 0;

	pin_map_path(ifname, SEAL_PIN, path);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &zero, out))
		err = -errno;
	else if (out->magic != SEAL_MAGIC)
		err = -EINVAL;
	close(fd);
	return err;
}

int seal_differs(const char *ifname, const struct sluice_maps *maps,
		 const struct live_state *live, struct seal *sealed, struct seal *now)
{
	int err = seal_read(ifname, sealed), parts = 0;

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	err = seal_compute(ifname, maps, live, now);
	if (err)
		return err;
	for (int p = 0; p < SEAL_PARTS; p++)
		if (sealed->digest[p] != now->digest[p])
			parts |= 1 << p;
	return parts;
}

void seal_report(const char *ifname, unsigned int parts, const struct seal *sealed,
		 const struct seal *now)
{
	for (int p = 0; p < SEAL_PARTS; p++) {
		if (!(parts & (1U << p)))
			continue;
		fprintf(stderr, "sluice: %s: tampered: ", ifname);
		if (p == SEAL_PROGRAM && !now->prog_id)
			fprintf(stderr, "sluice's program %u, which the last apply ran, is no "
				"longer attached (another program replaced it, or none is "
				"there)\n", sealed->prog_id);
		else if (p == SEAL_PROGRAM)
			fprintf(stderr, "program %u is attached, the last apply ran program "
				"%u\n", now->prog_id, sealed->prog_id);
		else if (p == SEAL_FILTER && (now->root ^ sealed->root) & SLUICE_ROOT_FILTER_SLOT)
			fprintf(stderr, "the filter's active slot is %u, the last apply left "
				"%u (root)\n", now->root & SLUICE_ROOT_FILTER_SLOT,
				sealed->root & SLUICE_ROOT_FILTER_SLOT);
		else if (p == SEAL_ROOT)
			fprintf(stderr, "the root selects generation %u, the last apply left "
				"%u (root)\n", SLUICE_ROOT_GEN_OF(now->root),
				SLUICE_ROOT_GEN_OF(sealed->root));
		else
			fprintf(stderr, "the %s differ from what the last apply left\n",
				part_names[p]);
	}
}
