/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Stage 2, before the classifier: a VIP packet whose verdict the rule set already
 * knows. At apply time the filter's compiler decides, for each service, whether one
 * allow rule takes every packet of it before any other rule could match one
 * (filter/filter_answer.h); the active slot holds those answers by service id, and
 * marks the ports such services listen on. A packet to a marked port looks its
 * service up first; if that service has an answer, the packet is counted by that
 * rule, exactly as the classifier would have, and goes on to the load balancer
 * without being classified. Anything else is classified as always; the service
 * found, or not, is kept so that the load balancer does not look it up again.
 *
 * The answer and the port marks are read from the filter slot the packet's root
 * names, beside the generation of services it looks up: see plan_rules.c
 * (plan_classifier) for why they always belong together.
 */
#ifndef SLUICE_XDP_FILTER_ANSWER_H
#define SLUICE_XDP_FILTER_ANSWER_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp/abi.h"
#include "xdp/lb.h"
#include "xdp/maps.h"
#include "xdp/parse.h"

/*
 * 1 + the counter that decides every packet of pkt's service, or 0: classify it.
 * *svc and *looked_up: the service, when it was looked up on the way.
 */
static __always_inline __u32 filter_answer(const struct parsed_pkt *pkt,
					   const struct sluice_service **svc, int *looked_up)
{
	__u32 slot = pkt->root & SLUICE_ROOT_FILTER_SLOT, dport, id;
	const struct sluice_filter_header *h;
	const struct sluice_filter_fixed *fixed;

	fixed = bpf_map_lookup_elem(&filter_fixed, &slot);
	if (!fixed)
		return 0;
	/*
	 * A slot no apply wrote marks no port: the header's ready flag, which says so
	 * to the classifier, need not be read first.
	 */
	dport = pkt->has_ports ? bpf_ntohs(pkt->tuple.dport) : SLUICE_FILTER_NO_PORT;
	if (!(fixed->cells[SLUICE_FIXED_DPORT + dport] & SLUICE_FILTER_DPORT_ANSWERED))
		return 0;
	*svc = lb_find_service(pkt);
	*looked_up = 1;
	h = bpf_map_lookup_elem(&filter_headers, &slot);
	if (!*svc || !h)
		return 0;
	id = (*svc)->id;
	return id < SLUICE_MAX_SERVICES ? h->answers[id] : 0;
}

#endif /* SLUICE_XDP_FILTER_ANSWER_H */
