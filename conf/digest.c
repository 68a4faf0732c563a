// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * SHA-256 by libgcrypt: libsystemd, which every command links for the change log,
 * loads it already, where libcrypto cost every command about 2 ms more of start.
 */
#include <stdio.h>
#include <gcrypt.h>

#include "conf/digest.h"

#define SHA256_LEN	32

void conf_digest(const char *buf, size_t len, char out[CONF_DIGEST_LEN])
{
	unsigned char md[SHA256_LEN];

	_Static_assert(2 * SHA256_LEN + 1 <= CONF_DIGEST_LEN, "the hex digest fits");
	out[0] = '\0';
	/* The library's own set-up, before its first use (a no-op after that). */
	if (!gcry_check_version(NULL) || gcry_md_get_algo_dlen(GCRY_MD_SHA256) != SHA256_LEN)
		return;
	gcry_md_hash_buffer(GCRY_MD_SHA256, md, buf, len);
	for (unsigned int i = 0; i < SHA256_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}
