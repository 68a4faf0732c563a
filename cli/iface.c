// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Which interface a command acts on, and opening its live state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmd.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/pin.h"
#include "kernel/privilege.h"
#include "kernel/seal.h"
#include "kernel/xdp_link.h"
#include "plan/commit.h"

#define MAX_ATTACHED 64

bool iface_pins_lost(const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname);
	struct attached at;

	if (!ifindex || xdp_link_find(ifindex, &at) || !at.present || maps_pinned(ifname))
		return false;
	fprintf(stderr, "sluice: sluice's program %u is attached to %s but its pinned state "
		"is gone, so nothing can read or change it; `sluice attach --replace %s` "
		"attaches afresh, `sluice detach %s` removes the program\n", at.prog_id,
		ifname, ifname, ifname);
	return true;
}

/* With no pins at all: is sluice's program on an interface anyway? Says so if it is. */
static bool any_pins_lost(void)
{
	struct if_nameindex *all = if_nameindex(), *i;
	bool lost = false;

	for (i = all; i && i->if_index && !lost; i++)
		lost = iface_pins_lost(i->if_name);
	if (all)
		if_freenameindex(all);
	return lost;
}

int iface_pick(const char *given, char out[IF_NAMESIZE])
{
	char names[MAX_ATTACHED][IF_NAMESIZE];
	int n, i;

	if (privilege_check())
		return EXIT_RUNTIME;
	if (given) {
		if (strlen(given) >= IF_NAMESIZE) {
			fprintf(stderr, "sluice: '%s' is not an interface name\n", given);
			return EXIT_USAGE;
		}
		/* What a killed sluice left is finished or undone before anyone reads it. */
		if (commit_recover(given) < 0 || iface_pins_lost(given))
			return EXIT_RUNTIME;
		if (!pin_dir_exists(given)) {
			fprintf(stderr, "sluice: not attached to %s (see `sluice attach`)\n",
				given);
			return EXIT_RUNTIME;
		}
		strcpy(out, given);
		return EXIT_OK;
	}
	n = pin_list("", names, MAX_ATTACHED);
	for (i = 0; i < n; i++)
		if (commit_recover(names[i]) < 0)
			return EXIT_RUNTIME;
	n = pin_list("", names, MAX_ATTACHED);
	if (n == 1) {
		strcpy(out, names[0]);
		return EXIT_OK;
	}
	if (n == 0 && any_pins_lost())
		return EXIT_RUNTIME;
	if (n == 0) {
		fprintf(stderr, "sluice: not attached to any interface (see `sluice attach`)\n");
		return EXIT_RUNTIME;
	}
	fprintf(stderr, "sluice: attached to several interfaces, name one of:");
	for (i = 0; i < n; i++)
		fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "\n");
	return EXIT_USAGE;
}

int iface_open_live(const char *given, char ifname[IF_NAMESIZE], struct sluice_maps *maps,
		    struct live_state **live)
{
	int ret = iface_pick(given, ifname);

	if (ret)
		return ret;
	if (maps_open(ifname, maps))
		return EXIT_RUNTIME;
	if (live_read(maps, live)) {
		maps_close(maps);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int iface_tampered(const char *ifname, const struct sluice_maps *maps,
		   const struct live_state *live)
{
	struct seal sealed, now;
	int parts = seal_differs(ifname, maps, live, &sealed, &now);

	if (parts > 0)
		seal_report(ifname, (unsigned int)parts, &sealed, &now);
	else if (parts < 0)
		fprintf(stderr, "sluice: %s: cannot compare with what the last apply left: %s\n",
			ifname, strerror(-parts));
	return parts;
}

int iface_tampered_now(const char *ifname)
{
	struct sluice_maps maps;
	struct live_state *live;
	int parts = -EIO;

	if (maps_open(ifname, &maps))
		return parts;
	if (!live_read(&maps, &live)) {
		parts = iface_tampered(ifname, &maps, live);
		free(live);
	}
	maps_close(&maps);
	return parts;
}
