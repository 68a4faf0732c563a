// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The running config: the file less the backends that cannot take flows now. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plan/effective.h"
#include "plan/plan.h"

int effective_config(const struct conf *cfg, const struct backend_path *paths,
		     const enum backend_fate *fate, struct conf *view,
		     struct backend_path *view_paths)
{
	size_t i, j, k = 0, kept = 0;

	*view = *cfg;
	view->services = calloc(cfg->n_services + 1, sizeof(*view->services));
	if (!view->services)
		return -ENOMEM;
	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];
		struct conf_service *out = &view->services[i];

		*out = *svc;
		out->n_backends = 0;
		out->backends = calloc(svc->n_backends + 1, sizeof(*out->backends));
		if (!out->backends) {
			view->n_services = i;
			effective_free(view);
			return -ENOMEM;
		}
		for (j = 0; j < svc->n_backends; j++, k++) {
			if (fate[k] == BACKEND_LEFT_OUT)
				continue;
			out->backends[out->n_backends] = svc->backends[j];
			if (fate[k] == BACKEND_DRAINED)
				out->backends[out->n_backends].state = CONF_BACKEND_DRAINING;
			out->n_backends++;
			view_paths[kept++] = paths[k];
		}
	}
	return 0;
}

void effective_free(struct conf *view)
{
	size_t i;

	for (i = 0; i < view->n_services; i++)
		free(view->services[i].backends);
	free(view->services);
	memset(view, 0, sizeof(*view));
}

static const struct sluice_backend *forwarding(const struct live_state *live,
					       const struct conf_service *svc,
					       const struct conf_backend *be)
{
	__u8 family = be->addr.family == AF_INET6 ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	const struct live_service *running = NULL;
	struct sluice_vip_key key;
	size_t i;
	__u32 id;

	plan_vip_key(svc, &key);
	for (i = 0; i < live->n_services && !running; i++)
		if (!memcmp(&live->services[i].key, &key, sizeof(key)))
			running = &live->services[i];
	for (id = 1; running && id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *b = &live->backends[id];

		if ((b->flags & SLUICE_BACKEND_F_LIVE) && b->service_id == running->val.id &&
		    b->family == family && !memcmp(b->addr, be->addr.bytes, sizeof(b->addr)))
			return b;
	}
	return NULL;
}

void effective_keep_forwarding(const struct live_state *live, const struct conf *cfg,
			       struct backend_path *paths, struct neigh_wait *waiting)
{
	const struct sluice_backend *b;
	size_t i, j, k = 0;

	for (i = 0; i < cfg->n_services; i++)
		for (j = 0; j < cfg->services[i].n_backends; j++, k++) {
			if (!waiting[k].waiting)
				continue;
			b = forwarding(live, &cfg->services[i], &cfg->services[i].backends[j]);
			if (!b)
				continue;
			if (cfg->services[i].forward != CONF_FORWARD_IPIP)
				memcpy(paths[k].mac, b->mac, 6);
			waiting[k].waiting = false;
		}
}
