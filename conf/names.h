/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The names given so far in one list, with where each was given: telling that a
 * name is already used costs one hash lookup, not a scan of every earlier entry,
 * so a list of thousands of rules stays fast to check.
 */
#ifndef SLUICE_CONF_NAMES_H
#define SLUICE_CONF_NAMES_H

#include <stddef.h>

#include "conf/config.h"

struct conf_named {
	const char *name;	/* NULL: free slot */
	struct conf_pos pos;
};

struct conf_names {
	struct conf_named *slots;
	size_t mask;		/* number of slots - 1; a power of two, at least twice max */
};

/* Room for up to max names. Returns 0, or -1 when out of memory. */
int conf_names_init(struct conf_names *names, size_t max);
void conf_names_free(struct conf_names *names);

/* Where name was added, or NULL when it was not. */
const struct conf_pos *conf_names_find(const struct conf_names *names, const char *name);

/* Add a name that is not in the set yet; the string must outlive the set. */
void conf_names_add(struct conf_names *names, const char *name, struct conf_pos pos);

#endif /* SLUICE_CONF_NAMES_H */
