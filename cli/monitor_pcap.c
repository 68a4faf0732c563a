// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice monitor --pcap`: written by libpcap, so that every tool reads it. Apart
 * from the other outputs: libpcap's headers and the kernel's bpf.h clash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <pcap/pcap.h>

#include "cli/monitor_pcap.h"

struct monitor_pcap {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

struct monitor_pcap *monitor_pcap_open(const char *path)
{
	struct monitor_pcap *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->dead = pcap_open_dead(DLT_EN10MB, SLUICE_MONITOR_SNAP);
	p->dump = p->dead ? pcap_dump_open(p->dead, path) : NULL;
	if (!p->dump) {
		fprintf(stderr, "sluice monitor: cannot write %s: %s\n", path,
			p->dead ? pcap_geterr(p->dead) : "out of memory");
		monitor_pcap_close(p);
		return NULL;
	}
	return p;
}

void monitor_pcap_write(struct monitor_pcap *p, const struct sluice_monitor_event *ev,
			const struct timeval *when)
{
	struct pcap_pkthdr h = {
		.ts = *when,
		.caplen = ev->cap_len <= SLUICE_MONITOR_SNAP ? ev->cap_len : SLUICE_MONITOR_SNAP,
		.len = ev->frame_len,
	};

	pcap_dump((u_char *)p->dump, &h, ev->frame);
	pcap_dump_flush(p->dump);
}

void monitor_pcap_close(struct monitor_pcap *p)
{
	if (!p)
		return;
	if (p->dump)
		pcap_dump_close(p->dump);
	if (p->dead)
		pcap_close(p->dead);
	free(p);
}
