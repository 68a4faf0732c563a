// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Reading back `sluice decap`'s pinned maps: what it accepts, what it counted. */
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/decap_state.h"
#include "kernel/live.h"
#include "kernel/pin.h"

static const char *const pinned_maps[] = { "decap_settings", "decap_sources", "decap_stats" };

static int open_pinned(const char *dir, const char *map)
{
	char path[PATH_MAX];

	pin_map_path(dir, map, path);
	return bpf_obj_get(path);
}

static void read_sources(int fd, struct decap_state *out)
{
	struct sluice_decap_key key, next;
	void *prev = NULL;

	while (out->n_sources < SLUICE_DECAP_SOURCES && !bpf_map_get_next_key(fd, prev, &next)) {
		struct conf_cidr *p = &out->sources[out->n_sources++];

		memset(p, 0, sizeof(*p));
		p->addr.family = next.family == SLUICE_AF_INET6 ? AF_INET6 : AF_INET;
		memcpy(p->addr.bytes, next.addr, sizeof(p->addr.bytes));
		p->prefix_len = (uint8_t)(next.prefixlen - 8);
		key = next;
		prev = &key;
	}
}

void decap_state_read(const char *dir, struct decap_state *out)
{
	struct sluice_decap_settings settings = {0};
	int fd;
	__u32 i, zero = 0;

	memset(out, 0, sizeof(*out));
	fd = open_pinned(dir, "decap_settings");
	if (fd >= 0) {
		if (!bpf_map_lookup_elem(fd, &zero, &settings))
			out->restricted = settings.restricted;
		close(fd);
	}
	fd = open_pinned(dir, "decap_sources");
	if (fd >= 0) {
		read_sources(fd, out);
		close(fd);
	}
	fd = open_pinned(dir, "decap_stats");
	if (fd < 0)
		return;
	out->counted = true;
	for (i = 0; i < SLUICE_DECAP_STAT_MAX; i++)
		if (live_counter(fd, i, &out->counters[i]))
			memset(&out->counters[i], 0, sizeof(out->counters[i]));
	close(fd);
}

/* The map ids of program prog_id into ids[0..*n); -1 if it cannot be read. */
static int prog_map_ids(__u32 prog_id, __u32 *ids, __u32 *n)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id), err;

	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = *n;
	info.map_ids = (__u64)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	if (info.nr_map_ids < *n)
		*n = info.nr_map_ids;
	return err ? -1 : 0;
}

const char *decap_state_stranger(const char *dir, __u32 prog_id)
{
	__u32 ids[16], n = 16;

	if (prog_map_ids(prog_id, ids, &n))
		return pinned_maps[0];
	for (size_t i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info), j;
		int fd = open_pinned(dir, pinned_maps[i]);
		bool read = fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len);

		if (fd >= 0)
			close(fd);
		for (j = 0; read && j < n && ids[j] != info.id; j++)
			;
		if (!read || j == n)
			return pinned_maps[i];
	}
	return NULL;
}
