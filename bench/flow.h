/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * How the benchmark numbers its flows, shared by the generator's BPF program and
 * the user-space frame builder so that both make the same frame for flow i:
 * source port = base + i % BENCH_FLOW_PORTS, and the last 16 bits of the source
 * address = base + i / BENCH_FLOW_PORTS. A million flows are 32 source addresses
 * times 32,768 ports, so every flow stays inside a small client prefix.
 */
#ifndef SLUICE_BENCH_FLOW_H
#define SLUICE_BENCH_FLOW_H

#define BENCH_FLOW_PORTS	32768

#endif /* SLUICE_BENCH_FLOW_H */
