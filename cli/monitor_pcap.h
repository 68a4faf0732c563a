/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `sluice monitor --pcap FILE`: the sampled frames in libpcap's file format. */
#ifndef SLUICE_CLI_MONITOR_PCAP_H
#define SLUICE_CLI_MONITOR_PCAP_H

#include <sys/time.h>

#include "xdp/abi.h"

struct monitor_pcap;

/* Create (truncate) path as a pcap file of Ethernet frames; NULL after saying why. */
struct monitor_pcap *monitor_pcap_open(const char *path);

/* The frame's captured prefix, with its whole length and time; flushed at once. */
void monitor_pcap_write(struct monitor_pcap *p, const struct sluice_monitor_event *ev,
			const struct timeval *when);

void monitor_pcap_close(struct monitor_pcap *p);

#endif /* SLUICE_CLI_MONITOR_PCAP_H */
