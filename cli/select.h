/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The services and backends `status` and `stats` show: --service NAME and
 * --backend ADDR narrow the "services" array of their JSON form (and so the table
 * rendered from it), and --sort orders it.
 */
#ifndef SLUICE_CLI_SELECT_H
#define SLUICE_CLI_SELECT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <json-c/json.h>

#include "cli/table.h"

struct select {
	const char *service;			/* --service NAME; NULL: every service */
	const char *backend;			/* --backend ADDR as given; NULL: every one */
	char backend_addr[INET6_ADDRSTRLEN];	/* ADDR as status prints it */
	const struct table_column *sort;	/* --sort; NULL: as the maps hold them */
};

/*
 * Check the options before anything is opened: ADDR must be an IPv4 or IPv6
 * address, the sort column one of columns. Prints why not and returns -1.
 */
int select_parse(const char *cmd, const char *backend, const char *sort,
		 const struct table_column *columns, size_t n, struct select *sel);

/* Whether the output is narrowed to some services or backends. */
static inline bool select_narrows(const struct select *sel)
{
	return sel->service || sel->backend;
}

/*
 * Keep in services (each object with "name" and "backends" of objects with "addr")
 * what the selection names, then sort. Returns 0, or -1 when nothing matches,
 * after saying on stderr that nothing on ifname does (and which service name comes
 * closest) unless quiet.
 */
int select_apply(const char *cmd, const char *ifname, json_object *services,
		 const struct select *sel, bool quiet);

#endif /* SLUICE_CLI_SELECT_H */
