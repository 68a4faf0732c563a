// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What every --json form of the commands shares. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/json_out.h"
#include "kernel/fmt.h"

json_object *json_out_root(const char *ifname)
{
	json_object *root = json_object_new_object();

	json_object_object_add(root, "schema_version", json_object_new_int(JSON_SCHEMA_VERSION));
	if (ifname)
		json_object_object_add(root, "interface", json_object_new_string(ifname));
	return root;
}

void json_out_timestamp(json_object *o)
{
	struct timespec now;
	char text[32];

	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(text, sizeof(text), "%lld.%03ld", (long long)now.tv_sec, now.tv_nsec / 1000000);
	json_object_object_add(o, "timestamp", json_object_new_double_s(
		(double)now.tv_sec + (double)(now.tv_nsec / 1000000) / 1000.0, text));
}

void json_out_vip(json_object *o, const struct sluice_vip_key *key)
{
	char addr[INET6_ADDRSTRLEN];

	json_object_object_add(o, "vip", json_object_new_string(
		fmt_addr(key->family, key->addr, addr)));
	json_object_object_add(o, "port", key->port ?
			       json_object_new_int(ntohs(key->port)) : NULL);
	json_object_object_add(o, "proto", json_object_new_string(fmt_proto(key->proto)));
}

void json_out_print(json_object *root, bool pretty)
{
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_NOSLASHESCAPE |
		(pretty ? JSON_C_TO_STRING_PRETTY : JSON_C_TO_STRING_PLAIN)));
	fflush(stdout);
	json_object_put(root);
}

void json_capture_begin(struct json_capture *c, bool on)
{
	FILE *mem;

	memset(c, 0, sizeof(*c));
	if (!on)
		return;
	mem = open_memstream(&c->text, &c->len);
	if (!mem)
		return;
	/* glibc's stderr is a variable: everything printed to it now lands in mem. */
	fflush(stderr);
	c->saved = stderr;
	stderr = mem;
}

void json_capture_end(struct json_capture *c, json_object *root)
{
	json_object *lines;
	char *line, *next;

	if (!c->saved)
		return;
	fclose(stderr);
	stderr = c->saved;
	c->saved = NULL;
	lines = json_object_new_array();
	for (line = c->text; line && *line; line = next) {
		next = strchrnul(line, '\n');
		if (next > line)
			json_object_array_add(lines, json_object_new_string_len(
				line, (int)(next - line)));
		if (*next)
			next++;
	}
	free(c->text);
	c->text = NULL;
	if (root)
		json_object_object_add(root, "messages", lines);
	else
		json_object_put(lines);
}
