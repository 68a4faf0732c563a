// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * health_peers: every health-checked backend's address and check port, so that a
 * deny default lets the checks' replies (and only them) through. Taken from the
 * file's config, not the running one: a backend health took out must still be
 * heard, or it could never come back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "plan/plan.h"
#include "plan/plan_ops.h"

static bool holds(const struct sluice_health_peer *set, size_t n,
		  const struct sluice_health_peer *p)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(&set[i], p, sizeof(*p)))
			return true;
	return false;
}

/* Every endpoint cfg checks, once each (a backend may serve several services). */
static size_t wanted_peers(const struct conf *cfg, struct sluice_health_peer *out)
{
	struct sluice_health_peer p;
	size_t i, j, n = 0;

	for (i = 0; i < cfg->n_services; i++) {
		const struct conf_service *svc = &cfg->services[i];

		if (svc->health.check == CONF_CHECK_NONE)
			continue;
		for (j = 0; j < svc->n_backends; j++) {
			memset(&p, 0, sizeof(p));
			memcpy(p.addr, svc->backends[j].addr.bytes, sizeof(p.addr));
			p.port = htons(svc->health.port);
			p.family = svc->backends[j].addr.family == AF_INET6 ? SLUICE_AF_INET6 :
									      SLUICE_AF_INET;
			if (!holds(out, n, &p))
				out[n++] = p;
		}
	}
	return n;
}

int plan_health_peers(struct plan *plan, const struct sluice_maps *maps,
		      const struct live_state *live, const struct conf *cfg)
{
	struct sluice_health_peer *want = calloc(conf_backend_count(cfg) + 1, sizeof(*want));
	const __u32 one = 1;
	size_t n, i, added = 0, removed = 0;
	int err = 0;

	if (!want)
		return -ENOMEM;
	n = wanted_peers(cfg, want);
	for (i = 0; i < n && !err; i++) {
		if (holds(live->health_peers, live->n_health_peers, &want[i]))
			continue;
		err = plan_add_op(plan, OP_UPDATE, maps->health_peers, &want[i], sizeof(want[i]),
				  &one, sizeof(one));
		added++;
	}
	for (i = 0; i < live->n_health_peers && !err; i++) {
		if (holds(want, n, &live->health_peers[i]))
			continue;
		err = plan_add_op(plan, OP_DELETE, maps->health_peers, &live->health_peers[i],
				  sizeof(live->health_peers[i]), NULL, 0);
		removed++;
	}
	if (!err && (added || removed))
		err = plan_note(plan, "health checks: %zu endpoints spared by a deny default "
				"(%zu added, %zu removed)", n, added, removed);
	free(want);
	return err;
}
