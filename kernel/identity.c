// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Proving that pinned maps are those of sluice's program on the interface. */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "xdp/sluice.skel.h"
#include "kernel/identity.h"
#include "kernel/maps.h"
#include "kernel/pin.h"
#include "kernel/xdp_link.h"

__u64 identity_digest(const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	__u64 h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

__u64 identity_this_object(void)
{
	static __u64 digest;
	const void *bytes;
	size_t len;

	if (!digest) {
		bytes = sluice_bpf__elf_bytes(&len);
		digest = identity_digest(bytes, len);
	}
	return digest;
}

/* The initial value of the object's .rodata, which holds sluice_layout_version. */
static const char *rodata_of(struct bpf_object *obj, size_t *len)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
		if (bpf_map__is_internal(map) && strstr(bpf_map__name(map), ".rodata"))
			return bpf_map__initial_value(map, len);
	return NULL;
}

int identity_object_layout(struct bpf_object *obj, __u32 *layout)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	const char *data;
	size_t len = 0;
	int id, i;

	data = rodata_of(obj, &len);
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;
	if (!data || id < 0)
		return -ENOENT;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), "sluice_layout_version") ||
		    vs->size != sizeof(*layout) || vs->offset + sizeof(*layout) > len)
			continue;
		memcpy(layout, data + vs->offset, sizeof(*layout));
		return 0;
	}
	return -ENOENT;
}

int identity_stamp(struct bpf_object *obj, int prog_fd, __u64 object)
{
	struct bpf_map *idmap = bpf_object__find_map_by_name(obj, "identity"), *map;
	struct sluice_identity id = { .object = object };
	struct bpf_prog_info info = {0};
	__u32 len = sizeof(info), zero = 0;
	int err;

	err = identity_object_layout(obj, &id.layout);
	if (err || !idmap)
		return err ?: -ENOENT;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	memcpy(id.tag, info.tag, sizeof(id.tag));
	/* A map the program already reads is bound already; the kernel says 0 then. */
	bpf_object__for_each_map(map, obj)
		if (bpf_map__fd(map) >= 0 && bpf_prog_bind_map(prog_fd, bpf_map__fd(map), NULL))
			return -errno;
	if (bpf_map_update_elem(bpf_map__fd(idmap), &zero, &id, BPF_ANY) ||
	    bpf_map_freeze(bpf_map__fd(idmap)))
		return -errno;
	return 0;
}

static void tag_str(const __u8 tag[8], char out[17])
{
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", tag[i]);
}

/* The identity among the maps of a program, if it has one. */
static int read_identity(const __u32 *ids, __u32 n, struct sluice_identity *out)
{
	__u32 zero = 0, i;
	int fd, found;

	for (i = 0; i < n; i++) {
		struct bpf_map_info info = {0};
		__u32 len = sizeof(info);

		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		found = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
			!strcmp(info.name, "identity") && info.type == BPF_MAP_TYPE_ARRAY &&
			info.value_size == sizeof(*out) &&
			!bpf_map_lookup_elem(fd, &zero, out);
		close(fd);
		if (found)
			return 0;
	}
	return -ENOENT;
}

/* Says why no sluice program on ifname owns the pins in dir. */
static void no_sluice_program(const char *ifname, int ifindex, const char *dir)
{
	char name[BPF_OBJ_NAME_LEN];
	struct attached other;

	if (!xdp_link_first(ifindex, &other, name) && other.present)
		fprintf(stderr, "sluice: the XDP program on %s is not sluice's (id %u, name "
			"'%s'), yet sluice's state of %s is pinned in %s: another tool replaced "
			"sluice. `sluice detach --force %s` removes that program and the state, "
			"`sluice attach %s` then starts afresh\n", ifname, other.prog_id, name,
			ifname, dir, ifname, ifname);
	else
		fprintf(stderr, "sluice: sluice's state of %s is pinned in %s, but no XDP program "
			"is attached to %s (another tool or a mount namespace without these pins "
			"detached it): `sluice attach --replace %s` attaches afresh, `sluice detach "
			"%s` removes the state\n", ifname, dir, ifname, ifname, ifname);
}

int identity_prog_maps(__u32 prog_id, struct identity_prog_maps *out)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id), err = 0;

	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	info.nr_map_ids = IDENTITY_PROG_MAPS_MAX;
	info.map_ids = (__u64)(unsigned long)out->ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	close(fd);
	out->n = info.nr_map_ids < IDENTITY_PROG_MAPS_MAX ? info.nr_map_ids
							   : IDENTITY_PROG_MAPS_MAX;
	memcpy(out->tag, info.tag, sizeof(out->tag));
	return err;
}

bool identity_map_among(int map_fd, const struct identity_prog_maps *maps)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (map_fd < 0 || bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return false;
	for (__u32 i = 0; i < maps->n; i++)
		if (maps->ids[i] == info.id)
			return true;
	return false;
}

/* Is every map of `maps` one of the program's? Names the first that is not. */
static const char *stranger_map(const struct sluice_maps *maps,
				const struct identity_prog_maps *prog)
{
	const int *fds = (const int *)maps;

	for (unsigned int i = 0; i < sluice_map_count; i++)
		if (!identity_map_among(fds[i], prog))
			return sluice_map_names[i];
	return NULL;
}

int identity_check_pins(const char *ifname, const struct sluice_maps *maps,
			struct identity_seen *seen)
{
	int ifindex = (int)if_nametoindex(ifname), err;
	struct identity_prog_maps prog;
	char dir[PATH_MAX], want[17], got[17];
	struct attached at;
	const char *stranger;

	pin_dir(ifname, dir);
	if (!ifindex) {
		fprintf(stderr, "sluice: there is no interface %s, yet sluice's state of it is "
			"pinned in %s; `sluice detach %s` removes it\n", ifname, dir, ifname);
		return -EPROTO;
	}
	err = xdp_link_find(ifindex, &at);
	if (err) {
		fprintf(stderr, "sluice: cannot read the XDP programs of %s: %s\n", ifname,
			strerror(-err));
		return -EPROTO;
	}
	if (!at.present) {
		no_sluice_program(ifname, ifindex, dir);
		return -EPROTO;
	}
	err = identity_prog_maps(at.prog_id, &prog);
	if (err) {
		fprintf(stderr, "sluice: cannot read program %u on %s: %s\n", at.prog_id, ifname,
			strerror(-err));
		return -EPROTO;
	}
	stranger = stranger_map(maps, &prog);
	if (stranger) {
		fprintf(stderr, "sluice: the maps pinned in %s are not those of sluice's program "
			"%u on %s (its '%s' is another map): the program was attached without "
			"these pins, e.g. from a mount namespace that does not see them, so "
			"nothing read from or written to them reaches its packets. `sluice attach "
			"--replace %s` attaches afresh with new pins\n", dir, at.prog_id, ifname,
			stranger, ifname);
		return -EPROTO;
	}
	seen->prog_id = at.prog_id;
	if (read_identity(prog.ids, prog.n, &seen->id)) {
		fprintf(stderr, "sluice: sluice's program %u on %s bears no identity: a sluice "
			"from before map layouts were versioned loaded it. Detach it with that "
			"sluice, or `sluice attach --replace %s` (flows and counters start "
			"afresh)\n", at.prog_id, ifname, ifname);
		return -EPROTO;
	}
	if (memcmp(seen->id.tag, prog.tag, sizeof(prog.tag))) {
		tag_str(seen->id.tag, want);
		tag_str(prog.tag, got);
		fprintf(stderr, "sluice: the identity of program %u on %s describes another "
			"program (tag %s, not %s): `sluice attach --replace %s` attaches "
			"afresh\n", at.prog_id, ifname, want, got, ifname);
		return -EPROTO;
	}
	return 0;
}

int identity_check(const char *ifname, const struct sluice_maps *maps,
		   struct identity_seen *seen)
{
	static bool noted;
	struct identity_seen local;
	int err;

	if (!seen)
		seen = &local;
	err = identity_check_pins(ifname, maps, seen);
	if (err)
		return err;
	if (seen->id.layout != SLUICE_LAYOUT_VERSION) {
		fprintf(stderr, "sluice: sluice's program %u on %s keeps its maps in layout %u, "
			"this sluice knows layout %u: use the sluice that attached it, or "
			"`sluice attach --replace %s` (flows and counters start afresh)\n",
			seen->prog_id, ifname, seen->id.layout, SLUICE_LAYOUT_VERSION, ifname);
		return -EPROTO;
	}
	if (seen->id.object != identity_this_object() && !noted) {
		noted = true;
		fprintf(stderr, "sluice: note: program %u on %s is another sluice build's (same "
			"map layout); `sluice upgrade %s` replaces it by this one's, keeping "
			"flows and counters\n", seen->prog_id, ifname, ifname);
	}
	return 0;
}
