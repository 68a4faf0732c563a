/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * `include:` splits a config over files: a blocklist apart from the services, one
 * file per team. Each included file has the config's format; its rules and services
 * join the including file's, the other sections may be set in one file only.
 */
#ifndef SLUICE_CONF_INCLUDE_H
#define SLUICE_CONF_INCLUDE_H

#include <stdio.h>

#include "conf/doc.h"

/* Far beyond any real config (the largest valid one is a few MiB): refuse /dev/zero. */
#define CONF_FILE_MAX	(16u << 20)

/* The whole of f in one malloc'ed buffer; -1 with errno set (EFBIG: too large). */
int conf_read_file(FILE *f, char **out, size_t *out_len);

/* Reads one file's sections into cfg (config.c's walker, which includes in turn). */
typedef int (*conf_parse_fn)(struct conf_doc *doc, struct conf *cfg);

/*
 * The files `include:` names at node (a path or glob, or a list of them, relative to
 * doc's file), each read by parse in order. Missing files, globs that match nothing,
 * cycles and files nested too deep are reported at the value that names them.
 */
int conf_include(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg,
		 conf_parse_fn parse);

/* Release what the load kept (the chain of real paths, the texts). */
void conf_load_release(struct conf_load *load);

#endif /* SLUICE_CONF_INCLUDE_H */
