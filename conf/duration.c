// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>
#include <strings.h>

#include "conf/duration.h"
#include "conf/values.h"

static const char *const unit_words[] = { "s", "m", "h" };
static const uint32_t unit_seconds[] = { 1, 60, 3600 };

/*
 * Units as people spell them elsewhere (rates say "min"), indexed like unit_words:
 * pointed at the one-letter unit instead of being refused without a hint.
 */
static const char *const unit_spellings[][4] = {
	{ "sec", "secs", "second", "seconds" },
	{ "min", "mins", "minute", "minutes" },
	{ "hr", "hrs", "hour", "hours" },
};

_Static_assert(CONF_ARRAY_LEN(unit_words) == CONF_ARRAY_LEN(unit_seconds), "seconds per unit");
_Static_assert(CONF_ARRAY_LEN(unit_words) == CONF_ARRAY_LEN(unit_spellings), "spellings per unit");

#define RANGE_TEXT	"0..604800 seconds (168h, 7 days)"
_Static_assert(CONF_DURATION_MAX_S == 604800, "RANGE_TEXT states the limit");

/* The unit a misspelt one most likely means (case aside, or a long spelling), or NULL. */
static const char *unit_hint(const char *unit)
{
	for (size_t i = 0; i < CONF_ARRAY_LEN(unit_words); i++) {
		if (strcasecmp(unit, unit_words[i]) == 0)
			return unit_words[i];
		for (size_t j = 0; j < CONF_ARRAY_LEN(unit_spellings[i]); j++)
			if (strcasecmp(unit, unit_spellings[i][j]) == 0)
				return unit_words[i];
	}
	return NULL;
}

static bool all_letters(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

static int bad_unit(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		    const char *text, const char *unit)
{
	const char *hint = unit_hint(unit);

	if (hint)
		return conf_fail(doc, node, "%s '%s': unknown unit '%s'; did you mean '%s'?",
				 key, text, unit, hint);
	return conf_fail(doc, node, "%s '%s': unknown unit '%s'; expected s, m or h",
			 key, text, unit);
}

int conf_duration(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		  uint32_t *out_s)
{
	const char *text = conf_scalar(doc, node, key);
	const char *digits, *unit;
	uint32_t per = 1;
	uint64_t v;
	size_t n, i;

	if (!text)
		return -1;
	digits = text + (text[0] == '-');
	n = strspn(digits, "0123456789");
	unit = digits + n;
	if (n == 0 || (*unit && *unit != '.' && *unit != ' ' && !all_letters(unit)))
		return conf_fail(doc, node,
				 "%s '%s' is not a duration; write seconds, or a whole number with unit s, m or h: e.g. 90, 30s, 5m or 1h",
				 key, text);
	if (*unit == '.')
		return conf_fail(doc, node,
				 "%s '%s' is not a whole number; write it in a smaller unit (s, m or h), e.g. 90m for 1.5h",
				 key, text);
	if (*unit == ' ')
		return conf_fail(doc, node,
				 "%s '%s' holds a space; write the number and its unit together, e.g. 30s",
				 key, text);
	if (*unit) {
		for (i = 0; i < CONF_ARRAY_LEN(unit_words); i++)
			if (strcmp(unit, unit_words[i]) == 0)
				break;
		if (i == CONF_ARRAY_LEN(unit_words))
			return bad_unit(doc, node, key, text, unit);
		per = unit_seconds[i];
	}
	if (digits != text)
		return conf_fail(doc, node, "%s %s is negative; expected " RANGE_TEXT, key, text);
	conf_decimal(digits, n, &v);
	/* Divide rather than multiply: v saturates at UINT64_MAX, which must not wrap. */
	if (v > CONF_DURATION_MAX_S / per)
		return conf_fail(doc, node, "%s %s is out of range " RANGE_TEXT, key, text);
	*out_s = (uint32_t)(v * per);
	return 0;
}
