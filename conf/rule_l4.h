/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The transport details a filter rule can match besides ports: TCP flags and the
 * ICMP or ICMPv6 message type. Each needs the protocol that has it.
 */
#ifndef SLUICE_CONF_RULE_L4_H
#define SLUICE_CONF_RULE_L4_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/doc.h"

/*
 * tcp_flags: "syn|ack" (these flags set, the others not looked at) or VALUE/MASK,
 * "syn/syn|ack" (of syn and ack, only syn set); ',' separates flags like '|'.
 * proto is the rule's (0 for any); only tcp has flags.
 */
int conf_tcp_flags(struct conf_doc *doc, const yaml_node_t *node, uint8_t proto,
		   uint8_t *value, uint8_t *mask);

/* Whether word names a TCP flag ("syn", "ack", ...). */
bool conf_is_tcp_flag(const char *word);

/* The name of TCP flag bit (0..7: fin, syn, ...), as tcp_flags takes it. */
const char *conf_tcp_flag_name(unsigned int bit);

/* icmp_type: 0..255 or a name of proto's types; proto must be icmp or icmpv6. */
int conf_icmp_type(struct conf_doc *doc, const yaml_node_t *node, uint8_t proto,
		   uint8_t *out);

#endif /* SLUICE_CONF_RULE_L4_H */
