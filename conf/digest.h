/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The SHA-256 of a config's source text: which file the change log says was applied. */
#ifndef SLUICE_CONF_DIGEST_H
#define SLUICE_CONF_DIGEST_H

#include <stddef.h>

#include "conf/config.h"

/* buf[0..len) hashed into out as lower-case hex ("" if libgcrypt fails). */
void conf_digest(const char *buf, size_t len, char out[CONF_DIGEST_LEN]);

#endif /* SLUICE_CONF_DIGEST_H */
