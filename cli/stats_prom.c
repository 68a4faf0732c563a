// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice stats --prometheus` and `--serve`: the metrics of one interface in the
 * Prometheus text format, printed once or served at /metrics in the foreground
 * (a node without the daemon can still be scraped).
 */
#include <errno.h>
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
#include "kernel/maps.h"
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

static int render(FILE *out, const char *ifname, const struct sluice_maps *maps)
{
	int err = metrics_render_now(out, ifname, maps, NULL);

	if (err)
		fprintf(stderr, "sluice: cannot read the counters of %s: %s\n", ifname,
			strerror(-err));
	return err;
}

int stats_prometheus(const char *ifname, const struct sluice_maps *maps)
{
	return render(stdout, ifname, maps) ? EXIT_RUNTIME : EXIT_OK;
}

struct serving {
	const char *ifname;
	const struct sluice_maps *maps;
};

/* Every scrape reads the live state afresh, so applies made meanwhile show. */
static int render_scrape(FILE *out, void *ctx)
{
	const struct serving *sv = ctx;

	return render(out, sv->ifname, sv->maps);
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
