// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf/names.h"

/* FNV-1a: names are short and chosen by people, not by an adversary. */
static size_t hash_name(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *name; name++) {
		h ^= (unsigned char)*name;
		h *= 0x100000001b3ULL;
	}
	return (size_t)h;
}

int conf_names_init(struct conf_names *names, size_t max)
{
	size_t n = 2;

	/* At most half full, so every probe sequence is short and ends at a free slot. */
	while (n < 2 * max)
		n *= 2;
	names->slots = calloc(n, sizeof(*names->slots));
	names->mask = n - 1;
	return names->slots ? 0 : -1;
}

void conf_names_free(struct conf_names *names)
{
	free(names->slots);
	names->slots = NULL;
}

/* The slot holding name, or the free slot where it would go. */
static struct conf_named *slot_of(const struct conf_names *names, const char *name)
{
	size_t i = hash_name(name) & names->mask;

	while (names->slots[i].name && strcmp(names->slots[i].name, name) != 0)
		i = (i + 1) & names->mask;
	return &names->slots[i];
}

const struct conf_pos *conf_names_find(const struct conf_names *names, const char *name)
{
	const struct conf_named *slot = slot_of(names, name);

	return slot->name ? &slot->pos : NULL;
}

void conf_names_add(struct conf_names *names, const char *name, struct conf_pos pos)
{
	struct conf_named *slot = slot_of(names, name);

	slot->name = name;
	slot->pos = pos;
}
