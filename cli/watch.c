// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* `sluice watch`: keep the backends' neighbours resolved as the network changes. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "cli/cmd.h"
#include "cli/switches.h"
#include "kernel/watch.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_forever(struct watch *w, const char *ifname)
{
	struct pollfd pfd = { .fd = watch_fd(w), .events = POLLIN };
	long last = now_ms();
	int err;

	while (!stopping) {
		err = poll(&pfd, 1, WATCH_REFRESH_MS);
		if (err < 0 && errno != EINTR)
			return EXIT_RUNTIME;
		if (err > 0 && watch_readable(w))
			return EXIT_RUNTIME;
		if (stopping || now_ms() - last < WATCH_REFRESH_MS)
			continue;
		err = watch_refresh(w);
		if (err == WATCH_DETACHED) {
			printf("%s: watch stops\n", ifname);
			return EXIT_OK;
		}
		if (err)
			return EXIT_RUNTIME;
		last = now_ms();
	}
	printf("%s: watch stopped\n", ifname);
	return EXIT_OK;
}

static int watch(const char *given, bool once)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char ifname[IF_NAMESIZE];
	struct watch *w;
	int ret;

	ret = iface_pick(given, ifname);
	if (ret)
		return ret;
	/* No SA_RESTART: a signal must end the poll, not resume it. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (watch_open(ifname, once, NULL, &w))
		return EXIT_RUNTIME;
	/* Once: also whether the maps are still what the last apply left. */
	if (once)
		ret = watch_settle(w, &stopping) || iface_tampered_now(ifname) ?
		      EXIT_RUNTIME : EXIT_OK;
	else
		ret = run_forever(w, ifname);
	watch_close(w);
	return ret;
}

static void watch_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice watch [IFACE] [--once]\n\n"
		"Keep the backends of IFACE (default: the only interface sluice is attached\n"
		"to) reachable as the network changes: follows the kernel's neighbour table;\n"
		"when an l2dsr backend's MAC changes, rewrites it in the live backends; when\n"
		"a backend or the next hop of an ipip backend fails, is not resolved or is\n"
		"deleted, asks the kernel to resolve it again; when IFACE's own MAC changes,\n"
		"makes frames to the new one sluice's. One line per event. Applies\n"
		"made meanwhile are picked up within a second. Stops on SIGINT or SIGTERM.\n\n"
		"  -1, --once  resolve and fix everything once, then exit: 0 if every\n"
		"              backend resolved and the maps are what the last apply\n"
		"              left, 1 if not\n"
		"  -h, --help  this text\n");
}

int cmd_watch(int argc, char **argv)
{
	bool once = false;
	const struct cmd_switch sw[] = { { "once", '1', &once, NULL } };
	const char *given;
	int ret;

	ret = switches_parse(argc, argv, "watch", sw, 1, watch_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	return watch(given, once);
}
