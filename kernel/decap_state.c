// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Reading back `sluice decap`'s pinned maps: what it accepts, what it counted. */
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/decap_state.h"
#include "kernel/identity.h"
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

const char *decap_state_stranger(const char *dir, __u32 prog_id)
{
	struct identity_prog_maps prog;

	if (identity_prog_maps(prog_id, &prog))
		return pinned_maps[0];
	for (size_t i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		int fd = open_pinned(dir, pinned_maps[i]);
		bool among = identity_map_among(fd, &prog);

		if (fd >= 0)
			close(fd);
		if (!among)
			return pinned_maps[i];
	}
	return NULL;
}
