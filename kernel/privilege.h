/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Whether this process may touch sluice's state at all. Without the capabilities
 * bpffs and the XDP hooks answer "permission denied" in ways that look like
 * "nothing is attached"; asking first gives the operator the real reason.
 */
#ifndef SLUICE_KERNEL_PRIVILEGE_H
#define SLUICE_KERNEL_PRIVILEGE_H

#define PRIVILEGE_NEEDED	"sluice needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN)"

/* 0 if the process holds CAP_SYS_ADMIN; else says PRIVILEGE_NEEDED and returns -EPERM. */
int privilege_check(void);

#endif /* SLUICE_KERNEL_PRIVILEGE_H */
