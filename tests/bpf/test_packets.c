// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Packet tests of the sluice XDP program: packets in through BPF_PROG_TEST_RUN,
 * verdict, packet out and counters checked. Needs root (CAP_BPF, CAP_NET_ADMIN).
 */
#include "tests/bpf/suites.h"
#include "tests/one_group.h"

int main(void)
{
	const struct test_part parts[] = {
		{ maps_tests, n_maps_tests },
		{ parse_tests, n_parse_tests },
		{ filter_tests, n_filter_tests },
		{ classifier_tests, n_classifier_tests },
		{ lb_tests, n_lb_tests },
		{ flows_tests, n_flows_tests },
		{ decap_tests, n_decap_tests },
		{ encap_tests, n_encap_tests },
		{ icmp_tests, n_icmp_tests },
		{ nexthop_tests, n_nexthop_tests },
		{ own_mac_tests, n_own_mac_tests },
		{ root_tests, n_root_tests },
		{ answer_tests, n_answer_tests },
	};

	return run_one_group("packets", parts, sizeof(parts) / sizeof(parts[0])) ? 1 : 0;
}
