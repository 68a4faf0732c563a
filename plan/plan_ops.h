/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Internal to the planner: how plan_*.c queue writes and notes. */
#ifndef SLUICE_PLAN_PLAN_OPS_H
#define SLUICE_PLAN_PLAN_OPS_H

#include "filter/filter_answer.h"
#include "plan/plan.h"

int plan_add_op(struct plan *plan, enum op_kind kind, int map_fd, const void *key,
		uint32_t key_len, const void *value, uint32_t value_len);
int plan_add_inner(struct plan *plan, int outer_fd, uint32_t slot, const void *values,
		   uint32_t value_size, uint32_t entries);
/* A new inner map of another type (trie, hash) with these entries. */
int plan_add_inner_keyed(struct plan *plan, int outer_fd, uint32_t slot, uint32_t type,
			 uint32_t flags, const void *keys, uint32_t key_size, const void *values,
			 uint32_t value_size, uint32_t entries);
/* Reset a per-CPU counter so a newly assigned id starts from zero. */
int plan_zero_counter(struct plan *plan, int map_fd, uint32_t index);
/* The same for a per-CPU new-flow counter (service_flows, backend_flows). */
int plan_zero_new_flows(struct plan *plan, int map_fd, uint32_t index);
int plan_note(struct plan *plan, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The rule-set part of plan_build(); svcs: the config's services and their ids. */
int plan_rules(struct plan *plan, const struct sluice_maps *maps,
	       const struct live_state *live, const struct conf_filter *filter,
	       const struct plan_session *session, const struct filter_service *svcs,
	       size_t n_svcs);

/* How a service forwards (plan_forward.c): mode, outer sources, drain timeout. */
void plan_forward_of(const struct conf_service *svc, struct sluice_service *val);
/* Notes for what changed between two values of service `name`. */
void plan_note_forward(struct plan *plan, const char *name, const struct sluice_service *old,
		       const struct sluice_service *new);
/* "flows move after 300 s" or "flows stay until they end": a drain, for notes. */
const char *plan_drain_words(__u32 timeout_s, char *buf, size_t len);

/*
 * tx_ports holds the egress interface of every ipip backend. The ports cfg adds
 * are queued before any service may send there; those it drops after the last
 * backend leaving by them is gone.
 */
int plan_tx_ports_add(struct plan *plan, const struct sluice_maps *maps,
		      const struct live_state *live, const struct conf *cfg,
		      const struct backend_path *paths);
int plan_tx_ports_remove(struct plan *plan, const struct sluice_maps *maps,
			 const struct live_state *live, const struct conf *cfg,
			 const struct backend_path *paths);

#endif /* SLUICE_PLAN_PLAN_OPS_H */
