/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The data plane's monitor (xdp/monitor.h) as the control plane drives it: its
 * gate, its ring of samples, and the samples it left out.
 */
#ifndef SLUICE_KERNEL_MONITOR_H
#define SLUICE_KERNEL_MONITOR_H

#include "xdp/abi.h"
#include "kernel/maps.h"

/* Set the gate (abi.h: a rate, maybe SLUICE_MONITOR_DROPS_ONLY; 0 = off). 0 or -errno. */
int monitor_gate_set(const struct sluice_maps *maps, __u32 value);

/* Samples left out since the program started, over every CPU. 0 or -errno. */
int monitor_left_out(const struct sluice_maps *maps, __u64 *suppressed, __u64 *lost);

/* Called with each whole sample read from the ring; a non-zero return stops the poll. */
typedef int (*monitor_sample_fn)(void *ctx, const struct sluice_monitor_event *ev);

struct monitor_ring;

/* The ring of maps, read through fn; NULL with errno set when it cannot be. */
struct monitor_ring *monitor_ring_open(const struct sluice_maps *maps, monitor_sample_fn fn,
				       void *ctx);

/* Wait up to timeout_ms for samples and hand each to fn; their count, or -errno. */
int monitor_ring_poll(struct monitor_ring *ring, int timeout_ms);

/* Hand what the ring holds now to fn, without waiting; its count, or -errno. */
int monitor_ring_consume(struct monitor_ring *ring);

void monitor_ring_close(struct monitor_ring *ring);

#endif /* SLUICE_KERNEL_MONITOR_H */
