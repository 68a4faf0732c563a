/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The YAML layer of the config loader: one parsed document whose nodes keep their
 * source positions, and the helpers every section walker uses to read it and to
 * report a mistake as "FILE:LINE:COL: message" at the node that holds it.
 */
#ifndef SLUICE_CONF_DOC_H
#define SLUICE_CONF_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "conf/config.h"

/* At most this many mistakes of one file are reported, the first by position. */
#define CONF_ERRORS_SHOWN	20
/* Mistakes kept before sorting; any past these are only counted. */
#define CONF_ERRORS_KEPT	64

_Static_assert(CONF_ERR_LEN >= CONF_ERRORS_SHOWN * 512 + 128, "the report fits");

struct conf_error {
	unsigned int file;	/* 0: the file loaded, then included files in reading order */
	size_t line, col;	/* 0-based; no mark: the file as a whole, sorted first */
	bool has_mark;
	char text[512];
};

/* Files included inside one another, at most. */
#define CONF_INCLUDE_DEPTH	8

/* What may be set in one file only, whichever: where it was set. */
enum conf_once {
	CONF_ONCE_SETTINGS,
	CONF_ONCE_FLOWS,
	CONF_ONCE_METRICS,
	CONF_ONCE_DEFAULT,	/* filter.default */
	CONF_ONCE_EXEMPT,	/* filter.exempt */
	CONF_ONCE_ANNOUNCE,
	CONF_ONCE_N,
};

/* One load: the file given and every file it includes. */
struct conf_load {
	unsigned int files;			/* files read; the one given is 0 */
	size_t depth;				/* files being read, one inside the other */
	char *chain[CONF_INCLUDE_DEPTH + 1];	/* their real paths, outermost first */
	char *texts;				/* what included files hold, for the digest */
	size_t texts_len;
	struct {
		char file[256];
		struct conf_pos pos;
	} once[CONF_ONCE_N];
};

struct conf_doc {
	const char *name;	/* the file, as named in messages */
	yaml_document_t yaml;
	char *err;
	size_t err_len;
	/* Mistakes so far (conf_fail and friends), until conf_doc_report. */
	struct conf_error *errors;
	size_t n_errors;	/* found, kept or not */
	/* An included file's: the document of the file given, which keeps the mistakes. */
	struct conf_doc *root;
	unsigned int file;	/* as in struct conf_error */
	struct conf_load *load;
};

/*
 * Parse buf into doc->yaml. Returns 0 (release the document when done), or -1
 * with the syntax error in doc->err and nothing to release. A stream holding no
 * document at all yields a document without a root node.
 */
int conf_doc_parse(struct conf_doc *doc, const char *buf, size_t len);
void conf_doc_release(struct conf_doc *doc);

/*
 * Report a mistake at node (or at a bare mark) and return -1, so callers can `return`
 * it. Every mistake is kept: walkers go on with the next item of a list or section
 * after one, so that a file's mistakes are reported together.
 */
int conf_fail(struct conf_doc *doc, const yaml_node_t *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int conf_fail_mark(struct conf_doc *doc, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Report a mistake that has no position in the file (e.g. it cannot be read). */
void conf_fail_file(struct conf_doc *doc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The kept mistakes, sorted by position, into doc->err (one a line, at most
 * CONF_ERRORS_SHOWN, then how many more there were); frees them. Call once when
 * loading failed.
 */
void conf_doc_report(struct conf_doc *doc);

struct conf_pos conf_node_pos(const yaml_node_t *node);

yaml_node_t *conf_doc_root(struct conf_doc *doc);
yaml_node_t *conf_doc_node(struct conf_doc *doc, int index);

/* A plain empty scalar, `~` or `null`: what `key:` with nothing after it holds. */
bool conf_is_null(const yaml_node_t *node);

/*
 * Type checks; `what` names the node in the message, e.g. "'backends'" or
 * "a backend". Return 0 when node is of the wanted kind, else report and return -1.
 */
int conf_expect_mapping(struct conf_doc *doc, const yaml_node_t *node, const char *what);
int conf_expect_sequence(struct conf_doc *doc, const yaml_node_t *node, const char *what);

/*
 * The text of a scalar node that must have a value: reports (and returns NULL)
 * when node is a mapping, a list, null, or holds a NUL character.
 */
const char *conf_scalar(struct conf_doc *doc, const yaml_node_t *node, const char *key);

size_t conf_sequence_len(const yaml_node_t *node);
yaml_node_t *conf_sequence_item(struct conf_doc *doc, const yaml_node_t *node, size_t i);

/* The most keys any mapping of the config format has. */
#define CONF_FIELDS_MAX	16

/*
 * Read a mapping whose keys must all be among keys[0..n-1]: values[i] receives the
 * value node of keys[i], or NULL when absent. Unknown keys (with the closest known
 * one as a hint), duplicated keys and non-scalar keys are reported; `where` says
 * which mapping it is, e.g. "in a service". n is at most CONF_FIELDS_MAX.
 */
int conf_mapping_fields(struct conf_doc *doc, const yaml_node_t *map, const char *where,
			const char *const *keys, size_t n, yaml_node_t **values);

#endif /* SLUICE_CONF_DOC_H */
