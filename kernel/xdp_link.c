// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Attaching, finding and detaching XDP programs on an interface (libxdp). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>

#include "xdp/sluice.skel.h"
#include "kernel/identity.h"
#include "kernel/liblog.h"
#include "kernel/maps.h"
#include "kernel/pin.h"
#include "kernel/xdp_holder.h"
#include "kernel/xdp_link.h"

int xdp_link_parse_mode(const char *name, enum xdp_attach_mode *mode)
{
	if (!strcmp(name, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(name, "generic"))
		*mode = XDP_MODE_SKB;
	else
		return -EINVAL;
	return 0;
}

struct json_object *xdp_link_json(const struct attached *at)
{
	json_object *prog = json_object_new_object();

	json_object_object_add(prog, "attached", json_object_new_boolean(at->present));
	if (at->present) {
		json_object_object_add(prog, "id", json_object_new_int64(at->prog_id));
		json_object_object_add(prog, "mode", json_object_new_string(
			xdp_link_mode_name(at->mode)));
		json_object_object_add(prog, "dispatcher",
				       json_object_new_boolean(at->dispatcher));
	}
	return prog;
}

const char *xdp_link_mode_name(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE:
		return "native";
	case XDP_MODE_SKB:
		return "generic";
	case XDP_MODE_HW:
		return "offload";
	default:
		return "unknown";
	}
}

/* libxdp reports either a dispatcher with components or a lone (legacy) program. */
static struct xdp_program *find_named(struct xdp_multiprog *mp, const char *name)
{
	struct xdp_program *prog;

	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		return prog && !strcmp(xdp_program__name(prog), name) ? prog : NULL;
	}
	for (prog = xdp_multiprog__next_prog(NULL, mp); prog;
	     prog = xdp_multiprog__next_prog(prog, mp))
		if (!strcmp(xdp_program__name(prog), name))
			return prog;
	return NULL;
}

int xdp_link_find_named(int ifindex, const char *name, struct attached *out)
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	long err;

	memset(out, 0, sizeof(*out));
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return err == -ENOENT ? 0 : (int)err;
	prog = find_named(mp, name);
	if (prog) {
		out->present = true;
		out->prog_id = xdp_program__id(prog);
		out->mode = xdp_multiprog__attach_mode(mp);
		out->dispatcher = !xdp_multiprog__is_legacy(mp);
	}
	xdp_multiprog__close(mp);
	return 0;
}

int xdp_link_first(int ifindex, struct attached *out, char name[BPF_OBJ_NAME_LEN])
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	long err;

	memset(out, 0, sizeof(*out));
	name[0] = '\0';
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return err == -ENOENT ? 0 : (int)err;
	prog = xdp_multiprog__is_legacy(mp) ? xdp_multiprog__main_prog(mp) :
					      xdp_multiprog__next_prog(NULL, mp);
	if (prog) {
		out->present = true;
		out->prog_id = xdp_program__id(prog);
		out->mode = xdp_multiprog__attach_mode(mp);
		out->dispatcher = !xdp_multiprog__is_legacy(mp);
		snprintf(name, BPF_OBJ_NAME_LEN, "%s", xdp_program__name(prog));
	}
	xdp_multiprog__close(mp);
	return 0;
}

int xdp_link_find(int ifindex, struct attached *out)
{
	return xdp_link_find_named(ifindex, SLUICE_PROG_NAME, out);
}

int xdp_link_pin_paths(struct bpf_object *obj, const char *ifname)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	unsigned int i;

	bpf_object__for_each_map(map, obj) {
		for (i = 0; i < sluice_map_count; i++) {
			if (strcmp(bpf_map__name(map), maps_object_name(i)))
				continue;
			pin_map_path(ifname, sluice_map_names[i], path);
			if (bpf_map__set_pin_path(map, path))
				return -errno;
		}
	}
	return 0;
}

int xdp_link_attach(const char *ifname, int ifindex, enum xdp_attach_mode mode,
		    __u32 flow_entries, struct attached *out)
{
	struct xdp_program *prog;
	struct sluice_bpf *skel;
	char msg[256];
	int err;

	skel = sluice_bpf__open();
	if (!skel)
		return -errno;
	err = xdp_link_pin_paths(skel->obj, ifname);
	/* Only before load: the kernel fixes a map's size when it creates it. */
	if (!err && bpf_map__set_max_entries(skel->maps.flows, flow_entries))
		err = -errno;
	if (err)
		goto out;
	/*
	 * libxdp loads the object: into its dispatcher where the kernel allows
	 * freplace, else alone. Either way the maps are pinned at load.
	 */
	prog = xdp_program__from_bpf_obj(skel->obj, "xdp");
	err = (int)libxdp_get_error(prog);
	if (err) {
		liblog_flush();
		goto out;
	}
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (err) {
		liblog_flush();
		libxdp_strerror(err, msg, sizeof(msg));
		fprintf(stderr, "sluice: attaching to %s: %s\n", ifname, msg);
		goto close;
	}
	liblog_clear();
	/*
	 * libxdp loads and attaches in one call; the stamp follows at once, under the
	 * attach lock, before any apply can look for it.
	 */
	err = identity_stamp(skel->obj, xdp_program__fd(prog), identity_this_object());
	if (err) {
		fprintf(stderr, "sluice: cannot stamp sluice's identity on its program: %s\n",
			strerror(-err));
		xdp_program__detach(prog, ifindex, mode, 0);
	} else {
		err = xdp_link_find(ifindex, out);
	}
close:
	xdp_program__close(prog);
out:
	sluice_bpf__destroy(skel);
	return err;
}

int xdp_link_detach_named(int ifindex, const char *name)
{
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	long err;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return (int)err;
	prog = find_named(mp, name);
	if (!prog)
		err = -ENOENT;
	else if (xdp_multiprog__is_legacy(mp))
		err = xdp_multiprog__detach(mp);
	else
		err = xdp_program__detach(prog, ifindex, xdp_multiprog__attach_mode(mp), 0);
	xdp_multiprog__close(mp);
	return (int)err;
}

int xdp_link_detach_all(int ifindex)
{
	struct xdp_multiprog *mp;
	long err;

	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = libxdp_get_error(mp);
	if (err)
		return (int)err;
	err = xdp_multiprog__detach(mp);
	xdp_multiprog__close(mp);
	return (int)err;
}

int xdp_link_detach(int ifindex)
{
	return xdp_link_detach_named(ifindex, SLUICE_PROG_NAME);
}

int xdp_link_attach_pinned(const char *ifname, int ifindex, enum xdp_attach_mode mode,
			   __u32 flow_entries, struct attached *out)
{
	int err = pin_make_dir(ifname);

	if (err)
		return err;
	err = xdp_link_attach(ifname, ifindex, mode, flow_entries, out);
	if (!err && out->present)
		return 0;
	fprintf(stderr, "sluice: could not attach to %s%s%s\n", ifname, err ? ": " : "",
		err ? strerror(-err) : "");
	if (err == -EEXIST || err == -EBUSY) {
		xdp_holder_explain(ifname, ifindex);
		fprintf(stderr, "sluice: `sluice detach --force %s` removes it\n", ifname);
	}
	pin_remove_all(ifname);
	return err ? err : -ENOENT;
}
