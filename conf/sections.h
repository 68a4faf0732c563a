/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The walkers of the config's top-level sections. */
#ifndef SLUICE_CONF_SECTIONS_H
#define SLUICE_CONF_SECTIONS_H

#include "conf/doc.h"

/* `filter:` (node may be null: no rules, default allow). Fills out. */
int conf_parse_filter(struct conf_doc *doc, const yaml_node_t *node, struct conf_filter *out);

/* `flows:` (node may be null: every default). Fills out. */
int conf_parse_flows(struct conf_doc *doc, const yaml_node_t *node, struct conf_flows *out);

/* `metrics:` (node may be null: no metrics server). Fills out. */
int conf_parse_metrics(struct conf_doc *doc, const yaml_node_t *node, struct conf_metrics *out);

/* `announce:` (node may be null: nothing announced). Fills out. */
int conf_parse_announce(struct conf_doc *doc, const yaml_node_t *node, struct conf_announce *out);

/* `services:` (node may be null: none). Fills cfg->services and cfg->n_services. */
int conf_parse_services(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg);

/* A service's `health:` (node not null), svc_name for messages. Fills out. */
int conf_parse_health(struct conf_doc *doc, const yaml_node_t *node, const char *svc_name,
		      struct conf_health *out);

#endif /* SLUICE_CONF_SECTIONS_H */
