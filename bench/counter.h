/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The per-CPU cell of the generator side's counting program (count.bpf.c). */
#ifndef SLUICE_BENCH_COUNTER_H
#define SLUICE_BENCH_COUNTER_H

#include <linux/types.h>

struct bench_counter {
	__u64 packets;
	__u64 bytes;
};

#endif /* SLUICE_BENCH_COUNTER_H */
