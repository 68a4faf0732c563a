// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What health asks of each backend (fates.h). */
#include "daemon/fates.h"
#include "daemon/log.h"

void health_fates(const struct conf *cfg, struct health *h, enum backend_fate *fate)
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
			if (!b[j].down)
				b[j].down_with_all = false;
			else if (down == svc->n_backends)
				b[j].down_with_all = true;
			fate[k] = BACKEND_AS_CONFIGURED;
			if (b[j].down && down < svc->n_backends)
				fate[k] = svc->health.keep_established || b[j].down_with_all ?
					  BACKEND_DRAINED : BACKEND_LEFT_OUT;
		}
	}
}
