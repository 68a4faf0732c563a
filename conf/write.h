/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A validated config written back as YAML that conf_load_file reads into the same
 * config: what `sluice export` prints. Rules come out in match order without
 * priorities, every value explicit, so that writing what was read is a fixed point.
 */
#ifndef SLUICE_CONF_WRITE_H
#define SLUICE_CONF_WRITE_H

#include <stdio.h>

#include "conf/config.h"

/* Write cfg to out (libyaml's emitter). Returns 0, or -1 when writing failed. */
int conf_write(FILE *out, const struct conf *cfg);

#endif /* SLUICE_CONF_WRITE_H */
