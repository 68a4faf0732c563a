// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Building blocks of a plan: queued map writes and the notes that explain them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "plan/plan_ops.h"

static void *dup_bytes(const void *src, size_t len)
{
	void *dst = malloc(len ? len : 1);

	if (dst && len)
		memcpy(dst, src, len);
	return dst;
}

int plan_add_op(struct plan *plan, enum op_kind kind, int map_fd, const void *key,
		uint32_t key_len, const void *value, uint32_t value_len)
{
	struct op *op;

	if (plan->n_ops == plan->cap_ops) {
		size_t cap = plan->cap_ops ? plan->cap_ops * 2 : 64;
		struct op *ops = realloc(plan->ops, cap * sizeof(*ops));

		if (!ops)
			return -ENOMEM;
		plan->ops = ops;
		plan->cap_ops = cap;
	}
	op = &plan->ops[plan->n_ops];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->map_fd = map_fd;
	op->key_len = key_len;
	op->value_len = value_len;
	op->key = dup_bytes(key, key_len);
	op->value = value ? dup_bytes(value, value_len) : NULL;
	if (!op->key || (value && !op->value)) {
		free(op->key);
		free(op->value);
		return -ENOMEM;
	}
	plan->n_ops++;
	return 0;
}

/* An op whose value is `entries` values of value_size bytes, keyed by one u32. */
static int add_values(struct plan *plan, enum op_kind kind, int map_fd, uint32_t key,
		      const void *values, uint32_t value_size, uint32_t entries)
{
	int err = plan_add_op(plan, kind, map_fd, &key, sizeof(key), values,
			      value_size * entries);

	if (err)
		return err;
	plan->ops[plan->n_ops - 1].inner_value_size = value_size;
	plan->ops[plan->n_ops - 1].inner_entries = entries;
	return 0;
}

int plan_add_inner(struct plan *plan, int outer_fd, uint32_t slot, const void *values,
		   uint32_t value_size, uint32_t entries)
{
	return add_values(plan, OP_INNER, outer_fd, slot, values, value_size, entries);
}

int plan_add_inner_keyed(struct plan *plan, int outer_fd, uint32_t slot, uint32_t type,
			 uint32_t flags, const void *keys, uint32_t key_size, const void *values,
			 uint32_t value_size, uint32_t entries)
{
	struct op *op;
	int err = add_values(plan, OP_INNER_KEYED, outer_fd, slot, values, value_size, entries);

	if (err)
		return err;
	op = &plan->ops[plan->n_ops - 1];
	op->inner_type = type;
	op->inner_flags = flags;
	op->inner_key_size = key_size;
	op->inner_keys = dup_bytes(keys, (size_t)key_size * entries);
	return op->inner_keys ? 0 : -ENOMEM;
}

/* Per-CPU cells are 8-byte aligned; both counter types are multiples of 8. */
static int zero_cells(struct plan *plan, int map_fd, uint32_t index, size_t cell_size)
{
	size_t len = (size_t)maps_ncpus() * cell_size;
	void *zeros = calloc(1, len);
	int err;

	if (!zeros)
		return -ENOMEM;
	err = plan_add_op(plan, OP_UPDATE, map_fd, &index, sizeof(index), zeros, len);
	free(zeros);
	return err;
}

int plan_zero_counter(struct plan *plan, int map_fd, uint32_t index)
{
	return zero_cells(plan, map_fd, index, sizeof(struct sluice_counter));
}

int plan_zero_new_flows(struct plan *plan, int map_fd, uint32_t index)
{
	return zero_cells(plan, map_fd, index, sizeof(struct sluice_flow_counter));
}

int plan_note(struct plan *plan, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int len;

	if (plan->n_notes == plan->cap_notes) {
		size_t cap = plan->cap_notes ? plan->cap_notes * 2 : 32;
		char **notes = realloc(plan->notes, cap * sizeof(*notes));

		if (!notes)
			return -ENOMEM;
		plan->notes = notes;
		plan->cap_notes = cap;
	}
	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -ENOMEM;
	plan->notes[plan->n_notes++] = line;
	return 0;
}

void plan_free(struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->n_ops; i++) {
		free(plan->ops[i].key);
		free(plan->ops[i].value);
		free(plan->ops[i].inner_keys);
	}
	for (i = 0; i < plan->n_notes; i++)
		free(plan->notes[i]);
	free(plan->ops);
	free(plan->notes);
	memset(plan, 0, sizeof(*plan));
}
