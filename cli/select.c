// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* --service, --backend and --sort of `status` and `stats`. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/select.h"
#include "conf/closest.h"

int select_parse(const char *cmd, const char *backend, const char *sort,
		 const struct table_column *columns, size_t n, struct select *sel)
{
	struct in6_addr addr;

	sel->backend = backend;
	sel->sort = NULL;
	if (backend) {
		int family = strchr(backend, ':') ? AF_INET6 : AF_INET;

		if (inet_pton(family, backend, &addr) != 1) {
			fprintf(stderr, "sluice %s: --backend '%s' is not an IPv4 or IPv6 "
				"address\n", cmd, backend);
			return -1;
		}
		inet_ntop(family, &addr, sel->backend_addr, sizeof(sel->backend_addr));
	}
	if (sort) {
		sel->sort = table_sort_column(cmd, sort, columns, n);
		if (!sel->sort)
			return -1;
	}
	return 0;
}

static const char *str_of(json_object *o, const char *key)
{
	return json_object_get_string(json_object_object_get(o, key));
}

/* Keep only the backends of svc at addr; whether one was. */
static bool keep_backend(json_object *svc, const char *addr)
{
	json_object *bes = json_object_object_get(svc, "backends");
	size_t i = json_object_array_length(bes);

	while (i--)
		if (strcmp(str_of(json_object_array_get_idx(bes, i), "addr"), addr))
			json_object_array_del_idx(bes, i, 1);
	return json_object_array_length(bes) > 0;
}

/* "no service 'wbe' on eth0 (did you mean 'web'?)" */
static void say_no_service(const char *cmd, const char *ifname, const char *name,
			   json_object *services)
{
	size_t i, n = json_object_array_length(services);
	const char **names = calloc(n ? n : 1, sizeof(*names));
	const char *closest = NULL;

	for (i = 0; names && i < n; i++)
		names[i] = str_of(json_object_array_get_idx(services, i), "name");
	if (names)
		closest = conf_closest(name, names, n);
	fprintf(stderr, "sluice %s: no service '%s' on %s", cmd, name, ifname);
	if (closest)
		fprintf(stderr, " (did you mean '%s'?)", closest);
	fprintf(stderr, "\n");
	free(names);
}

/* Whether services holds one named name. */
static bool has_service(json_object *services, const char *name)
{
	size_t i;

	for (i = 0; i < json_object_array_length(services); i++)
		if (!strcmp(str_of(json_object_array_get_idx(services, i), "name"), name))
			return true;
	return false;
}

static void sort_services(json_object *services, const struct table_column *col)
{
	size_t i;

	table_sort_json(services, col->key);
	for (i = 0; i < json_object_array_length(services); i++)
		table_sort_json(json_object_object_get(json_object_array_get_idx(services, i),
						       "backends"),
				col->child_key ? col->child_key : col->key);
}

int select_apply(const char *cmd, const char *ifname, json_object *services,
		 const struct select *sel, bool quiet)
{
	size_t i = json_object_array_length(services);

	if (sel->service && !has_service(services, sel->service)) {
		if (!quiet)
			say_no_service(cmd, ifname, sel->service, services);
		return -1;
	}
	while (i--) {
		json_object *svc = json_object_array_get_idx(services, i);

		if ((sel->service && strcmp(str_of(svc, "name"), sel->service)) ||
		    (sel->backend && !keep_backend(svc, sel->backend_addr)))
			json_object_array_del_idx(services, i, 1);
	}
	if (!json_object_array_length(services) && select_narrows(sel)) {
		if (quiet)
			return -1;
		fprintf(stderr, "sluice %s: no backend %s%s%s on %s\n", cmd, sel->backend_addr,
			sel->service ? " in service " : "", sel->service ? sel->service : "",
			ifname);
		return -1;
	}
	if (sel->sort)
		sort_services(services, sel->sort);
	return 0;
}
