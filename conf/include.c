// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf/include.h"

int conf_read_file(FILE *f, char **out, size_t *out_len)
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

/* Keep an included file's text for the load's digest. */
static int keep_text(struct conf_load *load, const char *buf, size_t len)
{
	char *more = realloc(load->texts, load->texts_len + len);

	if (!more)
		return -1;
	memcpy(more + load->texts_len, buf, len);
	load->texts = more;
	load->texts_len += len;
	return 0;
}

/* "a.yaml -> b.yaml -> a.yaml", for a cycle closed by real path `again` (malloc'ed). */
static char *cycle_text(const struct conf_load *load, const char *again)
{
	char *text = NULL;
	size_t len, i = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	while (i < load->depth && (!load->chain[i] || strcmp(load->chain[i], again)))
		i++;
	for (; i < load->depth; i++)
		fprintf(f, "%s -> ", load->chain[i]);
	fprintf(f, "%s", again);
	return fclose(f) ? NULL : text;
}

/* One included file: read, parsed into a document of its own, walked into cfg. */
static int include_file(struct conf_doc *doc, const yaml_node_t *at, const char *path,
			struct conf *cfg, conf_parse_fn parse)
{
	struct conf_load *load = doc->load;
	struct conf_doc child = { .name = path, .root = doc->root ? doc->root : doc,
				  .load = load };
	char real[PATH_MAX], *cycle;
	size_t len, i;
	char *buf;
	FILE *f;
	int ret;

	if (!realpath(path, real))
		return conf_fail(doc, at, "include '%s': %s", path, strerror(errno));
	for (i = 0; i < load->depth; i++)
		if (load->chain[i] && !strcmp(load->chain[i], real)) {
			cycle = cycle_text(load, real);
			conf_fail(doc, at, "include cycle: %s", cycle ? cycle : real);
			free(cycle);
			return -1;
		}
	if (load->depth > CONF_INCLUDE_DEPTH)
		return conf_fail(doc, at, "include '%s': files nested more than %d deep", path,
				 CONF_INCLUDE_DEPTH);
	f = fopen(path, "rb");
	if (!f)
		return conf_fail(doc, at, "include '%s': %s", path, strerror(errno));
	ret = conf_read_file(f, &buf, &len);
	fclose(f);
	if (ret)
		return conf_fail(doc, at, "include '%s': %s", path, errno == EFBIG ?
				 "larger than 16 MiB; not a sluice config" : strerror(errno));
	child.file = ++load->files;
	ret = keep_text(load, buf, len);
	if (!ret)
		ret = conf_doc_parse(&child, buf, len);
	free(buf);
	if (ret)
		return -1;
	load->chain[load->depth++] = strdup(real);
	ret = parse(&child, cfg);
	free(load->chain[--load->depth]);
	load->chain[load->depth] = NULL;
	conf_doc_release(&child);
	return ret;
}

/* One path or glob, relative to the including file's directory. */
static int include_one(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg,
		       conf_parse_fn parse)
{
	const char *text = conf_scalar(doc, node, "include");
	char dir_of[PATH_MAX], pattern[PATH_MAX];
	glob_t g = { 0 };
	int ret = 0, n;

	if (!text)
		return -1;
	if (!*text)
		return conf_fail(doc, node, "include is empty; name a file or a glob");
	snprintf(dir_of, sizeof(dir_of), "%s", doc->name);
	if (text[0] == '/')
		n = snprintf(pattern, sizeof(pattern), "%s", text);
	else	/* standard input's includes are relative to the working directory */
		n = snprintf(pattern, sizeof(pattern), "%s/%s", strcmp(doc->name,
			     CONF_STDIN_NAME) ? dirname(dir_of) : ".", text);
	if (n < 0 || (size_t)n >= sizeof(pattern))
		return conf_fail(doc, node, "include '%s': path too long", text);
	/* Watched by `sluice run`, also when missing: creating it is a change too. */
	if (conf_add_source(cfg, pattern, strpbrk(text, "*?[") != NULL))
		return conf_fail(doc, node, "include '%s': out of memory", text);
	/* A plain path goes through as is, so that a missing file says so by name. */
	if (!strpbrk(text, "*?["))
		return include_file(doc, node, pattern, cfg, parse);
	ret = glob(pattern, 0, NULL, &g);
	if (ret == GLOB_NOMATCH) {
		globfree(&g);
		return conf_fail(doc, node, "include '%s' matches no file", text);
	}
	if (ret) {
		globfree(&g);
		return conf_fail(doc, node, "include '%s': cannot read its directory", text);
	}
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (include_file(doc, node, g.gl_pathv[i], cfg, parse))
			ret = -1;
	globfree(&g);
	return ret;
}

int conf_include(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg,
		 conf_parse_fn parse)
{
	int ret = 0;

	if (node->type != YAML_SEQUENCE_NODE)
		return include_one(doc, node, cfg, parse);
	for (size_t i = 0; i < conf_sequence_len(node); i++)
		if (include_one(doc, conf_sequence_item(doc, node, i), cfg, parse))
			ret = -1;
	return ret;
}

void conf_load_release(struct conf_load *load)
{
	for (size_t i = 0; i < CONF_INCLUDE_DEPTH + 1; i++)
		free(load->chain[i]);
	free(load->texts);
	memset(load, 0, sizeof(*load));
}
