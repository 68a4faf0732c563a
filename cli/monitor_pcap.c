// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice monitor --pcap`: written by libpcap, so that every tool reads it. Apart
 * from the other outputs: libpcap's headers and the kernel's bpf.h clash.
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

#include "cli/monitor_pcap.h"

/*
 * libpcap is opened by --pcap, not linked: with libdbus behind it, loading it cost
 * every other command about 2 ms at start.
 */
#define PCAP_SONAME	"libpcap.so.0.8"
#define PCAP_FN(f)	__typeof__(pcap_##f) *f

static struct {
	PCAP_FN(open_dead);
	PCAP_FN(dump_open);
	PCAP_FN(geterr);
	PCAP_FN(dump);
	PCAP_FN(dump_flush);
	PCAP_FN(dump_close);
	PCAP_FN(close);	/* set last: the table is complete */
} lib_pcap;

#define PCAP_LOAD(lib, f)	(*(void **)&lib_pcap.f = dlsym(lib, "pcap_" #f))

/* Fill lib_pcap once; false after saying why when the library is missing. */
static bool libpcap_load(void)
{
	void *lib;

	if (lib_pcap.close)
		return true;
	lib = dlopen(PCAP_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib && PCAP_LOAD(lib, open_dead) && PCAP_LOAD(lib, dump_open) &&
	    PCAP_LOAD(lib, geterr) && PCAP_LOAD(lib, dump) && PCAP_LOAD(lib, dump_flush) &&
	    PCAP_LOAD(lib, dump_close) && PCAP_LOAD(lib, close))
		return true;
	fprintf(stderr, "sluice monitor: cannot load %s for --pcap: %s\n", PCAP_SONAME,
		dlerror());
	memset(&lib_pcap, 0, sizeof(lib_pcap));
	if (lib)
		dlclose(lib);
	return false;
}

struct monitor_pcap {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

struct monitor_pcap *monitor_pcap_open(const char *path)
{
	struct monitor_pcap *p = calloc(1, sizeof(*p));

	if (!p || !libpcap_load()) {
		free(p);
		return NULL;
	}
	p->dead = lib_pcap.open_dead(DLT_EN10MB, SLUICE_MONITOR_SNAP);
	p->dump = p->dead ? lib_pcap.dump_open(p->dead, path) : NULL;
	if (!p->dump) {
		fprintf(stderr, "sluice monitor: cannot write %s: %s\n", path,
			p->dead ? lib_pcap.geterr(p->dead) : "out of memory");
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

	lib_pcap.dump((u_char *)p->dump, &h, ev->frame);
	lib_pcap.dump_flush(p->dump);
}

void monitor_pcap_close(struct monitor_pcap *p)
{
	if (!p)
		return;
	if (p->dump)
		lib_pcap.dump_close(p->dump);
	if (p->dead)
		lib_pcap.close(p->dead);
	free(p);
}
