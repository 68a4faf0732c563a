// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include "tests/unit/reference.h"

__u32 reference_verdict(const struct sluice_rule *rules, size_t n,
			const struct filter_packet *pkt, __u64 *counted)
{
	unsigned int rank = 0;

	*counted = 0;
	for (size_t i = 0; i < n; i++) {
		bool hit = i + 1 == n || filter_rule_matches(&rules[i], pkt);

		if (rules[i].action == SLUICE_ACT_COUNT) {
			*counted |= (__u64)hit << rank++;
			continue;
		}
		if (hit)
			return (__u32)i;
	}
	return (__u32)(n - 1);
}
