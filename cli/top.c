// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice top`: what the program costs and where packets go, live. A curses
 * screen on a terminal, a frame of plain text per interval otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/switches.h"
#include "cli/top_frame.h"
#include "cli/top_screen.h"
#include "kernel/counters.h"
#include "kernel/live.h"
#include "kernel/maps.h"

#define INTERVAL_MS	1000

static void top_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice top [IFACE] [--once] [--sort KEY]\n\n"
		"A live view of IFACE (default: the only interface sluice is attached to),\n"
		"refreshed every second: the program's run time per packet and its share of\n"
		"a CPU, packet and bit rates by verdict, and the busiest rules, services and\n"
		"backends. On a terminal it takes the screen; otherwise (a pipe, a file) it\n"
		"prints a frame of plain text per second. The kernel measures the program's\n"
		"run time while top runs (BPF run-time stats).\n\n"
		"  -1, --once      print one frame as plain text, after one second, and exit\n"
		"  -s, --sort KEY  the order of the tables: packets (default), bits, flows\n"
		"                  (new flows/s), active (active flows) or name\n"
		"  -h, --help      this text\n\n"
		"keys on screen: p packets/s, b bits/s, f new flows/s, a active flows,\n"
		"n name, q quit (Ctrl-C too)\n");
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int parse_sort(const char *name, enum top_sort *by)
{
	int i;

	for (i = 0; i < TOP_NSORTS; i++)
		if (!strcmp(name, top_sort_names[i])) {
			*by = (enum top_sort)i;
			return 0;
		}
	fprintf(stderr, "sluice top: --sort '%s' is not one of packets, bits, flows, active, "
		"name\n", name);
	return -1;
}

/* Everything one run of top holds. */
struct top {
	char ifname[IF_NAMESIZE];
	int ifindex;
	struct sluice_maps maps;
	struct live_state *live;
	struct counters_snapshot *then, *now;
	struct top_frame frame;
	bool framed;
	enum top_sort by;
};

/* Wait an interval, then the frame of the counters' change over it. */
static int next_frame(struct top *t)
{
	struct counters_snapshot *swap;
	struct live_state *live;
	int err;

	/* Applies made meanwhile show from the next frame on. */
	if (!live_read(&t->maps, &live)) {
		free(t->live);
		t->live = live;
	}
	err = counters_read(&t->maps, t->live, t->ifindex, true, t->now);
	if (err) {
		fprintf(stderr, "sluice top: cannot read the counters of %s: %s\n", t->ifname,
			strerror(-err));
		return err;
	}
	if (t->framed)
		top_frame_free(&t->frame);
	err = top_frame_build(t->live, t->then, t->now, &t->frame);
	t->framed = !err;
	if (!err)
		top_frame_sort(&t->frame, t->by);
	swap = t->then;
	t->then = t->now;
	t->now = swap;
	return err;
}

static void print_line(void *ctx, bool heading, const char *text)
{
	(void)ctx;
	(void)heading;
	printf("%s\n", text);
}

/* Plain text: a frame per interval (one with once), until interrupted. */
static int run_plain(struct top *t, bool once)
{
	while (!stop) {
		usleep(INTERVAL_MS * 1000);
		if (stop)
			break;
		if (next_frame(t))
			return EXIT_RUNTIME;
		top_frame_lines(&t->frame, t->ifname, t->by, 0, print_line, NULL);
		printf("\n");
		fflush(stdout);
		if (once)
			break;
	}
	return EXIT_OK;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The screen: a frame a second, keys in between, until q or interrupted. */
static int run_screen(struct top *t)
{
	struct top_screen *screen = top_screen_open();
	long long due = now_ms() + INTERVAL_MS;
	int key, ret = EXIT_OK;

	if (!screen) {
		fprintf(stderr, "sluice top: cannot drive the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return EXIT_RUNTIME;
	}
	while (!stop) {
		long long left = due - now_ms();

		if (left <= 0) {
			if (next_frame(t)) {
				ret = EXIT_RUNTIME;
				break;
			}
			top_screen_draw(screen, &t->frame, t->ifname, t->by);
			due += INTERVAL_MS;
			continue;
		}
		key = top_screen_key(screen, (int)left, &t->by);
		if (key < 0)
			break;
		if (key > 0 && t->framed) {
			top_frame_sort(&t->frame, t->by);
			top_screen_draw(screen, &t->frame, t->ifname, t->by);
		}
	}
	top_screen_close(screen);
	return ret;
}

int cmd_top(int argc, char **argv)
{
	bool once = false, sorted = false;
	const char *sort_name = NULL, *given;
	const struct cmd_switch sw[] = {
		{ "once", '1', &once, NULL },
		{ "sort", 's', &sorted, &sort_name },
	};
	struct top t = { .by = TOP_SORT_PACKETS };
	int ret, stats_fd;

	ret = switches_parse(argc, argv, "top", sw, 2, top_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	if (sorted && parse_sort(sort_name, &t.by))
		return EXIT_USAGE;
	ret = iface_open_live(given, t.ifname, &t.maps, &t.live);
	if (ret)
		return ret;
	t.ifindex = (int)if_nametoindex(t.ifname);
	t.then = calloc(1, sizeof(*t.then));
	t.now = calloc(1, sizeof(*t.now));
	stats_fd = counters_enable_run_time();
	if (stats_fd < 0)
		fprintf(stderr, "sluice top: the program's run time stays unmeasured: %s\n",
			strerror(-stats_fd));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!t.then || !t.now || counters_read(&t.maps, t.live, t.ifindex, true, t.then))
		ret = EXIT_RUNTIME;
	else if (once || !isatty(STDOUT_FILENO))
		ret = run_plain(&t, once);
	else
		ret = run_screen(&t);
	if (stats_fd >= 0)
		close(stats_fd);
	if (t.framed)
		top_frame_free(&t.frame);
	free(t.then);
	free(t.now);
	free(t.live);
	maps_close(&t.maps);
	return ret;
}
