/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Which parts of the seal (seal.h) a write into a map can change, so that the seal
 * after an apply digests again only what the apply wrote. A map this does not know
 * may change every part: a map added later is sealed whole until it is named here.
 */
#ifndef SLUICE_KERNEL_SEAL_PARTS_H
#define SLUICE_KERNEL_SEAL_PARTS_H

#include <stddef.h>

#include "kernel/maps.h"
#include "kernel/map_writes.h"
#include "kernel/seal.h"

#define SEAL_ALL_PARTS	((1U << SEAL_PARTS) - 1)

/* The parts (1 << enum seal_part) a write into map_fd can change. */
unsigned int seal_parts_of_map(const struct sluice_maps *maps, int map_fd);

/* The parts the writes ops[0..n-1] can change. */
unsigned int seal_parts_written(const struct sluice_maps *maps, const struct op *ops, size_t n);

#endif /* SLUICE_KERNEL_SEAL_PARTS_H */
