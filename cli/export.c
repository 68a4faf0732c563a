// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice export`: the running configuration as a file `sluice apply` takes back. */
#include <stdlib.h>

#include "cli/cmd.h"
#include "cli/switches.h"
#include "conf/write.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "plan/export.h"

static void export_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice export [IFACE]\n\n"
		"Print the running configuration of IFACE (default: the only interface\n"
		"sluice is attached to) as a config file, read back from the live maps:\n"
		"`sluice apply` of it changes nothing. Comments, rule priorities (rules\n"
		"come out in match order), the order of services and backends, how\n"
		"health is checked beyond its port, and `metrics` are not in the maps;\n"
		"see README.md, \"Export\".\n\n"
		"  -h, --help         this text\n");
}

int cmd_export(int argc, char **argv)
{
	struct live_state *live;
	struct sluice_maps maps;
	char ifname[IF_NAMESIZE];
	const char *iface;
	struct conf cfg;
	int ret;

	ret = switches_parse(argc, argv, "export", NULL, 0, export_usage, &iface);
	if (ret != SWITCHES_RUN)
		return ret;
	ret = iface_open_live(iface, ifname, &maps, &live);
	if (ret)
		return ret;
	if (plan_export(live, (unsigned int)maps_ncpus(), &cfg)) {
		fprintf(stderr, "sluice export: out of memory\n");
		ret = EXIT_RUNTIME;
		goto out;
	}
	printf("# The running configuration of %s, as `sluice export` read it from the maps.\n",
	       ifname);
	if (conf_write(stdout, &cfg) || fflush(stdout)) {
		fprintf(stderr, "sluice export: cannot write the configuration\n");
		ret = EXIT_RUNTIME;
	}
	conf_free(&cfg);
out:
	free(live);
	maps_close(&maps);
	return ret;
}
