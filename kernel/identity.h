/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Whose state is this? Pins are only names in bpffs: after a detach and attach from
 * a mount namespace without them, or another tool's program put on the interface,
 * they name maps no program reads. Before a command trusts or writes pinned maps it
 * proves that they are the maps of the program on the interface, that the program
 * is sluice's (its name, the identity sluice stamped on it at load, the tag in that
 * identity) and that its maps have the layout this sluice knows.
 */
#ifndef SLUICE_KERNEL_IDENTITY_H
#define SLUICE_KERNEL_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdp/abi.h"

struct bpf_object;
struct sluice_maps;

/* The identity of the object file in bytes (FNV-1a 64). */
__u64 identity_digest(const void *bytes, size_t len);

/* The identity of the object this sluice carries. */
__u64 identity_this_object(void);

/* The map layout an object is built for (its sluice_layout_version); -errno if none. */
int identity_object_layout(struct bpf_object *obj, __u32 *layout);

/*
 * Stamp a freshly loaded program of obj before it is attached: bind every map of obj
 * to it (the control plane's own maps, which it never reads, among its map ids too),
 * write the `identity` map (layout, the program's tag, object) and freeze it.
 */
int identity_stamp(struct bpf_object *obj, int prog_fd, __u64 object);

/* More than any sluice or decap program holds (about 30 with this layout). */
#define IDENTITY_PROG_MAPS_MAX	64

/* The maps a loaded program holds, by id, and its tag. */
struct identity_prog_maps {
	__u32 n;
	__u32 ids[IDENTITY_PROG_MAPS_MAX];
	__u8 tag[8];
};

/* Read them for program prog_id. 0 or -errno. */
int identity_prog_maps(__u32 prog_id, struct identity_prog_maps *out);

/* Whether the map behind map_fd is one of the program's (false if it cannot be read). */
bool identity_map_among(int map_fd, const struct identity_prog_maps *maps);

/* What the program on an interface says of itself. */
struct identity_seen {
	__u32 prog_id;
	struct sluice_identity id;
};

/*
 * Are the maps in `maps` the maps of sluice's program on ifname, of this sluice's
 * layout? 0 if so (and *seen filled, when given); otherwise prints what is wrong and
 * the way out, and returns -EPROTO. A program of another sluice build with this
 * layout passes, with a note (once per process) that `sluice upgrade` loads this one.
 */
int identity_check(const char *ifname, const struct sluice_maps *maps,
		   struct identity_seen *seen);

/*
 * The same proof without the layout: the pins are those of sluice's program on
 * ifname, whose identity goes to *seen. For `sluice upgrade`, which compares layouts
 * itself. 0 or -EPROTO (after saying why).
 */
int identity_check_pins(const char *ifname, const struct sluice_maps *maps,
			struct identity_seen *seen);

#endif /* SLUICE_KERNEL_IDENTITY_H */
