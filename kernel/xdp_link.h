/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Attaching and finding sluice's program on an interface, through libxdp. */
#ifndef SLUICE_KERNEL_XDP_LINK_H
#define SLUICE_KERNEL_XDP_LINK_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <xdp/libxdp.h>

/* The name sluice's XDP program has in the kernel, to recognise it on a link. */
#define SLUICE_PROG_NAME "sluice_xdp"

struct attached {
	bool present;
	unsigned int prog_id;
	enum xdp_attach_mode mode;
	bool dispatcher;	/* libxdp's multi-program dispatcher, not alone */
};

/* Is sluice's program on ifindex? Returns 0 (see out->present) or -errno. */
int xdp_link_find(int ifindex, struct attached *out);

/* Give every map of obj that sluice pins its path under ifname's directory. */
struct bpf_object;
int xdp_link_pin_paths(struct bpf_object *obj, const char *ifname);

/*
 * Load the embedded object with maps pinned for ifname, its flow table sized to
 * flow_entries, and attach it.
 */
int xdp_link_attach(const char *ifname, int ifindex, enum xdp_attach_mode mode,
		    __u32 flow_entries, struct attached *out);

/*
 * Make ifname's pin directory, then xdp_link_attach; on failure print why and leave
 * no pin behind. Returns 0 or -errno.
 */
int xdp_link_attach_pinned(const char *ifname, int ifindex, enum xdp_attach_mode mode,
			   __u32 flow_entries, struct attached *out);

/*
 * Whatever program is on ifindex, sluice's or not: the lone one, or the first of a
 * dispatcher's. out->present false when there is none.
 */
int xdp_link_first(int ifindex, struct attached *out, char name[BPF_OBJ_NAME_LEN]);

/* Detach whatever is on ifindex: the lone program, or a dispatcher and all it runs. */
int xdp_link_detach_all(int ifindex);

/* Detach sluice's program (and only it) from ifindex. */
int xdp_link_detach(int ifindex);

/* The same for any program, by the name it has in the kernel (decap's, for one). */
int xdp_link_find_named(int ifindex, const char *name, struct attached *out);
int xdp_link_detach_named(int ifindex, const char *name);

const char *xdp_link_mode_name(enum xdp_attach_mode mode);

/* What status prints of an attachment: {attached, id?, mode?, dispatcher?}. */
struct json_object *xdp_link_json(const struct attached *at);

/* "native" or "generic", as --mode takes them; -EINVAL for anything else. */
int xdp_link_parse_mode(const char *name, enum xdp_attach_mode *mode);

#endif /* SLUICE_KERNEL_XDP_LINK_H */
