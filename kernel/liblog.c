// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What libbpf and libxdp say, kept aside and shown when an operation fails. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "kernel/liblog.h"

/* A verifier log can be huge; its end says why a load failed. */
#define LIBLOG_KEEP (64 * 1024)

static char kept[LIBLOG_KEEP];
static size_t kept_len;
static int verbosity;

static void keep(const char *fmt, va_list ap)
{
	char line[1024];
	int len = vsnprintf(line, sizeof(line), fmt, ap);

	if (len <= 0)
		return;
	if ((size_t)len >= sizeof(line))
		len = sizeof(line) - 1;
	if (kept_len + (size_t)len > LIBLOG_KEEP) {
		size_t drop = kept_len + (size_t)len - LIBLOG_KEEP;

		memmove(kept, kept + drop, kept_len - drop);
		kept_len -= drop;
	}
	memcpy(kept + kept_len, line, (size_t)len);
	kept_len += (size_t)len;
}

static int relay(bool debug, const char *fmt, va_list ap)
{
	if (verbosity >= 2 || (verbosity == 1 && !debug))
		return vfprintf(stderr, fmt, ap);
	if (debug)
		return 0;
	keep(fmt, ap);
	return 0;
}

static int from_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return relay(level == LIBBPF_DEBUG, fmt, ap);
}

static int from_libxdp(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return relay(level == LIBXDP_DEBUG, fmt, ap);
}

void liblog_init(int level)
{
	verbosity = level;
	libbpf_set_print(from_libbpf);
	libxdp_set_print(from_libxdp);
}

void liblog_flush(void)
{
	fwrite(kept, 1, kept_len, stderr);
	kept_len = 0;
}

void liblog_clear(void)
{
	kept_len = 0;
}
