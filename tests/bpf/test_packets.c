// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Packet tests of the sluice XDP program: packets in through BPF_PROG_TEST_RUN,
 * verdict, packet out and counters checked. Needs root (CAP_BPF, CAP_NET_ADMIN).
 */
#include "tests/bpf/suites.h"

int main(void)
{
	int failed = 0;

	failed += run_maps_tests();
	failed += run_parse_tests();
	failed += run_filter_tests();
	failed += run_lb_tests();
	return failed ? 1 : 0;
}
