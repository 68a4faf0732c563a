// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice upgrade`: a new program on the pinned maps, swapped in atomically. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "xdp/sluice.skel.h"
#include "kernel/identity.h"
#include "kernel/liblog.h"
#include "kernel/maps.h"
#include "kernel/xdp_link.h"
#include "kernel/seal.h"
#include "kernel/xdp_upgrade.h"

/* The object's bytes: the file's (read into *owned, to free) or this sluice's own. */
static const void *object_bytes(const char *path, size_t *len, void **owned)
{
	struct stat st;
	ssize_t got;
	int fd;

	*owned = NULL;
	if (!path)
		return sluice_bpf__elf_bytes(len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !(*owned = malloc((size_t)st.st_size + 1))) {
		fprintf(stderr, "sluice: cannot read %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	got = read(fd, *owned, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		fprintf(stderr, "sluice: cannot read %s whole\n", path);
		free(*owned);
		*owned = NULL;
		return NULL;
	}
	*len = (size_t)got;
	return *owned;
}

/* The new object's layout must be the running maps' and this sluice's. */
static int layouts_agree(const char *ifname, const char *what, struct bpf_object *obj,
			 const struct identity_seen *seen)
{
	__u32 layout;

	if (identity_object_layout(obj, &layout)) {
		fprintf(stderr, "sluice: %s is not a sluice program (it names no map layout)\n",
			what);
		return -EINVAL;
	}
	if (layout != seen->id.layout) {
		fprintf(stderr, "sluice: %s is built for map layout %u, but program %u on %s "
			"keeps its maps in layout %u, and sluice migrates no layout: nothing "
			"changed. To run it, `sluice attach --replace %s -f CONFIG` (flows and "
			"counters start afresh)\n", what, layout, seen->prog_id, ifname,
			seen->id.layout, ifname);
		return -EPROTO;
	}
	if (layout != SLUICE_LAYOUT_VERSION) {
		fprintf(stderr, "sluice: %s is built for map layout %u, which this sluice "
			"(layout %u) could not read afterwards: upgrade with the sluice that "
			"comes with it\n", what, layout, SLUICE_LAYOUT_VERSION);
		return -EPROTO;
	}
	return 0;
}

/*
 * Make obj's maps what the pinned ones are where the declaration cannot say it: the
 * flow table's size (set at attach), and the flag the kernel adds to a device map
 * (BPF_F_RDONLY_PROG), which libbpf would otherwise take for another layout.
 */
static int match_pins(struct bpf_object *obj, const struct sluice_maps *maps)
{
	const int *fds = (const int *)maps;
	struct bpf_map *map;

	for (unsigned int i = 0; i < sluice_map_count; i++) {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info);

		map = bpf_object__find_map_by_name(obj, maps_object_name(i));
		if (!map || bpf_obj_get_info_by_fd(fds[i], &info, &len))
			return -ENOENT;
		if (!strcmp(sluice_map_names[i], "flows") &&
		    bpf_map__set_max_entries(map, info.max_entries))
			return -errno;
		if ((info.map_flags ^ bpf_map__map_flags(map)) == BPF_F_RDONLY_PROG &&
		    bpf_map__set_map_flags(map, info.map_flags))
			return -errno;
	}
	return 0;
}

/* Load obj onto ifname's pinned maps. */
static int load_onto_pins(struct bpf_object *obj, const char *ifname,
			  const struct sluice_maps *maps)
{
	int err;

	err = xdp_link_pin_paths(obj, ifname) ?: match_pins(obj, maps);
	if (err == -ENOENT)
		fprintf(stderr, "sluice: the new program lacks maps that %s has pinned; "
			"nothing changed\n", ifname);
	if (!err && bpf_object__load(obj)) {
		err = -errno;
		liblog_flush();
		fprintf(stderr, "sluice: the new program cannot take over the pinned maps of %s: "
			"%s; nothing changed\n", ifname, strerror(-err));
	}
	liblog_clear();
	return err;
}

/* Swap new_fd in for the program old_id on ifindex, or fail if it is not there any more. */
static int replace_atomically(int ifindex, const struct attached *at, int new_fd)
{
	int old_fd = bpf_prog_get_fd_by_id(at->prog_id), err;
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = old_fd);
	__u32 flags = XDP_FLAGS_REPLACE |
		      (at->mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

	if (old_fd < 0)
		return -errno;
	err = bpf_xdp_attach(ifindex, new_fd, flags, &opts);
	close(old_fd);
	return err;
}

int xdp_upgrade(const char *ifname, const char *object_path, struct upgrade_done *done)
{
	int ifindex = (int)if_nametoindex(ifname), err, prog_fd;
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = "sluice_bpf");
	const char *what = object_path ? object_path : "this sluice's program";
	struct identity_seen seen;
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct sluice_maps maps;
	struct attached at;
	const void *bytes;
	void *owned;
	size_t len;

	if (!ifindex || xdp_link_find(ifindex, &at) || (!at.present && !maps_any_pinned(ifname))) {
		fprintf(stderr, "sluice: sluice is not attached to %s: nothing to upgrade\n",
			ifname);
		return -ENOENT;
	}
	if (maps_open_pins(ifname, &maps))
		return -ENOENT;
	/* Says what is wrong when the program is gone or another tool's too. */
	err = identity_check_pins(ifname, &maps, &seen);
	if (!err && at.dispatcher) {
		fprintf(stderr, "sluice: program %u runs in libxdp's dispatcher on %s, which "
			"cannot swap one of its programs atomically: nothing changed\n",
			at.prog_id, ifname);
		err = -EOPNOTSUPP;
	}
	bytes = err ? NULL : object_bytes(object_path, &len, &owned);
	if (!bytes) {
		maps_close(&maps);
		return err ?: -EIO;
	}
	obj = bpf_object__open_mem(bytes, len, &open_opts);
	if (!obj) {
		err = -errno;
		liblog_flush();
		fprintf(stderr, "sluice: %s is not a BPF object: %s\n", what, strerror(-err));
		goto out;
	}
	err = layouts_agree(ifname, what, obj, &seen) ?:
	      load_onto_pins(obj, ifname, &maps);
	prog = err ? NULL : bpf_object__find_program_by_name(obj, SLUICE_PROG_NAME);
	if (!err && !prog) {
		fprintf(stderr, "sluice: %s has no program %s\n", what, SLUICE_PROG_NAME);
		err = -ENOENT;
	}
	if (err)
		goto close_obj;
	prog_fd = bpf_program__fd(prog);
	err = identity_stamp(obj, prog_fd, identity_digest(bytes, len));
	if (err)
		fprintf(stderr, "sluice: cannot stamp sluice's identity on the new program: %s\n",
			strerror(-err));
	else
		err = replace_atomically(ifindex, &at, prog_fd);
	if (err == -EEXIST || err == -EBUSY)
		fprintf(stderr, "sluice: program %u left %s while the new one loaded: nothing "
			"changed\n", at.prog_id, ifname);
	else if (err)
		fprintf(stderr, "sluice: replacing program %u on %s: %s\n", at.prog_id, ifname,
			strerror(-err));
	if (!err && !xdp_link_find(ifindex, &at)) {
		done->old_id = seen.prog_id;
		done->new_id = at.prog_id;
		done->layout = seen.id.layout;
		/* The new program is sluice's own doing: not a tamper to report. */
		err = seal_move_program(ifname, done->old_id, done->new_id);
		if (err)
			fprintf(stderr, "sluice: %s: cannot record the new program in the "
				"seal: %s\n", ifname, strerror(-err));
	}
close_obj:
	bpf_object__close(obj);
out:
	free(owned);
	maps_close(&maps);
	return err;
}
