// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <inttypes.h>
#include <stdlib.h>

#include "metrics/prom.h"

/* HELP text escapes backslash and newline; label values also the double quote. */
static void put_escaped(FILE *out, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && quote)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

void prom_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s ", name);
	put_escaped(out, help, 0);
	fprintf(out, "\n# TYPE %s %s\n", name, type);
}

static void put_name(FILE *out, const char *name, const struct prom_label *labels, size_t n)
{
	size_t i;

	fputs(name, out);
	if (!n)
		return;
	fputc('{', out);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s%s=\"", i ? "," : "", labels[i].name);
		put_escaped(out, labels[i].value, 1);
		fputc('"', out);
	}
	fputc('}', out);
}

void prom_count(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		uint64_t value)
{
	put_name(out, name, labels, n);
	fprintf(out, " %" PRIu64 "\n", value);
}

void prom_value(FILE *out, const char *name, const struct prom_label *labels, size_t n,
		double value)
{
	char text[PROM_NUMBER_LEN];

	put_name(out, name, labels, n);
	fprintf(out, " %s\n", prom_number(value, text));
}

const char *prom_number(double value, char buf[PROM_NUMBER_LEN])
{
	/* The shortest of the two that reads back as the same double. */
	snprintf(buf, PROM_NUMBER_LEN, "%.15g", value);
	if (strtod(buf, NULL) != value)
		snprintf(buf, PROM_NUMBER_LEN, "%.17g", value);
	return buf;
}
