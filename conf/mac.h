/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* settings.macs: the MACs besides the interface's own whose frames are the node's. */
#ifndef SLUICE_CONF_MAC_H
#define SLUICE_CONF_MAC_H

#include "conf/doc.h"

/* The list under `macs:` (node not NULL). Fills cfg->macs and cfg->n_macs. */
int conf_parse_macs(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg);

#endif /* SLUICE_CONF_MAC_H */
