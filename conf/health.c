// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A service's `health:` section: how `sluice run` checks its backends. */
#include <string.h>

#include "conf/duration.h"
#include "conf/sections.h"
#include "conf/values.h"

enum {
	HEALTH_CHECK,
	HEALTH_PORT,
	HEALTH_PATH,
	HEALTH_EXPECT,
	HEALTH_INTERVAL,
	HEALTH_TIMEOUT,
	HEALTH_RISE,
	HEALTH_FALL,
	HEALTH_ESTABLISHED,
	HEALTH_NKEYS,
};

_Static_assert(HEALTH_NKEYS <= CONF_FIELDS_MAX, "health keys fit the mapping reader");

static const char *const health_keys[HEALTH_NKEYS] = {
	[HEALTH_CHECK] = "check",
	[HEALTH_PORT] = "port",
	[HEALTH_PATH] = "path",
	[HEALTH_EXPECT] = "expect",
	[HEALTH_INTERVAL] = "interval",
	[HEALTH_TIMEOUT] = "timeout",
	[HEALTH_RISE] = "rise",
	[HEALTH_FALL] = "fall",
	[HEALTH_ESTABLISHED] = "established",
};

/* Indexed like enum conf_check, from CONF_CHECK_TCP on. */
static const char *const check_words[] = { "tcp", "http" };
static const char *const established_words[] = { "move", "keep" };

/* A path an HTTP request line can carry as it is: '/', then visible ASCII. */
static int parse_path(struct conf_doc *doc, const yaml_node_t *node, char out[CONF_HEALTH_PATH_LEN])
{
	const char *text = conf_scalar(doc, node, "path");
	size_t i;

	if (!text)
		return -1;
	if (text[0] != '/')
		return conf_fail(doc, node, "path '%s' must start with '/'", text);
	if (strlen(text) >= CONF_HEALTH_PATH_LEN)
		return conf_fail(doc, node, "path is longer than %d characters",
				 CONF_HEALTH_PATH_LEN - 1);
	for (i = 0; text[i]; i++)
		if (text[i] <= ' ' || text[i] > '~')
			return conf_fail(doc, node, "path '%s' has a space or a character "
					 "outside visible ASCII at position %zu; percent-encode it",
					 text, i + 1);
	strcpy(out, text);
	return 0;
}

/* A duration of whole seconds, at least one: 0 would check without pause. */
static int parse_period(struct conf_doc *doc, const yaml_node_t *node, const char *key,
			uint32_t *out)
{
	if (conf_duration(doc, node, key, out))
		return -1;
	if (*out < 1 || *out > CONF_HEALTH_INTERVAL_MAX)
		return conf_fail(doc, node, "%s %us is out of range 1s..%ds", key, *out,
				 CONF_HEALTH_INTERVAL_MAX);
	return 0;
}

static int parse_http_keys(struct conf_doc *doc, yaml_node_t *const *v, struct conf_health *out)
{
	uint32_t expect = 200;

	strcpy(out->path, "/");
	if (v[HEALTH_PATH] && parse_path(doc, v[HEALTH_PATH], out->path))
		return -1;
	if (v[HEALTH_EXPECT] && conf_uint(doc, v[HEALTH_EXPECT], "expect", 100, 599, &expect))
		return -1;
	out->expect = (uint16_t)expect;
	return 0;
}

int conf_parse_health(struct conf_doc *doc, const yaml_node_t *node, const char *svc_name,
		      struct conf_health *out)
{
	yaml_node_t *v[HEALTH_NKEYS];
	unsigned int check, established = 0;
	uint32_t port;

	if (conf_expect_mapping(doc, node, "'health'") ||
	    conf_mapping_fields(doc, node, "in 'health'", health_keys, HEALTH_NKEYS, v))
		return -1;
	out->pos = conf_node_pos(node);
	if (!v[HEALTH_CHECK])
		return conf_fail(doc, node, "health of service '%s' is missing required key "
				 "'check' (tcp or http)", svc_name);
	if (conf_keyword(doc, v[HEALTH_CHECK], "check", check_words,
			 CONF_ARRAY_LEN(check_words), &check))
		return -1;
	out->check = check == 0 ? CONF_CHECK_TCP : CONF_CHECK_HTTP;
	if (!v[HEALTH_PORT])
		return conf_fail(doc, node, "health of service '%s' is missing required key "
				 "'port'", svc_name);
	if (conf_uint(doc, v[HEALTH_PORT], "port", 1, UINT16_MAX, &port))
		return -1;
	out->port = (uint16_t)port;
	if (out->check == CONF_CHECK_HTTP && parse_http_keys(doc, v, out))
		return -1;
	if (out->check == CONF_CHECK_TCP && (v[HEALTH_PATH] || v[HEALTH_EXPECT]))
		return conf_fail(doc, v[HEALTH_PATH] ? v[HEALTH_PATH] : v[HEALTH_EXPECT],
				 "'%s' is for check: http; a tcp check only connects",
				 v[HEALTH_PATH] ? "path" : "expect");
	out->interval_s = CONF_HEALTH_INTERVAL_DEFAULT;
	out->timeout_s = CONF_HEALTH_TIMEOUT_DEFAULT;
	out->rise = CONF_HEALTH_RISE_DEFAULT;
	out->fall = CONF_HEALTH_FALL_DEFAULT;
	if ((v[HEALTH_INTERVAL] && parse_period(doc, v[HEALTH_INTERVAL], "interval",
						&out->interval_s)) ||
	    (v[HEALTH_TIMEOUT] && parse_period(doc, v[HEALTH_TIMEOUT], "timeout",
					       &out->timeout_s)) ||
	    (v[HEALTH_RISE] && conf_uint(doc, v[HEALTH_RISE], "rise", 1, CONF_HEALTH_COUNT_MAX,
					 &out->rise)) ||
	    (v[HEALTH_FALL] && conf_uint(doc, v[HEALTH_FALL], "fall", 1, CONF_HEALTH_COUNT_MAX,
					 &out->fall)) ||
	    (v[HEALTH_ESTABLISHED] &&
	     conf_keyword(doc, v[HEALTH_ESTABLISHED], "established", established_words,
			  CONF_ARRAY_LEN(established_words), &established)))
		return -1;
	/* A check still running when the next is due would overlap itself. */
	if (out->timeout_s > out->interval_s)
		return conf_fail(doc, v[HEALTH_TIMEOUT] ? v[HEALTH_TIMEOUT] : node,
				 "timeout %us is longer than the interval %us between checks",
				 out->timeout_s, out->interval_s);
	out->keep_established = established == 1;
	return 0;
}
