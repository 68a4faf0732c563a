/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What every --json form of the commands shares. */
#ifndef SLUICE_CLI_JSON_OUT_H
#define SLUICE_CLI_JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "xdp/abi.h"

/*
 * The version of the JSON forms, in every top-level object as "schema_version".
 * Raised when a key changes meaning or goes (README.md, "JSON output", lists each
 * change); adding keys leaves it.
 */
#define JSON_SCHEMA_VERSION	2

/* A top-level object: {"schema_version"}, then "interface" when ifname is set. */
json_object *json_out_root(const char *ifname);

/* "timestamp": now, in Unix seconds (fractional). */
void json_out_timestamp(json_object *o);

/* A service's address as its config says it: "vip", "port" (null: any), "proto". */
void json_out_vip(json_object *o, const struct sluice_vip_key *key);

/*
 * What a command with --json writes to stderr (errors, warnings, also from the
 * layers below) is caught meanwhile and becomes the "messages" of its answer, so
 * that stdout holds one JSON object whatever happens.
 */
struct json_capture {
	FILE *saved;		/* the real stderr */
	char *text;
	size_t len;
};

/* Start catching stderr (when on is false, nothing changes). */
void json_capture_begin(struct json_capture *c, bool on);

/* Stop catching; with root, its lines go into root's "messages" array. */
void json_capture_end(struct json_capture *c, json_object *root);

/* root on stdout, pretty or on one line (JSON lines); then frees it. */
void json_out_print(json_object *root, bool pretty);

#endif /* SLUICE_CLI_JSON_OUT_H */
