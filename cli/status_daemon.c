// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The daemon's state file, read back and checked against the process it names. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/status_daemon.h"
#include "cli/table.h"
#include "daemon/state_file.h"

/* Is the daemon that wrote the file still there? A stale file names a gone pid. */
static bool alive(json_object *state)
{
	json_object *pid = json_object_object_get(state, "pid");
	char path[64], comm[32] = "";
	FILE *f;

	if (!pid || json_object_get_int64(pid) <= 0)
		return false;
	/* A pid may be reused: it must still be sluice. */
	snprintf(path, sizeof(path), "/proc/%lld/comm", (long long)json_object_get_int64(pid));
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return !strcmp(comm, "sluice\n");
}

json_object *status_daemon_json(const char *ifname)
{
	char path[PATH_MAX];
	json_object *state, *out = json_object_new_object();
	static const char *const keys[] = {
		"pid", "config", "loaded_at", "last_reload", "backends", "announce",
	};
	size_t i;

	state_file_path(ifname, path);
	state = json_object_from_file(path);
	json_object_object_add(out, "running", json_object_new_boolean(state && alive(state)));
	for (i = 0; state && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_object_get_ex(state, keys[i], NULL))
			json_object_object_add(out, keys[i], json_object_get(
				json_object_object_get(state, keys[i])));
	json_object_put(state);
	return out;
}

static const char *when(json_object *o, const char *key, char *buf, size_t len)
{
	time_t t = (time_t)json_object_get_int64(json_object_object_get(o, key));
	struct tm tm;

	if (!t || !localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		return "never";
	return buf;
}

/* The last failed check's reason, nothing while there is none. */
static const char *reason_text(json_object *row, char *buf, size_t len)
{
	json_object *reason = json_object_object_get(row, "reason");

	snprintf(buf, len, "%s", reason ? json_object_get_string(reason) : "");
	return buf;
}

static const struct table_column health_columns[] = {
	{ "SERVICE", "service", NULL, "", 0.3, 0, true, NULL },
	{ "BACKEND", "addr", NULL, "", 0.3, 0, true, NULL },
	{ "HEALTH", "health", NULL, "", 8, 0, true, NULL },
	{ "LAST FAILURE", "reason", NULL, "", 0.2, 0, true, reason_text },
};

/* "announce: table 200, protocol 201, drain 5 s" and each VIP, announced or why not. */
static void print_announce(json_object *a)
{
	json_object *vips = json_object_object_get(a, "vips");
	size_t i;

	if (!a)
		return;
	printf("  announce: table %s, protocol %s, drain %s s%s\n",
	       json_object_get_string(json_object_object_get(a, "table")),
	       json_object_get_string(json_object_object_get(a, "protocol")),
	       json_object_get_string(json_object_object_get(a, "drain")),
	       json_object_get_boolean(json_object_object_get(a, "stopping")) ?
	       ", stopping" : "");
	for (i = 0; i < json_object_array_length(vips); i++) {
		json_object *v = json_object_array_get_idx(vips, i);

		if (json_object_get_boolean(json_object_object_get(v, "announced")))
			printf("    %-39s announced\n",
			       json_object_get_string(json_object_object_get(v, "vip")));
		else
			printf("    %-39s not announced: %s\n",
			       json_object_get_string(json_object_object_get(v, "vip")),
			       json_object_get_string(json_object_object_get(v, "reason")));
	}
}

void status_daemon_print(json_object *d)
{
	json_object *pid = json_object_object_get(d, "pid");
	json_object *last = json_object_object_get(d, "last_reload");
	json_object *bes = json_object_object_get(d, "backends"), *error;
	struct table_choice choice;
	struct libscols_table *tb;
	char loaded[32], at[32];
	size_t i;

	if (!pid) {
		printf("daemon: none (see `sluice run`)\n");
		return;
	}
	if (!json_object_get_boolean(json_object_object_get(d, "running"))) {
		printf("daemon: not running (pid %s is gone; its last state follows)\n",
		       json_object_get_string(pid));
	} else {
		printf("daemon: pid %s\n", json_object_get_string(pid));
	}
	printf("  config %s, loaded %s\n",
	       json_object_get_string(json_object_object_get(d, "config")),
	       when(d, "loaded_at", loaded, sizeof(loaded)));
	error = json_object_object_get(last, "error");
	printf("  last reload %s: %s%s%s\n", when(last, "at", at, sizeof(at)),
	       json_object_get_string(json_object_object_get(last, "result")),
	       error ? ": " : "", error ? json_object_get_string(error) : "");
	table_choose("status", NULL, health_columns, 4, &choice);
	tb = json_object_array_length(bes) ? table_new(&choice, false) : NULL;
	for (i = 0; tb && i < json_object_array_length(bes); i++)
		table_add(tb, &choice, NULL, json_object_array_get_idx(bes, i), false);
	table_print(tb);
	for (i = 0; i < json_object_array_length(bes); i++) {
		json_object *b = json_object_array_get_idx(bes, i);
		json_object *reason = json_object_object_get(b, "reason");

		printf("  %-16s %-39s %-10s%s%s\n",
		       json_object_get_string(json_object_object_get(b, "service")),
		       json_object_get_string(json_object_object_get(b, "addr")),
		       json_object_get_string(json_object_object_get(b, "health")),
		       reason ? " last failure: " : "",
		       reason ? json_object_get_string(reason) : "");
	}
	print_announce(json_object_object_get(d, "announce"));
}
