// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Reading back what the compiled Maglev and filter tables of a slot hold. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/tables.h"

/* The inner map in slot of an outer map (array of maps), opened; or -errno. */
static int inner_open(int outer, __u32 slot)
{
	__u32 inner_id;
	int fd;

	if (bpf_map_lookup_elem(outer, &slot, &inner_id))
		return -errno;
	fd = bpf_map_get_fd_by_id(inner_id);
	return fd < 0 ? -errno : fd;
}

int tables_maglev_slots(const struct sluice_maps *maps, const struct live_state *live,
			__u32 slot, __u32 size, __u32 *slots_of,
			char digest[MAGLEV_DIGEST_HEX_LEN])
{
	int fd = inner_open(maps->maglev_tables, slot), err;
	__u32 i, value, read, *cells;
	struct maglev_digest d;
	__u8 key[17];

	digest[0] = '\0';
	if (fd < 0)
		return fd;
	cells = calloc(size ? size : 1, sizeof(*cells));
	/* Cells the map does not have stay 0: backend id 0, no backend, an empty slot. */
	err = cells ? live_read_cells(fd, size, cells, &read) : -ENOMEM;
	close(fd);
	if (err) {
		free(cells);
		return err;
	}
	maglev_digest_init(&d, size);
	for (i = 0; i < size; i++) {
		value = cells[i];
		if (value >= SLUICE_MAX_BACKENDS ||
		    !(live->backends[value].flags & SLUICE_BACKEND_F_LIVE)) {
			maglev_digest_slot(&d, NULL, 0);
			continue;
		}
		slots_of[value]++;
		/* Named as the planner keys backends: ids are each node's own. */
		key[0] = live->backends[value].family;
		memcpy(&key[1], live->backends[value].addr, 16);
		maglev_digest_slot(&d, key, sizeof(key));
	}
	free(cells);
	maglev_digest_hex(&d, digest);
	return 0;
}

/* Kernel memory of a map, as the kernel charges it (fdinfo's memlock). */
static long long map_memlock(int fd)
{
	char path[64], line[128];
	long long bytes = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &bytes) == 1)
			break;
	fclose(f);
	return bytes;
}

/* Entries of a keyed map, counted (an empty one is created with room for one). */
static long long count_keys(int fd, __u32 key_size)
{
	char key[64], next[64];
	long long n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return -1;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

/* Entries of the active slot's inner map in one outer map; adds its memory. */
static long long inner_entries(int outer, __u32 slot, long long *memory)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);
	long long entries = -1;
	int fd = inner_open(outer, slot);

	if (fd < 0)
		return -1;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		entries = info.type == BPF_MAP_TYPE_ARRAY ? info.max_entries :
							   count_keys(fd, info.key_size);
	*memory += map_memlock(fd);
	close(fd);
	return entries;
}

void tables_filter_read(const struct sluice_maps *maps, __u32 slot, struct tables_filter *out)
{
	out->memory_bytes = 0;
	out->table_cells = inner_entries(maps->filter_tables, slot, &out->memory_bytes);
	out->prefixes = inner_entries(maps->filter_prefixes, slot, &out->memory_bytes);
	out->pair_entries = inner_entries(maps->filter_pairs, slot, &out->memory_bytes);
	out->address_joins = inner_entries(maps->filter_mixed, slot, &out->memory_bytes);
	/* The slot's value of the fixed regions, the hot copy's room included. */
	out->memory_bytes += (long long)SLUICE_FIXED_CELLS * sizeof(__u64);
}
