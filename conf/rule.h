/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* One filter rule: its keys, read and checked against each other. */
#ifndef SLUICE_CONF_RULE_H
#define SLUICE_CONF_RULE_H

#include "conf/doc.h"
#include "conf/names.h"

/*
 * Fill r from a rule mapping. taken holds the names of the rules before it, which
 * r's name must not repeat; the caller adds r's name once this returns 0.
 */
int conf_parse_rule(struct conf_doc *doc, const yaml_node_t *node,
		    const struct conf_names *taken, struct conf_rule *r);

/* A rule's proto as the config writes it ("tcp", ..., "any" for 0). */
const char *conf_rule_proto_word(uint8_t proto);

#endif /* SLUICE_CONF_RULE_H */
