/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Typed values read from scalar nodes: whole numbers, ports and port ranges,
 * keywords and names. Each reports its own mistakes at the node, naming the key.
 */
#ifndef SLUICE_CONF_VALUES_H
#define SLUICE_CONF_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/doc.h"

/*
 * Digits s[0..len) as a number, saturated at UINT64_MAX; false when there are none
 * or anything else is among them. For numbers inside a larger value ("100/s").
 */
bool conf_decimal(const char *s, size_t len, uint64_t *out);

/* A decimal whole number in min..max. */
int conf_uint(struct conf_doc *doc, const yaml_node_t *node, const char *key,
	      uint32_t min, uint32_t max, uint32_t *out);

/* A decimal whole number in min..max that may carry a leading '-'. */
int conf_int(struct conf_doc *doc, const yaml_node_t *node, const char *key,
	     int32_t min, int32_t max, int32_t *out);

/* A port (0..65535) or an inclusive range "lo-hi" with lo <= hi. */
int conf_port_range(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		    uint16_t *lo, uint16_t *hi);

#define CONF_ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* One of words[0..n-1]; *out receives its index. */
int conf_keyword(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		 const char *const *words, size_t n, unsigned int *out);

/* A name of 1..CONF_NAME_LEN-1 characters from [A-Za-z0-9._-]. */
int conf_name(struct conf_doc *doc, const yaml_node_t *node, char out[CONF_NAME_LEN]);

#endif /* SLUICE_CONF_VALUES_H */
