// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Finding, counting and (by settings.tamper) repairing changes made behind the daemon. */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "daemon/log.h"
#include "daemon/running.h"
#include "daemon/tamper.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "metrics/prom.h"

/* "filter, maglev tables": the parts set in parts, for one log line. */
static void part_list(unsigned int parts, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = 0;
	for (int p = 0; p < SEAL_PARTS; p++)
		if (parts & 1U << p && used < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
						 seal_part_name(p));
}

/* The parts that differ from the seal now, 0 when none or unreadable (logged). */
static unsigned int differing(const char *ifname)
{
	struct sluice_maps maps;
	struct live_state *live;
	struct seal sealed, now;
	int parts = -1;

	if (maps_open(ifname, &maps))
		return 0;
	if (!live_read(&maps, &live)) {
		parts = seal_differs(ifname, &maps, live, &sealed, &now);
		free(live);
	}
	maps_close(&maps);
	if (parts < 0)
		log_msg(LOG_WARNING, "%s: cannot compare the maps with what was applied", ifname);
	return parts < 0 ? 0 : (unsigned int)parts;
}

void tamper_tick(struct running *r)
{
	bool repair = r->cfg.tamper == CONF_TAMPER_REPAIR;
	unsigned int parts, fresh;
	char names[256];

	if (r->ticks % TAMPER_EVERY_TICKS)
		return;
	parts = differing(r->ifname);
	/* Counted once per change: a difference left alone is not found again each check. */
	fresh = parts & ~r->tamper.last_parts;
	r->tamper.last_parts = parts;
	if (!parts)
		return;
	for (int p = 0; p < SEAL_PARTS; p++)
		if (fresh & 1U << p)
			r->tamper.found[p]++;
	part_list(parts, names, sizeof(names));
	if (parts & 1U << SEAL_PROGRAM)
		log_msg(LOG_ERR, "%s: tampered: sluice's program is not the one the daemon "
			"attached; an apply cannot put it back (`sluice detach`, then restart)",
			r->ifname);
	if (!fresh)
		return;
	log_msg(repair ? LOG_WARNING : LOG_ERR, "%s: tampered: what the daemon applied "
		"differs in %s; %s", r->ifname, names,
		repair ? "applying the config again" : "left so (settings.tamper: alert)");
	if (repair && parts & ~(1U << SEAL_PROGRAM)) {
		running_reapply(r);
		r->tamper.last_parts = 0;
	}
}

void tamper_families(FILE *out, const struct running *r)
{
	prom_family(out, "sluice_tamper_total", "counter",
		    "Changes to the maps or program found that no apply of sluice made, by part");
	for (int p = 0; p < SEAL_PARTS; p++) {
		struct prom_label l[] = { { "interface", r->ifname },
					  { "part", seal_part_name(p) } };

		prom_count(out, "sluice_tamper_total", l, 2, r->tamper.found[p]);
	}
}
