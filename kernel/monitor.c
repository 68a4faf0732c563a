// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The monitor's maps: the gate written, the ring read with libbpf, the budget summed. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/monitor.h"

struct monitor_ring {
	struct ring_buffer *rb;
	monitor_sample_fn fn;
	void *ctx;
};

int monitor_gate_set(const struct sluice_maps *maps, __u32 value)
{
	__u32 zero = 0;

	/* The gate's map is a global's section: one element, the u32 itself. */
	return bpf_map_update_elem(maps->monitor_gate, &zero, &value, BPF_ANY) ? -errno : 0;
}

int monitor_left_out(const struct sluice_maps *maps, __u64 *suppressed, __u64 *lost)
{
	int ncpus = maps_ncpus(), i, err = 0;
	struct sluice_monitor_budget *cells = calloc((size_t)ncpus, sizeof(*cells));
	__u32 zero = 0;

	*suppressed = *lost = 0;
	if (!cells)
		return -ENOMEM;
	if (bpf_map_lookup_elem(maps->monitor_budget, &zero, cells))
		err = -errno;
	for (i = 0; i < ncpus && !err; i++) {
		*suppressed += cells[i].suppressed;
		*lost += cells[i].lost;
	}
	free(cells);
	return err;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct monitor_ring *ring = ctx;

	/* The program writes only these; never read past a record. */
	if (size < sizeof(struct sluice_monitor_event))
		return 0;
	return ring->fn(ring->ctx, data);
}

struct monitor_ring *monitor_ring_open(const struct sluice_maps *maps, monitor_sample_fn fn,
				       void *ctx)
{
	struct monitor_ring *ring = calloc(1, sizeof(*ring));

	if (!ring)
		return NULL;
	ring->fn = fn;
	ring->ctx = ctx;
	ring->rb = ring_buffer__new(maps->monitor_events, on_record, ring, NULL);
	if (!ring->rb) {
		free(ring);
		return NULL;
	}
	return ring;
}

int monitor_ring_poll(struct monitor_ring *ring, int timeout_ms)
{
	return ring_buffer__poll(ring->rb, timeout_ms);
}

int monitor_ring_consume(struct monitor_ring *ring)
{
	return ring_buffer__consume(ring->rb);
}

void monitor_ring_close(struct monitor_ring *ring)
{
	if (!ring)
		return;
	ring_buffer__free(ring->rb);
	free(ring);
}
