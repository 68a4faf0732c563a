/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What libbpf and libxdp say. Their warnings include expected noise (libxdp probing
 * for its dispatcher, which this kernel refuses, before falling back), so they are
 * kept aside and shown only when an operation actually fails; `sluice -v` shows
 * them as they come, `sluice -vv` their debug messages too.
 */
#ifndef SLUICE_KERNEL_LIBLOG_H
#define SLUICE_KERNEL_LIBLOG_H

/* level 0: kept aside; 1: warnings and notes shown; 2: debug too. */
void liblog_init(int level);

/* Print (to stderr) and forget what the libraries said since the last call. */
void liblog_flush(void);

/* Forget it without printing. */
void liblog_clear(void);

#endif /* SLUICE_KERNEL_LIBLOG_H */
