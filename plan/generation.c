// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The planned configuration, written into the generation packets do not use (generation.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/generation.h"

bool generation_planned(const struct sluice_maps *maps, const struct op *op)
{
	return (op->kind == OP_UPDATE || op->kind == OP_DELETE) &&
	       (op->map_fd == maps->services || op->map_fd == maps->health_peers ||
		op->map_fd == maps->backends || op->map_fd == maps->settings ||
		op->map_fd == maps->root);
}

/* An entry of a hash keyed with a generation (services, health peers), without it. */
struct entry {
	const void *key;
	const void *value;	/* NULL: deleted */
	size_t seq;		/* later writes win */
};

struct keyed_map {
	int fd;
	__u32 key_len, value_len;
	size_t family_off;	/* of the key's family byte, which carries the generation */
};

/* n entries of one generation: keys and values at their strides (0: one for all). */
struct entries_of {
	const char *keys, *values;
	size_t key_stride, value_stride, n;
};

static int by_key_then_seq(const void *a, const void *b, void *key_len)
{
	const struct entry *x = a, *y = b;
	int c = memcmp(x->key, y->key, *(const __u32 *)key_len);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static void add_op(struct generation_writes *w, enum op_kind kind, int fd, const void *key,
		   __u32 key_len, const void *value, __u32 value_len)
{
	w->ops[w->n_ops++] = (struct op){ .kind = kind, .map_fd = fd, .key = (void *)key,
					  .key_len = key_len, .value = (void *)value,
					  .value_len = value_len };
}

/* Room for src.n entries and extra more, filled with src's; NULL when out of memory. */
static struct entry *entries(const struct entries_of *src, size_t extra)
{
	struct entry *e = calloc(src->n + extra + 1, sizeof(*e));

	for (size_t i = 0; e && i < src->n; i++)
		e[i] = (struct entry){ src->keys + i * src->key_stride,
				       src->values + i * src->value_stride, i };
	return e;
}

/*
 * The writes that turn the standby entries into the running ones with the plan's
 * writes made: by key, the last write of a key deciding it. Deletes are queued
 * first, so that the map never needs room for both sets. Keys go to *store.
 */
static int keyed_stage(struct generation_writes *w, const struct keyed_map *km, __u32 gen,
		       const struct entries_of *running, const struct entries_of *standing,
		       const struct op *ops, size_t n_ops, unsigned char **store)
{
	struct entry *run = entries(running, n_ops), *standby = entries(standing, 0);
	size_t n = running->n, n_standby = standing->n, n_want = 0, i, k, d = 0, s = 0;
	__u32 len = km->key_len;
	unsigned char *key;
	int err = 0;

	*store = run && standby ? malloc((n + n_ops + n_standby + 1) * len) : NULL;
	if (!*store) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n_ops; i++) {
		if (ops[i].map_fd != km->fd ||
		    (ops[i].kind != OP_UPDATE && ops[i].kind != OP_DELETE))
			continue;
		run[n] = (struct entry){ ops[i].key,
					 ops[i].kind == OP_UPDATE ? ops[i].value : NULL, n };
		n++;
	}
	qsort_r(run, n, sizeof(*run), by_key_then_seq, &len);
	for (i = 0; i < n; i++)	/* kept in place: the wanted set, sorted */
		if ((i + 1 == n || memcmp(run[i].key, run[i + 1].key, len)) && run[i].value)
			run[n_want++] = run[i];
	qsort_r(standby, n_standby, sizeof(*standby), by_key_then_seq, &len);
	key = *store;
	/* Deletes: what the standby holds and the plan does not. */
	for (i = 0; i < n_standby; i++) {
		while (d < n_want && memcmp(run[d].key, standby[i].key, len) < 0)
			d++;
		if (d < n_want && !memcmp(run[d].key, standby[i].key, len))
			continue;
		memcpy(key, standby[i].key, len);
		key[km->family_off] |= SLUICE_GEN_FAMILY(gen, 0);
		add_op(w, OP_DELETE, km->fd, key, len, NULL, 0);
		key += len;
	}
	/* Updates: what it lacks or holds otherwise. */
	for (k = 0; k < n_want; k++) {
		while (s < n_standby && memcmp(standby[s].key, run[k].key, len) < 0)
			s++;
		if (s < n_standby && !memcmp(standby[s].key, run[k].key, len) &&
		    !memcmp(standby[s].value, run[k].value, km->value_len))
			continue;
		memcpy(key, run[k].key, len);
		key[km->family_off] |= SLUICE_GEN_FAMILY(gen, 0);
		add_op(w, OP_UPDATE, km->fd, key, len, run[k].value, km->value_len);
		key += len;
	}
out:
	free(run);
	free(standby);
	return err;
}

static int services_stage(struct generation_writes *w, const struct sluice_maps *maps,
			  const struct live_state *live, __u32 gen, const struct op *ops,
			  size_t n_ops)
{
	const struct keyed_map km = { maps->services, sizeof(struct sluice_vip_key),
				      sizeof(struct sluice_service),
				      offsetof(struct sluice_vip_key, family) };
	const struct live_state *st = w->standby;
	const struct entries_of running = {
		(const char *)&live->services[0].key, (const char *)&live->services[0].val,
		sizeof(live->services[0]), sizeof(live->services[0]), live->n_services };
	const struct entries_of standing = {
		(const char *)&st->services[0].key, (const char *)&st->services[0].val,
		sizeof(st->services[0]), sizeof(st->services[0]), st->n_services };

	return keyed_stage(w, &km, gen, &running, &standing, ops, n_ops, &w->keys[0]);
}

/* Health peers are a set: every entry's value is 1. */
static int peers_stage(struct generation_writes *w, const struct sluice_maps *maps,
		       const struct live_state *live, __u32 gen, const struct op *ops,
		       size_t n_ops)
{
	const struct keyed_map km = { maps->health_peers, sizeof(struct sluice_health_peer),
				      sizeof(w->one),
				      offsetof(struct sluice_health_peer, family) };
	const struct entries_of running = {
		(const char *)live->health_peers, (const char *)&w->one,
		sizeof(live->health_peers[0]), 0, live->n_health_peers };
	const struct entries_of standing = {
		(const char *)w->standby->health_peers, (const char *)&w->one,
		sizeof(live->health_peers[0]), 0, w->standby->n_health_peers };

	return keyed_stage(w, &km, gen, &running, &standing, ops, n_ops, &w->keys[1]);
}

/* Backends by id and the settings: the running ones with the plan's writes made. */
static int arrays_stage(struct generation_writes *w, const struct sluice_maps *maps,
			const struct live_state *live, __u32 gen, const struct op *ops,
			size_t n_ops)
{
	size_t i, k = 0;
	__u32 id;

	/* Each cell is written before it is read: no zeroing. */
	w->backends = malloc(sizeof(live->backends));
	w->backend_index = malloc(SLUICE_MAX_BACKENDS * sizeof(*w->backend_index));
	if (!w->backends || !w->backend_index)
		return -ENOMEM;
	memcpy(w->backends, live->backends, sizeof(live->backends));
	w->settings = live->settings;
	for (i = 0; i < n_ops; i++) {
		if (ops[i].kind != OP_UPDATE)
			continue;
		if (ops[i].map_fd == maps->backends &&
		    *(const __u32 *)ops[i].key < SLUICE_MAX_BACKENDS)
			memcpy(&w->backends[*(const __u32 *)ops[i].key], ops[i].value,
			       sizeof(*w->backends));
		else if (ops[i].map_fd == maps->settings)
			memcpy(&w->settings, ops[i].value, sizeof(w->settings));
	}
	for (id = 0; id < SLUICE_MAX_BACKENDS; id++) {
		if (!memcmp(&w->backends[id], &w->standby->backends[id], sizeof(w->backends[id])))
			continue;
		w->backend_index[k] = SLUICE_BACKEND_INDEX(gen, id);
		add_op(w, OP_UPDATE, maps->backends, &w->backend_index[k++], sizeof(__u32),
		       &w->backends[id], sizeof(w->backends[id]));
	}
	w->settings_key = gen;
	if (memcmp(&w->settings, &w->standby->settings, sizeof(w->settings)))
		add_op(w, OP_UPDATE, maps->settings, &w->settings_key, sizeof(__u32),
		       &w->settings, sizeof(w->settings));
	return 0;
}

int generation_stage(const struct sluice_maps *maps, const struct live_state *live,
		     const struct op *ops, size_t n, struct generation_writes *out)
{
	__u32 gen = SLUICE_ROOT_GEN_OF(live->root) ^ 1, slot = live->filter_slot;
	size_t i, most;
	int err;

	memset(out, 0, sizeof(*out));
	out->one = 1;
	for (i = 0; i < n; i++) {
		if (!generation_planned(maps, &ops[i]))
			continue;
		out->flip = true;
		if (ops[i].map_fd == maps->root)
			slot = *(const __u32 *)ops[i].value & SLUICE_ROOT_FILTER_SLOT;
	}
	out->root = gen * SLUICE_ROOT_GEN | slot;
	if (!out->flip)
		return 0;
	/*
	 * Not zeroed: of its 7 MiB, the reading writes what is read here (settings,
	 * backends, services and health peers by count), and no other page is touched.
	 */
	out->standby = malloc(sizeof(*out->standby));
	if (!out->standby)
		return -ENOMEM;
	err = live_read_generation(maps, gen, out->standby);
	if (err)
		return err;
	/* Every entry of either generation, at most, once. */
	most = live->n_services + out->standby->n_services + live->n_health_peers +
	       out->standby->n_health_peers + SLUICE_MAX_BACKENDS + 1 + n;
	out->ops = calloc(most, sizeof(*out->ops));
	if (!out->ops)
		return -ENOMEM;
	err = services_stage(out, maps, live, gen, ops, n);
	err = err ?: peers_stage(out, maps, live, gen, ops, n);
	return err ?: arrays_stage(out, maps, live, gen, ops, n);
}

void generation_writes_free(struct generation_writes *w)
{
	free(w->ops);
	free(w->keys[0]);
	free(w->keys[1]);
	free(w->backends);
	free(w->backend_index);
	free(w->standby);
	memset(w, 0, sizeof(*w));
}
