// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * sluice's program as a later build of the same map layout would be: the same maps
 * and code, and one constant more (its value set by the build with -D), so that its
 * object is another one. test_upgrade.sh swaps it in under live traffic.
 */
#include "xdp/sluice.bpf.c"

const volatile __u32 sluice_test_build = SLUICE_TEST_BUILD;
