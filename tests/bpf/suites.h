/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The packet tests of each file, run together by test_packets.c. */
#ifndef SLUICE_TESTS_SUITES_H
#define SLUICE_TESTS_SUITES_H

#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <cmocka.h>

extern const struct CMUnitTest maps_tests[], parse_tests[], filter_tests[], classifier_tests[],
	lb_tests[], flows_tests[], decap_tests[];
extern const size_t n_maps_tests, n_parse_tests, n_filter_tests, n_classifier_tests,
	n_lb_tests, n_flows_tests, n_decap_tests;
extern const struct CMUnitTest encap_tests[], icmp_tests[];
extern const size_t n_encap_tests, n_icmp_tests;
extern const struct CMUnitTest nexthop_tests[];
extern const size_t n_nexthop_tests;
extern const struct CMUnitTest own_mac_tests[], root_tests[];
extern const size_t n_own_mac_tests, n_root_tests;
extern const struct CMUnitTest answer_tests[];
extern const size_t n_answer_tests;

#endif /* SLUICE_TESTS_SUITES_H */
