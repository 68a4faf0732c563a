/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The filter's meaning, rule by rule: what every compiled verdict is held against
 * (the unit tests' seeded sets, the fuzzer's arbitrary ones).
 */
#ifndef SLUICE_TESTS_REFERENCE_H
#define SLUICE_TESTS_REFERENCE_H

#include <stddef.h>

#include "filter/filter_compile.h"

/*
 * The position of the first deciding rule of rules[0..n-1] (the last one, the
 * default, matches everything), and in *counted the count rules matched before it
 * (bit = rank among count rules), as filter_image_classify() reports them.
 */
__u32 reference_verdict(const struct sluice_rule *rules, size_t n,
			const struct filter_packet *pkt, __u64 *counted);

#endif /* SLUICE_TESTS_REFERENCE_H */
