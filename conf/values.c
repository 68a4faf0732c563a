// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "conf/closest.h"
#include "conf/values.h"
#include "xdp/abi.h"

_Static_assert(CONF_NAME_LEN == SLUICE_NAME_LEN, "names must fit the data plane's name fields");

/*
 * Plain decimal only: YAML's hex, octal and signs would let "0x50" or "-1" mean
 * something the operator did not intend for a port or a weight.
 */
bool conf_decimal(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	for (size_t i = 0; i < len; i++) {
		if (v > (UINT64_MAX - 9) / 10) {
			v = UINT64_MAX;
			break;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

/*
 * A number in quotes is a string to YAML (and to every other tool that reads the
 * file), whatever it looks like: refused like any other value of the wrong type.
 */
static int not_quoted(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		      const char *text)
{
	if (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return conf_fail(doc, node, "%s must be a number, found the string \"%s\"; write it "
			 "without quotes", key, text);
}

int conf_uint(struct conf_doc *doc, const yaml_node_t *node, const char *key,
	      uint32_t min, uint32_t max, uint32_t *out)
{
	const char *text = conf_scalar(doc, node, key);
	uint64_t v;

	if (!text || not_quoted(doc, node, key, text))
		return -1;
	if (!conf_decimal(text, strlen(text), &v))
		return conf_fail(doc, node, "%s '%s' is not a whole number; expected %u..%u",
				 key, text, min, max);
	if (v < min || v > max)
		return conf_fail(doc, node, "%s %s is out of range %u..%u", key, text, min, max);
	*out = (uint32_t)v;
	return 0;
}

int conf_int(struct conf_doc *doc, const yaml_node_t *node, const char *key,
	     int32_t min, int32_t max, int32_t *out)
{
	const char *text = conf_scalar(doc, node, key);
	bool negative;
	uint64_t magnitude;
	int64_t v;

	if (!text || not_quoted(doc, node, key, text))
		return -1;
	negative = text[0] == '-';
	if (!conf_decimal(text + negative, strlen(text + negative), &magnitude))
		return conf_fail(doc, node, "%s '%s' is not a whole number; expected %d..%d",
				 key, text, min, max);
	/* Saturate before negating: anything past INT64 is just as far out of range. */
	if (magnitude > INT64_MAX)
		magnitude = INT64_MAX;
	v = negative ? -(int64_t)magnitude : (int64_t)magnitude;
	if (v < min || v > max)
		return conf_fail(doc, node, "%s %s is out of range %d..%d", key, text, min, max);
	*out = (int32_t)v;
	return 0;
}

static int port_of(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		   const char *whole, const char *s, size_t len, uint16_t *out)
{
	uint64_t v;

	if (!conf_decimal(s, len, &v))
		return conf_fail(doc, node,
				 "%s '%s' is not a port or port range (e.g. 443 or 1024-65535)",
				 key, whole);
	if (v > UINT16_MAX)
		return conf_fail(doc, node, "%s %.*s is out of range 0..65535", key, (int)len, s);
	*out = (uint16_t)v;
	return 0;
}

int conf_port_range(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		    uint16_t *lo, uint16_t *hi)
{
	const char *text = conf_scalar(doc, node, key);
	const char *dash;

	if (!text)
		return -1;
	dash = strchr(text, '-');
	if (!dash) {
		if (port_of(doc, node, key, text, text, strlen(text), lo))
			return -1;
		*hi = *lo;
		return 0;
	}
	if (port_of(doc, node, key, text, text, (size_t)(dash - text), lo) ||
	    port_of(doc, node, key, text, dash + 1, strlen(dash + 1), hi))
		return -1;
	if (*lo > *hi)
		return conf_fail(doc, node, "%s range %s is backwards; write %u-%u",
				 key, text, *hi, *lo);
	return 0;
}

int conf_keyword(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		 const char *const *words, size_t n, unsigned int *out)
{
	const char *text = conf_scalar(doc, node, key);
	const char *hint;
	char expected[128];

	if (!text)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(text, words[i]) == 0) {
			*out = (unsigned int)i;
			return 0;
		}
	}
	hint = conf_closest(text, words, n);
	if (hint)
		return conf_fail(doc, node, "unknown %s '%s'; did you mean '%s'?", key, text, hint);
	conf_join_choices(expected, sizeof(expected), words, n);
	return conf_fail(doc, node, "unknown %s '%s'; expected %s", key, text, expected);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

int conf_name(struct conf_doc *doc, const yaml_node_t *node, char out[CONF_NAME_LEN])
{
	const char *text = conf_scalar(doc, node, "name");
	size_t len;

	if (!text)
		return -1;
	len = strlen(text);
	if (len == 0)
		return conf_fail(doc, node, "name is empty");
	if (len > CONF_NAME_LEN - 1)
		return conf_fail(doc, node,
				 "name '%.20s...' is %zu characters long; the limit is %d",
				 text, len, CONF_NAME_LEN - 1);
	for (size_t i = 0; i < len; i++)
		if (!name_char(text[i]))
			return conf_fail(doc, node,
					 "name '%s' may only hold letters, digits, '.', '_' and '-'",
					 text);
	memcpy(out, text, len + 1);
	return 0;
}
