// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/adopt.h"
#include "kernel/live.h"
#include "kernel/maps.h"

static const struct live_service *service_named(const struct live_state *live,
						const char *name)
{
	size_t i;

	for (i = 0; i < live->n_services; i++)
		if (!strncmp(live->services[i].meta.name, name, SLUICE_NAME_LEN))
			return &live->services[i];
	return NULL;
}

/* Does the live service take new flows to addr (live and not draining)? */
static bool takes_flows(const struct live_state *live, const struct live_service *svc,
			const struct conf_backend *want)
{
	__u32 id;

	for (id = 1; id < SLUICE_MAX_BACKENDS; id++) {
		const struct sluice_backend *be = &live->backends[id];

		if ((be->flags & SLUICE_BACKEND_F_LIVE) && be->service_id == svc->val.id &&
		    !memcmp(be->addr, want->addr.bytes, sizeof(be->addr)))
			return be->state != SLUICE_BACKEND_DRAINING ||
			       want->state == CONF_BACKEND_DRAINING;
	}
	return false;
}

int adopt_down_backends(const char *ifname, const struct conf *cfg, bool *down)
{
	struct live_state *live;
	struct sluice_maps maps;
	size_t i, j, k = 0;
	int err;

	memset(down, 0, conf_backend_count(cfg) * sizeof(*down));
	if (maps_open(ifname, &maps))
		return -ENOENT;
	err = live_read(&maps, &live);
	maps_close(&maps);
	if (err)
		return err;
	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];
		const struct live_service *running = service_named(live, svc->name);

		for (j = 0; j < svc->n_backends; j++, k++)
			down[k] = running && svc->health.check != CONF_CHECK_NONE &&
				  !takes_flows(live, running, &svc->backends[j]);
	}
	free(live);
	return 0;
}
