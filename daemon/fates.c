// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What health asks of each backend (fates.h). */
#include "daemon/fates.h"
#include "daemon/log.h"

/* kept_until once the grace ended and was applied: a time long past. */
#define GRACE_OVER	1

/* A kept backend's time to pass its rise checks once a sibling passed them. */
static uint64_t grace_usec(const struct conf_health *spec)
{
	return (uint64_t)(spec->rise + 1) * spec->interval_s * 1000000;
}

void health_fates(const struct conf *cfg, struct health *h, uint64_t now,
		  enum backend_fate *fate)
{
	size_t i, j, k = 0, down;

	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];
		struct health_backend *b = &h->backends[k];

		for (j = 0, down = 0; j < svc->n_backends; j++)
			down += b[j].down;
		if (down && down == svc->n_backends)
			log_msg(LOG_WARNING, "service %s: every backend is down; all of them "
				"keep taking flows until one is up again", svc->name);
		for (j = 0; j < svc->n_backends; j++, k++) {
			if (!b[j].down) {
				b[j].down_with_all = false;
				b[j].kept_until = 0;
			} else if (down == svc->n_backends) {
				b[j].down_with_all = true;
				b[j].kept_until = 0;
			} else if (b[j].down_with_all && !b[j].kept_until) {
				b[j].kept_until = now + grace_usec(&b[j].spec);
			}
			fate[k] = BACKEND_AS_CONFIGURED;
			/*
			 * A sibling came back first: the whole table stays a little longer,
			 * as on the nodes whose checks never failed, so that flows this node
			 * has no entry for still find their backend.
			 */
			if (b[j].down_with_all && b[j].kept_until && now >= b[j].kept_until)
				b[j].kept_until = GRACE_OVER;
			if (b[j].down && down < svc->n_backends &&
			    !(b[j].down_with_all && now < b[j].kept_until))
				fate[k] = svc->health.keep_established || b[j].down_with_all ?
					  BACKEND_DRAINED : BACKEND_LEFT_OUT;
		}
	}
}

bool health_grace_ended(const struct health *h, uint64_t now)
{
	for (size_t i = 0; i < h->n; i++) {
		const struct health_backend *b = &h->backends[i];

		if (b->down && b->down_with_all && b->kept_until > GRACE_OVER &&
		    now >= b->kept_until)
			return true;
	}
	return false;
}
