/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Each file of packet tests runs as one cmocka group; returns its failure count. */
#ifndef SLUICE_TESTS_SUITES_H
#define SLUICE_TESTS_SUITES_H

int run_maps_tests(void);
int run_parse_tests(void);
int run_filter_tests(void);
int run_lb_tests(void);

#endif /* SLUICE_TESTS_SUITES_H */
