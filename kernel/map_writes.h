/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Writes into the live maps, and carrying out a list of them all or nothing. The
 * planner decides the writes; only this layer performs them.
 */
#ifndef SLUICE_KERNEL_MAP_WRITES_H
#define SLUICE_KERNEL_MAP_WRITES_H

#include <stddef.h>
#include <stdint.h>

enum op_kind {
	OP_UPDATE,	/* map[key] = value */
	OP_DELETE,	/* delete map[key] (absent is fine) */
	OP_INNER,	/* map[key] = new inner array of `entries` values from `value` */
	OP_INNER_KEYED,	/* map[key] = new inner map of type inner_type, inner_keys -> value */
};

struct op {
	enum op_kind kind;
	int map_fd;
	void *key;
	void *value;
	uint32_t key_len;
	uint32_t value_len;	/* whole buffer; per-CPU maps: one cell per CPU */
	uint32_t inner_value_size;
	uint32_t inner_entries;
	/* OP_INNER_KEYED only */
	uint32_t inner_type;	/* enum bpf_map_type */
	uint32_t inner_flags;
	uint32_t inner_key_size;
	void *inner_keys;	/* inner_entries keys, back to back */
};

/*
 * Perform ops[0..n_ops-1] in order. If one fails, every write already done is
 * undone in reverse order, so the running state is exactly what it was. Returns 0
 * or the -errno of the failed write (after printing it).
 */
int map_writes_execute(const struct op *ops, size_t n_ops);

#endif /* SLUICE_KERNEL_MAP_WRITES_H */
