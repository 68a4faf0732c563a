/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The rule set's answer for a service's packets, decided once per apply instead of
 * once per packet. Most VIP traffic meets no rule but the allow default (rules are
 * about other ports, other protocols, other addresses): for a service whose every
 * packet is taken by one allow rule before any other rule could match one, that
 * rule's counter is the whole verdict, and the data plane need not classify.
 *
 * Anything that could tell two packets of the service apart keeps the classifier:
 * a rule before the deciding one that may match some of them (whatever its action:
 * a count rule must count, a rate limit must meter, a deny must drop), a deciding
 * rule that does not take all of them, or a deciding rule that is not an allow (a
 * deny default, which the NDP and health-check exceptions also look at; a rate
 * limit). Pure: no kernel, unit-tested against the rule-by-rule verdict.
 */
#ifndef SLUICE_FILTER_FILTER_ANSWER_H
#define SLUICE_FILTER_FILTER_ANSWER_H

#include <stddef.h>

#include "filter/filter_compile.h"

/* A service of the config the rule set is compiled for: its id and its VIP. */
struct filter_service {
	__u32 id;
	struct sluice_vip_key vip;
};

/*
 * 1 + the counter of the rule of rules[0..n-1] (match order, the default last) that
 * decides every packet of vip, when that rule allows; 0 when packets of vip may
 * meet different rules, or a rule that is not an allow.
 */
__u16 filter_answer_of(const struct sluice_rule *rules, size_t n,
		       const struct sluice_vip_key *vip);

/*
 * The answers of the services (answers[id], SLUICE_MAX_SERVICES of them; 0 for ids
 * not listed). Returns how many are not 0.
 */
size_t filter_answers(const struct sluice_rule *rules, size_t n,
		      const struct filter_service *svcs, size_t n_svcs, __u16 *answers);

/*
 * Put answers into a compiled image of the same rules: its header's answers, and
 * SLUICE_FILTER_DPORT_ANSWERED on the ports of the services that have one.
 */
void filter_answers_mark(struct filter_image *img, const struct filter_service *svcs,
			 size_t n_svcs, const __u16 *answers);

#endif /* SLUICE_FILTER_FILTER_ANSWER_H */
