/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Which network namespace sluice runs in, and which namespaces still exist. bpffs
 * is shared by every namespace while interface names are not, so the state of each
 * namespace but the initial one is pinned under a name that carries its identity:
 * its cookie, which the kernel never gives to another namespace until reboot (and
 * bpffs does not outlive a reboot either).
 */
#ifndef SLUICE_KERNEL_NETNS_H
#define SLUICE_KERNEL_NETNS_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

struct netns_id {
	bool	initial;		/* the host's: init_net, or PID 1's */
	__u64	cookie;
	char	name[NAME_MAX + 1];	/* its `ip netns` name, or "" */
};

/* The namespace this process runs in (looked up once). 0 or -errno. */
int netns_self(struct netns_id *out);

/*
 * Whether a namespace with this cookie still exists, as far as the names under
 * /run/netns and the namespaces of running processes show (looked up once per
 * process: each namespace is entered for a moment to read its cookie). 0 or -errno.
 */
int netns_cookie_alive(__u64 cookie, bool *alive);

#endif /* SLUICE_KERNEL_NETNS_H */
