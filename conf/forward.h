/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * How a service reaches its backends: the forward mode, the prefixes ipip takes
 * its outer source addresses from, and which backends each mode can carry.
 */
#ifndef SLUICE_CONF_FORWARD_H
#define SLUICE_CONF_FORWARD_H

#include "conf/doc.h"

/*
 * `forward` (l2dsr when the node is NULL) and `encap_source` (NULL when absent) of
 * svc: ipip needs encap_source, l2dsr refuses it.
 */
int conf_parse_forward(struct conf_doc *doc, const yaml_node_t *forward,
		       const yaml_node_t *encap, struct conf_service *svc);

/*
 * Whether svc, its VIP, forward mode and encap sources already read, can carry
 * packets to a backend at addr; a refusal is reported at node.
 */
int conf_check_backend_path(struct conf_doc *doc, const yaml_node_t *node,
			    const struct conf_service *svc, const struct conf_addr *addr);

#endif /* SLUICE_CONF_FORWARD_H */
