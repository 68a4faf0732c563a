// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libxdp runs several programs on one interface only through its dispatcher: both
 * must be loaded by libxdp, and the kernel must allow freplace. A program attached
 * alone (ip link, another loader) holds the hook for itself.
 */
#include <stdio.h>
#include <xdp/libxdp.h>

#include "kernel/xdp_holder.h"
#include "kernel/xdp_link.h"

void xdp_holder_explain(const char *ifname, int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *prog;

	if (libxdp_get_error(mp) || !mp) {
		fprintf(stderr, "sluice: another XDP program is on %s\n", ifname);
		return;
	}
	if (xdp_multiprog__is_legacy(mp)) {
		prog = xdp_multiprog__main_prog(mp);
		fprintf(stderr, "sluice: %s is held by XDP program %u '%s' (%s mode), attached "
			"alone, not through libxdp's dispatcher, so nothing else can join it.\n",
			ifname, xdp_program__id(prog), xdp_program__name(prog),
			xdp_link_mode_name(xdp_multiprog__attach_mode(mp)));
	} else {
		fprintf(stderr, "sluice: %s runs libxdp's dispatcher (program %u, %s mode) "
			"with:", ifname, xdp_program__id(xdp_multiprog__main_prog(mp)),
			xdp_link_mode_name(xdp_multiprog__attach_mode(mp)));
		for (prog = xdp_multiprog__next_prog(NULL, mp); prog;
		     prog = xdp_multiprog__next_prog(prog, mp))
			fprintf(stderr, " %u '%s' (priority %u)", xdp_program__id(prog),
				xdp_program__name(prog), xdp_program__run_prio(prog));
		fprintf(stderr, "; it did not take sluice as well.\n");
	}
	fprintf(stderr, "sluice: sluice shares an interface only in libxdp's dispatcher, "
		"which needs every program on it loaded by libxdp (xdp-loader, or a tool "
		"built on libxdp) and a kernel that allows freplace; otherwise remove the "
		"other program first (`xdp-loader unload %s --all`, or `ip link set dev %s "
		"xdp off`), or attach sluice to another interface.\n", ifname, ifname);
	xdp_multiprog__close(mp);
}
