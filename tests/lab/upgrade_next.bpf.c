// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * sluice's program as a later build of the same map layout would be: the same maps
 * and source, but code of its own (it reads the fine clock where this build reads
 * the coarse one: another helper in its calls, another program tag) and one
 * constant more, so that its object is another one. test_upgrade.sh swaps it in
 * under live traffic.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define bpf_ktime_get_coarse_ns bpf_ktime_get_ns
#include "xdp/sluice.bpf.c"

const volatile __u32 sluice_test_build = SLUICE_TEST_BUILD;
