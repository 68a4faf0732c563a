/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The digest of the seal (seal.h): 64-bit FNV-1a over bytes, chained; a change
 * anywhere changes it, it is not meant to resist a forger. Pinned seals
 * hold its values, so it never changes: a faster way to compute it must give the
 * same value for every input (tests/unit/test_seal_digest.c).
 */
#ifndef SLUICE_KERNEL_SEAL_DIGEST_H
#define SLUICE_KERNEL_SEAL_DIGEST_H

#include <linux/types.h>
#include <stddef.h>

#define SEAL_DIGEST_START	0xcbf29ce484222325ULL	/* FNV-1a's offset basis */
#define SEAL_DIGEST_PRIME	0x100000001b3ULL

/* h chained over data[0..len-1]; start from SEAL_DIGEST_START. */
__u64 seal_digest_mix(__u64 h, const void *data, size_t len);

#endif /* SLUICE_KERNEL_SEAL_DIGEST_H */
