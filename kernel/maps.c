// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Opening the pinned maps of an interface by name. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/identity.h"
#include "kernel/maps.h"
#include "kernel/pin.h"

const char *const sluice_map_names[] = {
	"settings", "stats", "services", "maglev_tables", "backends", "flows",
	"root", "filter_headers", "filter_fixed", "filter_tables", "filter_prefixes",
	"filter_pairs", "filter_mixed",
	"rule_stats", "rule_limited", "rule_limits", "rule_buckets", "limit_sources", "service_stats",
	"backend_stats",
	"service_meta", "rule_meta",
	"service_flows", "backend_flows", "flow_guard", "tx_ports", "health_peers",
	"monitor_gate", "monitor_events", "monitor_budget",
};
const unsigned int sluice_map_count =
	sizeof(sluice_map_names) / sizeof(sluice_map_names[0]);

_Static_assert(sizeof(struct sluice_maps) ==
	       sizeof(sluice_map_names) / sizeof(sluice_map_names[0]) * sizeof(int),
	       "every map has a name");

const char *maps_object_name(unsigned int i)
{
	/* A global's map is named after its section, which libbpf keeps dotted. */
	if (i == offsetof(struct sluice_maps, monitor_gate) / sizeof(int))
		return ".data.monitor";
	if (i == offsetof(struct sluice_maps, root) / sizeof(int))
		return ".data.root";
	return sluice_map_names[i];
}

int maps_open_pins(const char *ifname, struct sluice_maps *maps)
{
	int *fds = (int *)maps;
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < sluice_map_count; i++)
		fds[i] = -1;
	for (i = 0; i < sluice_map_count; i++) {
		pin_map_path(ifname, sluice_map_names[i], path);
		fds[i] = bpf_obj_get(path);
		if (fds[i] < 0) {
			int err = -errno;

			if (err == -ENOENT)
				fprintf(stderr, "sluice: the state of %s is incomplete (no "
					"%s); `sluice detach %s` removes what is left, then "
					"attach again\n", ifname, path, ifname);
			else
				fprintf(stderr, "sluice: cannot open %s: %s\n", path,
					strerror(-err));
			maps_close(maps);
			return err;
		}
	}
	return 0;
}

int maps_open(const char *ifname, struct sluice_maps *maps)
{
	int err = maps_open_pins(ifname, maps);

	if (!err && identity_check(ifname, maps, NULL)) {
		maps_close(maps);
		err = -EPROTO;
	}
	return err;
}

bool maps_pinned(const char *ifname)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < sluice_map_count; i++) {
		pin_map_path(ifname, sluice_map_names[i], path);
		if (access(path, F_OK))
			return false;
	}
	return true;
}

bool maps_any_pinned(const char *ifname)
{
	char path[PATH_MAX];
	unsigned int i;

	for (i = 0; i < sluice_map_count; i++) {
		pin_map_path(ifname, sluice_map_names[i], path);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

void maps_close(struct sluice_maps *maps)
{
	int *fds = (int *)maps;
	unsigned int i;

	for (i = 0; i < sluice_map_count; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int maps_ncpus(void)
{
	static int ncpus;

	if (!ncpus)
		ncpus = libbpf_num_possible_cpus();
	return ncpus;
}
