// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Asking the kernel for the capabilities sluice's commands need. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>

#include "kernel/privilege.h"

/*
 * CAP_SYS_ADMIN stands for the three: sluice cannot mount bpffs or enter a
 * network namespace without it, and a user without it has the others neither.
 */
int privilege_check(void)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (!syscall(SYS_capget, &header, data) &&
	    data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN))
		return 0;
	fprintf(stderr, "sluice: permission denied: " PRIVILEGE_NEEDED "\n");
	return -EPERM;
}
