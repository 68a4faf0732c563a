/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Spans of time in the config (timeouts), in whole seconds. */
#ifndef SLUICE_CONF_DURATION_H
#define SLUICE_CONF_DURATION_H

#include <stdint.h>

#include "conf/doc.h"

/* The longest span any key takes: a week covers every drain and idle timeout in use. */
#define CONF_DURATION_MAX_S	(7 * 24 * 3600)

/*
 * A whole number of seconds ("90"), or of seconds, minutes or hours with their unit
 * written right after it ("30s", "5m", "1h"), in 0..CONF_DURATION_MAX_S seconds.
 * Every key that takes a duration reads 0 as "off", so 0 is always accepted.
 */
int conf_duration(struct conf_doc *doc, const yaml_node_t *node, const char *key,
		  uint32_t *out_s);

#endif /* SLUICE_CONF_DURATION_H */
