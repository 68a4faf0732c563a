// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/digest.h"
#include "conf/doc.h"
#include "conf/mac.h"
#include "conf/sections.h"
#include "conf/values.h"

/* Far beyond any real config (the largest valid one is a few MiB): refuse /dev/zero. */
#define CONF_FILE_MAX	(16u << 20)

enum {
	TOP_SETTINGS,
	TOP_FILTER,
	TOP_SERVICES,
	TOP_FLOWS,
	TOP_METRICS,
	TOP_NKEYS,
};

static const char *const top_keys[TOP_NKEYS] = {
	[TOP_SETTINGS] = "settings",
	[TOP_FILTER] = "filter",
	[TOP_SERVICES] = "services",
	[TOP_FLOWS] = "flows",
	[TOP_METRICS] = "metrics",
};

enum {
	SET_MALFORMED,
	SET_MACS,
	SET_NKEYS,
};

static const char *const settings_keys[SET_NKEYS] = {
	[SET_MALFORMED] = "malformed",
	[SET_MACS] = "macs",
};

/* Indexed like enum conf_malformed. */
static const char *const malformed_words[] = { "pass", "drop" };

static int parse_settings(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg)
{
	yaml_node_t *v[SET_NKEYS];
	unsigned int malformed = CONF_MALFORMED_PASS;

	if (conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'settings'") ||
	    conf_mapping_fields(doc, node, "in 'settings'", settings_keys, SET_NKEYS, v))
		return -1;
	if (v[SET_MALFORMED] && conf_keyword(doc, v[SET_MALFORMED], "malformed", malformed_words,
					     CONF_ARRAY_LEN(malformed_words), &malformed))
		return -1;
	cfg->malformed = (enum conf_malformed)malformed;
	return v[SET_MACS] ? conf_parse_macs(doc, v[SET_MACS], cfg) : 0;
}

/* Each section on its own, so that the mistakes of all of them are reported together. */
static int parse_root(struct conf_doc *doc, struct conf *cfg)
{
	yaml_node_t *root = conf_doc_root(doc);
	yaml_node_t *v[TOP_NKEYS] = { 0 };
	int ret = 0;

	/* Nothing at all (an empty file, only comments, a bare "---") is an empty config. */
	if (root && !conf_is_null(root)) {
		if (conf_expect_mapping(doc, root, "the top level"))
			return -1;
		/* An unknown key is reported; the known sections are still read. */
		ret = conf_mapping_fields(doc, root, "at the top level", top_keys, TOP_NKEYS, v);
	}
	if (v[TOP_SETTINGS] && parse_settings(doc, v[TOP_SETTINGS], cfg))
		ret = -1;
	if (conf_parse_flows(doc, v[TOP_FLOWS], &cfg->flows))
		ret = -1;
	if (conf_parse_metrics(doc, v[TOP_METRICS], &cfg->metrics))
		ret = -1;
	if (conf_parse_filter(doc, v[TOP_FILTER], &cfg->filter))
		ret = -1;
	if (conf_parse_services(doc, v[TOP_SERVICES], cfg))
		ret = -1;
	return ret;
}

int conf_load_buffer(const char *name, const char *buf, size_t len, struct conf *cfg,
		     char *err, size_t err_len)
{
	struct conf_doc doc = { .name = name, .err = err, .err_len = err_len };
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	if (err_len)
		err[0] = '\0';
	if (conf_doc_parse(&doc, buf, len)) {
		conf_doc_report(&doc);
		return -1;
	}
	ret = parse_root(&doc, cfg);
	conf_doc_release(&doc);
	if (ret || doc.n_errors) {
		conf_doc_report(&doc);
		conf_free(cfg);
		return -1;
	}
	conf_digest(buf, len, cfg->sha256);
	return 0;
}

/* The whole file in one malloc'ed buffer; -1 with errno set on failure. */
static int read_file(FILE *f, char **out, size_t *out_len)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		len += fread(buf + len, 1, cap - len, f);
		if (ferror(f))
			goto fail;
		if (len > CONF_FILE_MAX) {
			errno = EFBIG;
			goto fail;
		}
		if (feof(f))
			break;
		if (len == cap) {
			/* One byte past the limit is enough to tell the file is too large. */
			size_t bigger_cap = cap * 2;
			char *bigger;

			if (bigger_cap > CONF_FILE_MAX + 1)
				bigger_cap = CONF_FILE_MAX + 1;
			bigger = realloc(buf, bigger_cap);
			if (!bigger)
				goto fail;
			buf = bigger;
			cap = bigger_cap;
		}
	}
	*out = buf;
	*out_len = len;
	return 0;
fail:
	free(buf);
	return -1;
}

const char *conf_source_name(const char *path)
{
	return strcmp(path, "-") ? path : CONF_STDIN_NAME;
}

int conf_load_file(const char *path, struct conf *cfg, char *err, size_t err_len)
{
	struct conf_doc doc = { .name = conf_source_name(path), .err = err, .err_len = err_len };
	bool from_stdin = !strcmp(path, "-");
	FILE *f;
	char *buf;
	size_t len;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	f = from_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		conf_fail_file(&doc, "%s", strerror(errno));
		conf_doc_report(&doc);
		return -1;
	}
	ret = read_file(f, &buf, &len);
	if (ret) {
		if (errno == EFBIG)
			conf_fail_file(&doc, "larger than %u MiB; not a sluice config",
				       CONF_FILE_MAX >> 20);
		else
			conf_fail_file(&doc, "%s", strerror(errno));
	}
	if (!from_stdin)
		fclose(f);
	if (ret) {
		conf_doc_report(&doc);
		return -1;
	}
	ret = conf_load_buffer(doc.name, buf, len, cfg, err, err_len);
	free(buf);
	return ret;
}

void conf_free(struct conf *cfg)
{
	for (size_t i = 0; i < cfg->n_services; i++)
		free(cfg->services[i].backends);
	free(cfg->services);
	free(cfg->filter.rules);
	memset(cfg, 0, sizeof(*cfg));
}

size_t conf_backend_count(const struct conf *cfg)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->n_services; i++)
		n += cfg->services[i].n_backends;
	return n;
}
