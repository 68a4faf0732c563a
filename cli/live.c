// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli/live.h"

static int read_array(int fd, __u32 n, void *values, size_t value_size, const char *what)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &i, (char *)values + i * value_size)) {
			fprintf(stderr, "sluice: reading %s[%u]: %s\n", what, i,
				strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int by_service_id(const void *a, const void *b)
{
	const struct live_service *x = a, *y = b;

	return (x->val.id > y->val.id) - (x->val.id < y->val.id);
}

/* Hash order changes with every insert; service id order is stable for people. */
static int read_services(const struct sluice_maps *maps, struct live_state *live)
{
	struct sluice_vip_key key, next;
	struct live_service *svc;
	void *prev = NULL;

	while (!bpf_map_get_next_key(maps->services, prev, &next)) {
		if (live->n_services == SLUICE_MAX_SERVICES)
			break;
		svc = &live->services[live->n_services];
		svc->key = next;
		if (bpf_map_lookup_elem(maps->services, &next, &svc->val) == 0) {
			if (svc->val.id < SLUICE_MAX_SERVICES &&
			    bpf_map_lookup_elem(maps->service_meta, &svc->val.id,
						&svc->meta) == 0)
				live->n_services++;
		}
		key = next;
		prev = &key;
	}
	qsort(live->services, live->n_services, sizeof(live->services[0]), by_service_id);
	return 0;
}

/* The active rule set is an inner map; user space reaches it through its id. */
static int read_rules(const struct sluice_maps *maps, struct live_state *live)
{
	__u32 zero = 0, inner_id, i;
	int fd;

	if (bpf_map_lookup_elem(maps->rule_sets, &zero, &inner_id))
		return errno == ENOENT ? 0 : -errno;
	fd = bpf_map_get_fd_by_id(inner_id);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	for (i = 0; i < SLUICE_MAX_RULES + 1; i++) {
		if (bpf_map_lookup_elem(fd, &i, &live->rules[i]))
			break;
		live->n_rules++;
	}
	close(fd);
	return 0;
}

int live_read(const struct sluice_maps *maps, struct live_state **out)
{
	struct live_state *live;
	__u32 zero = 0;
	int err;

	live = calloc(1, sizeof(*live));
	if (!live)
		return -ENOMEM;
	err = bpf_map_lookup_elem(maps->settings, &zero, &live->settings) ? -errno : 0;
	if (!err)
		err = read_array(maps->backends, SLUICE_MAX_BACKENDS, live->backends,
				 sizeof(live->backends[0]), "backends");
	if (!err)
		err = read_array(maps->rule_meta, SLUICE_MAX_RULES + 1, live->rule_meta,
				 sizeof(live->rule_meta[0]), "rule_meta");
	if (!err)
		err = read_services(maps, live);
	if (!err)
		err = read_rules(maps, live);
	if (err) {
		fprintf(stderr, "sluice: cannot read the live state: %s\n", strerror(-err));
		free(live);
		return err;
	}
	*out = live;
	return 0;
}

const struct live_service *live_service_by_id(const struct live_state *live, __u32 id)
{
	size_t i;

	for (i = 0; i < live->n_services; i++)
		if (live->services[i].val.id == id)
			return &live->services[i];
	return NULL;
}

int live_counter(int map_fd, __u32 index, struct sluice_counter *sum)
{
	int ncpus = maps_ncpus(), cpu;
	struct sluice_counter *cells;

	memset(sum, 0, sizeof(*sum));
	cells = calloc(ncpus, sizeof(*cells));
	if (!cells)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &index, cells)) {
		free(cells);
		return -errno;
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		sum->packets += cells[cpu].packets;
		sum->bytes += cells[cpu].bytes;
	}
	free(cells);
	return 0;
}
