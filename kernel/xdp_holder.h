/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Who holds an interface's XDP hook when sluice cannot attach, and what to do about it. */
#ifndef SLUICE_KERNEL_XDP_HOLDER_H
#define SLUICE_KERNEL_XDP_HOLDER_H

/*
 * Print (stderr) the XDP programs on ifindex, each by id and name, whether they
 * run in libxdp's dispatcher or alone, and how sluice can share the interface.
 */
void xdp_holder_explain(const char *ifname, int ifindex);

#endif /* SLUICE_KERNEL_XDP_HOLDER_H */
