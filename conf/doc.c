// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/closest.h"
#include "conf/doc.h"

static void vreport(struct conf_doc *doc, yaml_mark_t mark, bool has_mark,
		    const char *fmt, va_list ap)
{
	struct conf_doc *keeper = doc->root ? doc->root : doc;
	struct conf_error *e;
	int w;

	if (!keeper->errors) {
		keeper->errors = calloc(CONF_ERRORS_KEPT, sizeof(*keeper->errors));
		if (!keeper->errors)
			return;
	}
	if (keeper->n_errors++ >= CONF_ERRORS_KEPT)
		return;
	e = &keeper->errors[keeper->n_errors - 1];
	e->file = doc->file;
	e->has_mark = has_mark;
	e->line = mark.line;
	e->col = mark.column;
	if (has_mark)
		w = snprintf(e->text, sizeof(e->text), "%s:%zu:%zu: ", doc->name,
			     mark.line + 1, mark.column + 1);
	else
		w = snprintf(e->text, sizeof(e->text), "%s: ", doc->name);
	if (w < 0 || (size_t)w >= sizeof(e->text))
		return;
	vsnprintf(e->text + w, sizeof(e->text) - (size_t)w, fmt, ap);
}

static int by_position(const void *a, const void *b)
{
	const struct conf_error *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->has_mark != y->has_mark)
		return x->has_mark ? 1 : -1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

void conf_doc_report(struct conf_doc *doc)
{
	size_t kept = doc->n_errors < CONF_ERRORS_KEPT ? doc->n_errors : CONF_ERRORS_KEPT;
	size_t shown = kept < CONF_ERRORS_SHOWN ? kept : CONF_ERRORS_SHOWN, at = 0, i;

	if (doc->errors)
		qsort(doc->errors, kept, sizeof(*doc->errors), by_position);
	else
		shown = 0;
	if (doc->err_len)
		doc->err[0] = '\0';
	for (i = 0; i < shown && at < doc->err_len; i++)
		at += (size_t)snprintf(doc->err + at, doc->err_len - at, "%s%s", i ? "\n" : "",
				       doc->errors[i].text);
	if (doc->n_errors > shown && at < doc->err_len)
		snprintf(doc->err + at, doc->err_len - at, "\n%s: %zu more mistakes not shown",
			 doc->name, doc->n_errors - shown);
	free(doc->errors);
	doc->errors = NULL;
	doc->n_errors = 0;
}

int conf_fail_mark(struct conf_doc *doc, yaml_mark_t mark, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(doc, mark, true, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_fail(struct conf_doc *doc, const yaml_node_t *node, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(doc, node->start_mark, true, fmt, ap);
	va_end(ap);
	return -1;
}

void conf_fail_file(struct conf_doc *doc, const char *fmt, ...)
{
	va_list ap;
	yaml_mark_t none = { 0 };

	va_start(ap, fmt);
	vreport(doc, none, false, fmt, ap);
	va_end(ap);
}

struct conf_pos conf_node_pos(const yaml_node_t *node)
{
	return (struct conf_pos){
		.line = (unsigned int)node->start_mark.line + 1,
		.col = (unsigned int)node->start_mark.column + 1,
	};
}

/*
 * libyaml gives only a byte offset for bytes that are not valid UTF-8; count the
 * lines and characters before it so the message points where an editor would.
 */
static yaml_mark_t mark_of_offset(const char *buf, size_t len, size_t offset)
{
	yaml_mark_t mark = { 0 };

	for (size_t i = 0; i < offset && i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n') {
			mark.line++;
			mark.column = 0;
		} else if ((c & 0xc0) != 0x80) {
			mark.column++;
		}
	}
	return mark;
}

/* Tabs are the classic YAML mistake; libyaml's message does not mention them. */
static bool tab_at(const char *buf, size_t len, yaml_mark_t mark)
{
	size_t i = 0, line = 0, col = 0;

	while (i < len && line < mark.line)
		if (buf[i++] == '\n')
			line++;
	for (; i < len && buf[i] != '\n'; i++) {
		if (((unsigned char)buf[i] & 0xc0) == 0x80)
			continue;
		if (col++ == mark.column)
			return buf[i] == '\t';
	}
	return false;
}

static int syntax_error(struct conf_doc *doc, const yaml_parser_t *parser,
			const char *buf, size_t len)
{
	const char *problem = parser->problem ? parser->problem : "unreadable YAML";
	yaml_mark_t at = parser->problem_mark;
	const char *hint;

	switch (parser->error) {
	case YAML_MEMORY_ERROR:
		conf_fail_file(doc, "out of memory while reading YAML");
		return -1;
	case YAML_READER_ERROR:
		return conf_fail_mark(doc, mark_of_offset(buf, len, parser->problem_offset),
				      "not valid UTF-8 text: %s", problem);
	default:
		break;
	}
	hint = tab_at(buf, len, at) ? "; indent with spaces, YAML does not allow tabs" : "";
	if (parser->context)
		return conf_fail_mark(doc, at, "YAML syntax error: %s (%s started at %zu:%zu)%s",
				      problem, parser->context,
				      parser->context_mark.line + 1,
				      parser->context_mark.column + 1, hint);
	return conf_fail_mark(doc, at, "YAML syntax error: %s%s", problem, hint);
}

/*
 * What a config may hold, checked on libyaml's events before its loader builds the
 * document: the loader's time grows with the square of the nesting depth (100,000
 * nested '[' took over 10 s) and its memory with every node (a dense 16 MiB file
 * took 1.36 GB). A daemon reloading a file must not stall on one. A real config
 * nests 5 deep; 16,384 rules of a dozen values each are 200,000 nodes.
 */
#define CONF_DEPTH_MAX	64
#define CONF_NODES_MAX	1000000

static int prescan(struct conf_doc *doc, const char *buf, size_t len)
{
	size_t depth = 0, nodes = 0;
	yaml_parser_t parser;
	bool done = false;
	yaml_event_t ev;
	int ret = 0;

	if (!yaml_parser_initialize(&parser)) {
		conf_fail_file(doc, "out of memory while reading YAML");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !ret) {
		if (!yaml_parser_parse(&parser, &ev)) {
			ret = syntax_error(doc, &parser, buf, len);
			break;
		}
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > CONF_DEPTH_MAX)
				ret = conf_fail_mark(doc, ev.start_mark, "nested more than %d "
						     "levels deep", CONF_DEPTH_MAX);
			/* fall through */
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
			if (!ret && ++nodes > CONF_NODES_MAX)
				ret = conf_fail_mark(doc, ev.start_mark, "more than %d values in "
						     "one file", CONF_NODES_MAX);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ret;
}

int conf_doc_parse(struct conf_doc *doc, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int ret = prescan(doc, buf, len);

	if (ret)
		return ret;
	if (!yaml_parser_initialize(&parser)) {
		conf_fail_file(doc, "out of memory while reading YAML");
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc->yaml)) {
		ret = syntax_error(doc, &parser, buf, len);
		goto out;
	}
	if (!yaml_document_get_root_node(&doc->yaml))
		goto out;
	/* A second document would be silently ignored; say so instead. */
	if (!yaml_parser_load(&parser, &extra)) {
		ret = syntax_error(doc, &parser, buf, len);
	} else {
		if (yaml_document_get_root_node(&extra))
			ret = conf_fail_mark(doc, extra.start_mark,
					     "a config file holds one YAML document; found a second one here");
		yaml_document_delete(&extra);
	}
	if (ret)
		yaml_document_delete(&doc->yaml);
out:
	yaml_parser_delete(&parser);
	return ret;
}

void conf_doc_release(struct conf_doc *doc)
{
	yaml_document_delete(&doc->yaml);
	memset(&doc->yaml, 0, sizeof(doc->yaml));
}

yaml_node_t *conf_doc_root(struct conf_doc *doc)
{
	return yaml_document_get_root_node(&doc->yaml);
}

yaml_node_t *conf_doc_node(struct conf_doc *doc, int index)
{
	return yaml_document_get_node(&doc->yaml, index);
}

bool conf_is_null(const yaml_node_t *node)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (node->type != YAML_SCALAR_NODE || node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp((const char *)node->data.scalar.value, nulls[i]) == 0)
			return true;
	return false;
}

/* How a node looks to the operator who wrote it, for "expected X, found Y". */
static void describe(const yaml_node_t *node, char *buf, size_t len)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		snprintf(buf, len, "a mapping");
		break;
	case YAML_SEQUENCE_NODE:
		snprintf(buf, len, "a list");
		break;
	default:
		if (conf_is_null(node))
			snprintf(buf, len, "nothing");
		else
			snprintf(buf, len, "'%.40s%s'", (const char *)node->data.scalar.value,
				 node->data.scalar.length > 40 ? "..." : "");
		break;
	}
}

int conf_expect_mapping(struct conf_doc *doc, const yaml_node_t *node, const char *what)
{
	char found[64];

	if (node->type == YAML_MAPPING_NODE)
		return 0;
	describe(node, found, sizeof(found));
	return conf_fail(doc, node, "%s must be a mapping (key: value), found %s", what, found);
}

int conf_expect_sequence(struct conf_doc *doc, const yaml_node_t *node, const char *what)
{
	char found[64];

	if (node->type == YAML_SEQUENCE_NODE)
		return 0;
	describe(node, found, sizeof(found));
	return conf_fail(doc, node, "%s must be a list, found %s", what, found);
}

const char *conf_scalar(struct conf_doc *doc, const yaml_node_t *node, const char *key)
{
	const char *text;

	if (node->type != YAML_SCALAR_NODE) {
		char found[64];

		describe(node, found, sizeof(found));
		conf_fail(doc, node, "'%s' must be a single value, found %s", key, found);
		return NULL;
	}
	if (conf_is_null(node)) {
		conf_fail(doc, node, "'%s' has no value", key);
		return NULL;
	}
	text = (const char *)node->data.scalar.value;
	if (strlen(text) != node->data.scalar.length) {
		conf_fail(doc, node, "'%s' contains a NUL character", key);
		return NULL;
	}
	return text;
}

size_t conf_sequence_len(const yaml_node_t *node)
{
	return (size_t)(node->data.sequence.items.top - node->data.sequence.items.start);
}

yaml_node_t *conf_sequence_item(struct conf_doc *doc, const yaml_node_t *node, size_t i)
{
	return conf_doc_node(doc, node->data.sequence.items.start[i]);
}

static int unknown_key(struct conf_doc *doc, const yaml_node_t *key, const char *where,
		       const char *const *keys, size_t n)
{
	const char *name = (const char *)key->data.scalar.value;
	const char *hint = conf_closest(name, keys, n);
	char known[256];

	if (hint)
		return conf_fail(doc, key, "unknown key '%s' %s; did you mean '%s'?",
				 name, where, hint);
	conf_join_choices(known, sizeof(known), keys, n);
	return conf_fail(doc, key, "unknown key '%s' %s; expected %s", name, where, known);
}

int conf_mapping_fields(struct conf_doc *doc, const yaml_node_t *map, const char *where,
			const char *const *keys, size_t n, yaml_node_t **values)
{
	const yaml_node_t *key_at[CONF_FIELDS_MAX] = { 0 };
	const yaml_node_pair_t *pair;
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		values[i] = NULL;
	/* Every key is looked at: a mapping's unknown keys are all reported at once. */
	for (pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = conf_doc_node(doc, pair->key);
		size_t i;

		if (key->type != YAML_SCALAR_NODE || conf_is_null(key)) {
			ret = conf_fail(doc, key, "keys must be plain words %s", where);
			continue;
		}
		for (i = 0; i < n; i++)
			if (strcmp((const char *)key->data.scalar.value, keys[i]) == 0)
				break;
		if (i == n) {
			ret = unknown_key(doc, key, where, keys, n);
			continue;
		}
		if (key_at[i]) {
			ret = conf_fail(doc, key, "duplicate key '%s' %s (first at %zu:%zu)",
					keys[i], where, key_at[i]->start_mark.line + 1,
					key_at[i]->start_mark.column + 1);
			continue;
		}
		key_at[i] = key;
		values[i] = conf_doc_node(doc, pair->value);
	}
	return ret;
}
