// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Map writes carried out in order, each undone again if a later one fails. A run of
 * writes into one map goes in one batch: one syscall for every backend or rule of an
 * apply, and one RCU grace period (not one per entry) for a run of inner maps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "kernel/fault.h"
#include "kernel/maps.h"
#include "kernel/map_writes.h"

/* What it takes to put one map entry back as it was before an op. */
struct undo {
	int map_fd;
	const void *key;
	void *old_value;	/* NULL: the entry was absent */
	int old_inner_fd;	/* OP_INNER: the inner map that was there, or -1 */
	bool inner;
};

static int buffer_len(int map_fd, __u32 *len)
{
	struct bpf_map_info info = {0};
	__u32 info_len = sizeof(info);

	if (bpf_obj_get_info_by_fd(map_fd, &info, &info_len))
		return -errno;
	*len = info.value_size;
	if (info.type == BPF_MAP_TYPE_PERCPU_ARRAY || info.type == BPF_MAP_TYPE_PERCPU_HASH ||
	    info.type == BPF_MAP_TYPE_LRU_PERCPU_HASH)
		*len = ((info.value_size + 7) & ~7U) * maps_ncpus();
	return 0;
}

static int save_old(const struct op *op, struct undo *u)
{
	__u32 len = 0, inner_id;

	memset(u, 0, sizeof(*u));
	u->map_fd = op->map_fd;
	u->key = op->key;
	u->old_inner_fd = -1;
	if (op->kind == OP_INNER || op->kind == OP_INNER_KEYED) {
		u->inner = true;
		if (bpf_map_lookup_elem(op->map_fd, op->key, &inner_id))
			return errno == ENOENT ? 0 : -errno;
		u->old_inner_fd = bpf_map_get_fd_by_id(inner_id);
		return u->old_inner_fd < 0 ? -errno : 0;
	}
	if (buffer_len(op->map_fd, &len))
		return -EBADF;
	u->old_value = malloc(len);
	if (!u->old_value)
		return -ENOMEM;
	if (bpf_map_lookup_elem(op->map_fd, op->key, u->old_value)) {
		free(u->old_value);
		u->old_value = NULL;
		return errno == ENOENT ? 0 : -errno;
	}
	return 0;
}

/*
 * A new array filled through a mapping of its memory: one pass of stores, where
 * updates (even in one batch) cost the kernel a copy and a call each, about 10 ms
 * for a table of 65,537 slots. The kernel keeps each cell at an 8-byte stride.
 */
static int create_inner(const struct op *op)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_INNER_MAP | BPF_F_MMAPABLE);
	size_t stride = (op->inner_value_size + 7) & ~7UL;
	size_t len = stride * op->inner_entries;
	char *cells;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, sizeof(__u32), op->inner_value_size,
			    op->inner_entries, &opts);
	if (fd < 0)
		return -errno;
	cells = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (cells == MAP_FAILED) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (stride == op->inner_value_size)
		memcpy(cells, op->value, len);
	else
		for (__u32 i = 0; i < op->inner_entries; i++)
			memcpy(cells + i * stride,
			       (const char *)op->value + (size_t)i * op->inner_value_size,
			       op->inner_value_size);
	munmap(cells, len);
	return fd;
}

/*
 * A trie or hash map filled entry by entry (tries take no batches). The size is
 * the entry count: a full map would refuse nothing here, and wastes no memory.
 */
static int create_inner_keyed(const struct op *op)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = op->inner_flags);
	__u32 i, entries = op->inner_entries ? op->inner_entries : 1;
	int fd;

	fd = bpf_map_create(op->inner_type, NULL, op->inner_key_size, op->inner_value_size,
			    entries, &opts);
	if (fd < 0)
		return -errno;
	for (i = 0; i < op->inner_entries; i++) {
		const char *key = (const char *)op->inner_keys + (size_t)i * op->inner_key_size;
		const char *value = (const char *)op->value + (size_t)i * op->inner_value_size;

		if (bpf_map_update_elem(fd, key, value, BPF_NOEXIST)) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	return fd;
}

static int do_op(const struct op *op)
{
	fault_point();
	switch (op->kind) {
	case OP_UPDATE:
		return bpf_map_update_elem(op->map_fd, op->key, op->value, BPF_ANY) ? -errno : 0;
	case OP_DELETE:
		if (bpf_map_delete_elem(op->map_fd, op->key) && errno != ENOENT)
			return -errno;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Can a and b share one batch? Same map, same kind, same sizes. */
static bool same_run(const struct op *a, const struct op *b)
{
	bool inner = a->kind == OP_INNER || a->kind == OP_INNER_KEYED;

	if (a->map_fd != b->map_fd)
		return false;
	if (inner)
		return b->kind == OP_INNER || b->kind == OP_INNER_KEYED;
	return a->kind == OP_UPDATE && b->kind == OP_UPDATE && a->key_len == b->key_len &&
	       a->value_len == b->value_len;
}

/* Maps whose batch update is the kernel's loop of single updates (not devmaps). */
static bool batchable(int map_fd)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return false;
	switch (info.type) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return true;
	default:
		return false;
	}
}

/* Keys and values of ops[0..n-1] back to back, as a batch takes them. */
static int pack(const struct op *ops, size_t n, size_t key_len, size_t value_len,
		char **keys, char **values)
{
	size_t i;

	*keys = malloc(n * key_len);
	*values = malloc(n * value_len);
	if (!*keys || !*values)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		memcpy(*keys + i * key_len, ops[i].key, key_len);
		memcpy(*values + i * value_len, ops[i].value, value_len);
	}
	return 0;
}

static int update_batch(int map_fd, const void *keys, const void *values, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, batch);
	__u32 count = n;

	fault_point();
	if (bpf_map_update_batch(map_fd, keys, values, &count, &batch))
		return -errno;
	return count == n ? 0 : -EIO;
}

/* n updates of one map in one syscall. */
static int do_updates(const struct op *ops, size_t n)
{
	char *keys = NULL, *values = NULL;
	int err;

	err = pack(ops, n, ops[0].key_len, ops[0].value_len, &keys, &values);
	if (!err)
		err = update_batch(ops[0].map_fd, keys, values, (__u32)n);
	free(keys);
	free(values);
	return err;
}

/* n new inner maps into one outer map: filled one by one, then put in at once. */
static int do_inners(const struct op *ops, size_t n)
{
	__u32 *keys = calloc(n, sizeof(*keys));
	int *fds = calloc(n, sizeof(*fds));
	size_t i, made = 0;
	int err = keys && fds ? 0 : -ENOMEM;

	for (i = 0; !err && i < n; i++, made++) {
		keys[i] = *(const __u32 *)ops[i].key;
		fds[i] = ops[i].kind == OP_INNER ? create_inner(&ops[i]) :
						   create_inner_keyed(&ops[i]);
		if (fds[i] < 0)
			err = fds[i];
	}
	if (!err)
		err = update_batch(ops[0].map_fd, keys, fds, (__u32)n);
	/* The outer map holds its own references now. */
	for (i = 0; i < made; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(keys);
	free(fds);
	return err;
}

static int do_run(const struct op *ops, size_t n)
{
	int err = 0;

	if (ops[0].kind == OP_INNER || ops[0].kind == OP_INNER_KEYED)
		return do_inners(ops, n);
	if (n > 1 && batchable(ops[0].map_fd))
		return do_updates(ops, n);
	/* One op, or a map that takes no batches (a devmap): one by one. */
	for (size_t i = 0; i < n && !err; i++)
		err = do_op(&ops[i]);
	return err;
}

static void undo_one(struct undo *u)
{
	if (u->inner) {
		if (u->old_inner_fd >= 0)
			bpf_map_update_elem(u->map_fd, u->key, &u->old_inner_fd, BPF_ANY);
		else
			bpf_map_delete_elem(u->map_fd, u->key);
	} else if (u->old_value) {
		bpf_map_update_elem(u->map_fd, u->key, u->old_value, BPF_ANY);
	} else {
		bpf_map_delete_elem(u->map_fd, u->key);
	}
}

static void release(struct undo *u)
{
	free(u->old_value);
	if (u->old_inner_fd >= 0)
		close(u->old_inner_fd);
}

/* Save what ops[0..n-1] overwrite; on failure nothing is kept. */
static int save_run(const struct op *ops, struct undo *undo, size_t n)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		err = save_old(&ops[i], &undo[i]);
	if (err)
		while (i-- > 0)
			release(&undo[i]);
	return err;
}

int map_writes_execute(const struct op *ops, size_t n_ops)
{
	struct undo *undo;
	size_t done = 0, run, i;
	int err = 0;

	undo = calloc(n_ops ? n_ops : 1, sizeof(*undo));
	if (!undo)
		return -ENOMEM;
	while (done < n_ops) {
		for (run = 1; done + run < n_ops && same_run(&ops[done], &ops[done + run]); run++)
			;
		err = save_run(&ops[done], &undo[done], run);
		if (err)
			break;
		err = do_run(&ops[done], run);
		/* A failed run is undone whole: putting back what was not written is harmless. */
		done += run;
		if (err)
			break;
	}
	if (err) {
		fprintf(stderr, "sluice: map update %zu of %zu failed: %s; rolling back\n",
			done, n_ops, strerror(-err));
		for (i = done; i-- > 0;)
			undo_one(&undo[i]);
	}
	for (i = 0; i < done; i++)
		release(&undo[i]);
	free(undo);
	return err;
}
