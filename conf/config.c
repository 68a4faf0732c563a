// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "conf/digest.h"
#include "conf/doc.h"
#include "conf/include.h"
#include "conf/mac.h"
#include "conf/sections.h"
#include "conf/values.h"

enum {
	TOP_SETTINGS,
	TOP_FILTER,
	TOP_SERVICES,
	TOP_FLOWS,
	TOP_METRICS,
	TOP_INCLUDE,
	TOP_ANNOUNCE,
	TOP_NKEYS,
};

static const char *const top_keys[TOP_NKEYS] = {
	[TOP_SETTINGS] = "settings",
	[TOP_FILTER] = "filter",
	[TOP_SERVICES] = "services",
	[TOP_FLOWS] = "flows",
	[TOP_METRICS] = "metrics",
	[TOP_INCLUDE] = "include",
	[TOP_ANNOUNCE] = "announce",
};

enum {
	SET_MALFORMED,
	SET_MACS,
	SET_TAMPER,
	SET_NKEYS,
};

static const char *const settings_keys[SET_NKEYS] = {
	[SET_MALFORMED] = "malformed",
	[SET_MACS] = "macs",
	[SET_TAMPER] = "tamper",
};

/* Indexed like enum conf_malformed. */
static const char *const malformed_words[] = { "pass", "drop" };
/* Indexed like enum conf_tamper. */
static const char *const tamper_words[] = { "repair", "alert" };

static int parse_settings(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg)
{
	yaml_node_t *v[SET_NKEYS];
	unsigned int malformed = CONF_MALFORMED_PASS, tamper = CONF_TAMPER_REPAIR;

	if (conf_is_null(node))
		return 0;
	if (conf_expect_mapping(doc, node, "'settings'") ||
	    conf_mapping_fields(doc, node, "in 'settings'", settings_keys, SET_NKEYS, v))
		return -1;
	if (v[SET_MALFORMED] && conf_keyword(doc, v[SET_MALFORMED], "malformed", malformed_words,
					     CONF_ARRAY_LEN(malformed_words), &malformed))
		return -1;
	cfg->malformed = (enum conf_malformed)malformed;
	if (v[SET_TAMPER] && conf_keyword(doc, v[SET_TAMPER], "tamper", tamper_words,
					  CONF_ARRAY_LEN(tamper_words), &tamper))
		return -1;
	cfg->tamper = (enum conf_tamper)tamper;
	return v[SET_MACS] ? conf_parse_macs(doc, v[SET_MACS], cfg) : 0;
}

/* The key of a mapping node, or NULL. */
static const yaml_node_t *key_in(struct conf_doc *doc, const yaml_node_t *map, const char *key)
{
	const yaml_node_pair_t *pair;

	if (map->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = conf_doc_node(doc, pair->key);

		if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
			return k;
	}
	return NULL;
}

/* What one file of a load may set alone: refused in a second one. */
static int set_once(struct conf_doc *doc, const yaml_node_t *at, enum conf_once what,
		    const char *name)
{
	struct conf_load *load = doc->load;

	if (!at)
		return 0;
	if (load->once[what].file[0])
		return conf_fail(doc, at, "%s is already set in %s at %u:%u; set it in one file "
				 "only", name, load->once[what].file, load->once[what].pos.line,
				 load->once[what].pos.col);
	snprintf(load->once[what].file, sizeof(load->once[what].file), "%s", doc->name);
	load->once[what].pos = conf_node_pos(at);
	return 0;
}

/*
 * One file's sections into cfg, each on its own so that the mistakes of all of them
 * are reported together; then the files it includes.
 */
static int parse_root(struct conf_doc *doc, struct conf *cfg)
{
	yaml_node_t *root = conf_doc_root(doc);
	yaml_node_t *v[TOP_NKEYS] = { 0 };
	int ret = 0;

	/* Nothing at all (an empty file, only comments, a bare "---") is an empty config. */
	if (!root || conf_is_null(root))
		return 0;
	if (conf_expect_mapping(doc, root, "the top level"))
		return -1;
	/* An unknown key is reported; the known sections are still read. */
	ret = conf_mapping_fields(doc, root, "at the top level", top_keys, TOP_NKEYS, v);
	if (v[TOP_SETTINGS] && (set_once(doc, v[TOP_SETTINGS], CONF_ONCE_SETTINGS, "settings") ||
				parse_settings(doc, v[TOP_SETTINGS], cfg)))
		ret = -1;
	if (v[TOP_FLOWS] && (set_once(doc, v[TOP_FLOWS], CONF_ONCE_FLOWS, "flows") ||
			     conf_parse_flows(doc, v[TOP_FLOWS], &cfg->flows)))
		ret = -1;
	if (v[TOP_METRICS] && (set_once(doc, v[TOP_METRICS], CONF_ONCE_METRICS, "metrics") ||
			       conf_parse_metrics(doc, v[TOP_METRICS], &cfg->metrics)))
		ret = -1;
	if (v[TOP_ANNOUNCE] && (set_once(doc, v[TOP_ANNOUNCE], CONF_ONCE_ANNOUNCE, "announce") ||
				conf_parse_announce(doc, v[TOP_ANNOUNCE], &cfg->announce)))
		ret = -1;
	if (v[TOP_FILTER] &&
	    (set_once(doc, key_in(doc, v[TOP_FILTER], "default"), CONF_ONCE_DEFAULT,
		      "filter.default") ||
	     set_once(doc, key_in(doc, v[TOP_FILTER], "exempt"), CONF_ONCE_EXEMPT,
		      "filter.exempt") ||
	     conf_parse_filter(doc, v[TOP_FILTER], &cfg->filter)))
		ret = -1;
	if (conf_parse_services(doc, v[TOP_SERVICES], cfg))
		ret = -1;
	if (v[TOP_INCLUDE] && conf_include(doc, v[TOP_INCLUDE], cfg, parse_root))
		ret = -1;
	return ret;
}

int conf_load_buffer(const char *name, const char *buf, size_t len, struct conf *cfg,
		     char *err, size_t err_len)
{
	struct conf_load load = { 0 };
	struct conf_doc doc = { .name = name, .err = err, .err_len = err_len, .load = &load };
	char *all;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->filter.default_action = CONF_ACTION_ALLOW;
	cfg->filter.exempt = CONF_EXEMPT_DEFAULT;
	conf_parse_flows(&doc, NULL, &cfg->flows);
	if (err_len)
		err[0] = '\0';
	if (conf_doc_parse(&doc, buf, len)) {
		conf_doc_report(&doc);
		return -1;
	}
	/* Standard input and unnamed buffers cannot be included again: no path. */
	load.chain[0] = realpath(name, NULL);
	load.depth = 1;
	ret = parse_root(&doc, cfg);
	conf_doc_release(&doc);
	if (ret || doc.n_errors) {
		conf_doc_report(&doc);
		conf_load_release(&load);
		conf_free(cfg);
		return -1;
	}
	/* The digest covers every file the config was read from, in reading order. */
	all = load.texts_len ? malloc(len + load.texts_len) : NULL;
	if (all) {
		memcpy(all, buf, len);
		memcpy(all + len, load.texts, load.texts_len);
		conf_digest(all, len + load.texts_len, cfg->sha256);
		free(all);
	} else {
		conf_digest(buf, len, cfg->sha256);
	}
	conf_load_release(&load);
	return 0;
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
	ret = conf_read_file(f, &buf, &len);
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
	if (!ret && !from_stdin && conf_add_source(cfg, path, false)) {
		conf_free(cfg);
		snprintf(err, err_len, "%s: out of memory", path);
		return -1;
	}
	return ret;
}

int conf_add_source(struct conf *cfg, const char *path, bool glob)
{
	struct conf_source *more = realloc(cfg->sources,
					   (cfg->n_sources + 1) * sizeof(*more));

	if (!more)
		return -1;
	cfg->sources = more;
	more[cfg->n_sources].path = strdup(path);
	more[cfg->n_sources].glob = glob;
	if (!more[cfg->n_sources].path)
		return -1;
	cfg->n_sources++;
	return 0;
}

void conf_free(struct conf *cfg)
{
	for (size_t i = 0; i < cfg->n_services; i++)
		free(cfg->services[i].backends);
	free(cfg->services);
	free(cfg->filter.rules);
	for (size_t i = 0; i < cfg->n_sources; i++)
		free(cfg->sources[i].path);
	free(cfg->sources);
	memset(cfg, 0, sizeof(*cfg));
}

size_t conf_backend_count(const struct conf *cfg)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->n_services; i++)
		n += cfg->services[i].n_backends;
	return n;
}
