// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice stats --prometheus` and `--serve`: the metrics of one interface in the
 * Prometheus text format, printed once or served at /metrics in the foreground
 * (a node without the daemon can still be scraped).
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/stats.h"
#include "conf/listen.h"
#include "kernel/counters.h"
#include "metrics/render.h"
#include "metrics/server.h"

int stats_parse_listen(const char *text, struct conf_listen *out)
{
	char why[128];

	if (!conf_listen_parse(text, out, why, sizeof(why)))
		return 0;
	fprintf(stderr, "sluice stats: --serve '%s' %s\n", text, why);
	return -1;
}

/* One interface's exposition: its counters read now, with the flow table walked. */
static int render_now(FILE *out, const char *ifname, const struct sluice_maps *maps,
		      const struct live_state *live)
{
	struct counters_snapshot *snap = calloc(1, sizeof(*snap));
	struct metrics_source src = { .ifname = ifname, .live = live, .snap = snap };
	int err = snap ? counters_read(maps, live, (int)if_nametoindex(ifname), true, snap)
		       : -ENOMEM;

	if (err)
		fprintf(stderr, "sluice: cannot read the counters of %s: %s\n", ifname,
			strerror(-err));
	else
		metrics_render(out, &src, 1, NULL);
	free(snap);
	return err;
}

int stats_prometheus(const char *ifname, const struct sluice_maps *maps,
		     const struct live_state *live)
{
	return render_now(stdout, ifname, maps, live) ? EXIT_RUNTIME : EXIT_OK;
}

struct serving {
	const char *ifname;
	const struct sluice_maps *maps;
};

/* Every scrape reads the live state afresh, so applies made meanwhile show. */
static int render_scrape(FILE *out, void *ctx)
{
	const struct serving *sv = ctx;
	struct live_state *live;
	int err;

	if (live_read(sv->maps, &live))
		return -1;
	err = render_now(out, sv->ifname, sv->maps, live);
	free(live);
	return err;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int stats_serve(const char *ifname, const struct sluice_maps *maps,
		const struct conf_listen *addr)
{
	struct serving sv = { .ifname = ifname, .maps = maps };
	struct sigaction sa = { .sa_handler = on_signal };
	char err[256], text[CONF_LISTEN_STR_LEN];
	struct metrics_server *server;
	struct pollfd pfd;
	int stats_fd, ret = EXIT_OK;

	server = metrics_server_start(addr, render_scrape, &sv, err, sizeof(err));
	if (!server) {
		fprintf(stderr, "sluice stats: %s\n", err);
		return EXIT_RUNTIME;
	}
	/* Without it the program's run time and runs would not move while served. */
	stats_fd = counters_enable_run_time();
	if (stats_fd < 0)
		fprintf(stderr, "sluice stats: the program's run time stays unmeasured: %s\n",
			strerror(-stats_fd));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("serving the metrics of %s at http://%s/metrics\n", ifname,
	       conf_listen_str(addr, text));
	fflush(stdout);
	pfd = (struct pollfd){ .fd = metrics_server_fd(server), .events = POLLIN };
	/* The loop the daemon's event loop stands in for: wait, then let MHD work. */
	while (!stop) {
		if (poll(&pfd, 1, metrics_server_timeout_ms(server)) < 0 && errno != EINTR) {
			fprintf(stderr, "sluice stats: poll: %s\n", strerror(errno));
			ret = EXIT_RUNTIME;
			break;
		}
		metrics_server_run(server);
	}
	metrics_server_stop(server);
	if (stats_fd >= 0)
		close(stats_fd);
	return ret;
}
