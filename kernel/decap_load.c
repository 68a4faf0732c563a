// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Loading `sluice decap` with its pinned maps filled in, then attaching it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdp/decap.skel.h"
#include "kernel/decap_state.h"
#include "kernel/liblog.h"
#include "kernel/pin.h"

/* The key decap_sources is looked up with: family's byte, then the address. */
static struct sluice_decap_key source_key(const struct conf_cidr *p)
{
	struct sluice_decap_key key = {0};

	key.prefixlen = 8 + p->prefix_len;
	key.family = p->addr.family == AF_INET6 ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	memcpy(key.addr, p->addr.bytes, sizeof(key.addr));
	return key;
}

/*
 * Create one of the object's maps, as libbpf would, and pin it where libbpf will
 * find and reuse it at load: decap then restricts sources from its first packet.
 */
static int create_pinned(const struct bpf_map *map, const char *dir, int *fd_out)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = bpf_map__map_flags(map));
	char path[PATH_MAX];
	int fd;

	fd = bpf_map_create(bpf_map__type(map), bpf_map__name(map), bpf_map__key_size(map),
			    bpf_map__value_size(map), bpf_map__max_entries(map), &opts);
	if (fd < 0)
		return -errno;
	pin_map_path(dir, bpf_map__name(map), path);
	if (bpf_obj_pin(fd, path)) {
		int err = -errno;

		close(fd);
		return err;
	}
	*fd_out = fd;
	return 0;
}

static int prefill(struct decap_bpf *skel, const char *dir, const struct conf_cidr *from,
		   size_t n_from)
{
	struct sluice_decap_settings settings = { .restricted = n_from > 0 };
	int settings_fd = -1, sources_fd = -1, err;
	__u8 value[64] = { 1 };	/* an entry's presence is what counts */
	__u32 zero = 0;
	size_t i;

	if (bpf_map__value_size(skel->maps.decap_sources) > sizeof(value))
		return -E2BIG;
	err = create_pinned(skel->maps.decap_settings, dir, &settings_fd);
	if (!err)
		err = create_pinned(skel->maps.decap_sources, dir, &sources_fd);
	for (i = 0; !err && i < n_from; i++) {
		struct sluice_decap_key key = source_key(&from[i]);

		if (bpf_map_update_elem(sources_fd, &key, value, BPF_ANY))
			err = -errno;
	}
	if (!err && bpf_map_update_elem(settings_fd, &zero, &settings, BPF_ANY))
		err = -errno;
	if (settings_fd >= 0)
		close(settings_fd);
	if (sources_fd >= 0)
		close(sources_fd);
	return err;
}

static int set_pin_paths(struct decap_bpf *skel, const char *dir)
{
	struct bpf_map *maps[] = { skel->maps.decap_stats, skel->maps.decap_settings,
				   skel->maps.decap_sources };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		pin_map_path(dir, bpf_map__name(maps[i]), path);
		if (bpf_map__set_pin_path(maps[i], path))
			return -errno;
	}
	return 0;
}

/* Load through libxdp (its dispatcher where the kernel allows it, else alone). */
int decap_load_attach(const char *ifname, int ifindex, enum xdp_attach_mode mode,
		      const char *dir, const struct conf_cidr *from, size_t n_from)
{
	struct xdp_program *prog;
	struct decap_bpf *skel;
	char msg[256];
	int err;

	skel = decap_bpf__open();
	if (!skel)
		return -errno;
	err = prefill(skel, dir, from, n_from);
	if (!err)
		err = set_pin_paths(skel, dir);
	if (err) {
		fprintf(stderr, "sluice: cannot create the decap maps of %s: %s\n", ifname,
			strerror(-err));
		goto out;
	}
	prog = xdp_program__from_bpf_obj(skel->obj, "xdp");
	err = (int)libxdp_get_error(prog);
	if (err) {
		liblog_flush();
		fprintf(stderr, "sluice: cannot load decap: %s\n", strerror(-err));
		goto out;
	}
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (err) {
		liblog_flush();
		libxdp_strerror(err, msg, sizeof(msg));
		fprintf(stderr, "sluice: attaching decap to %s: %s\n", ifname, msg);
		if (err == -EEXIST || err == -EBUSY)
			fprintf(stderr, "sluice: another XDP program is on %s\n", ifname);
	} else {
		liblog_clear();
	}
	xdp_program__close(prog);
out:
	decap_bpf__destroy(skel);
	return err;
}
