// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bench-health: what health checks cost the daemon. Runs the daemon's own check
 * engine (daemon/health.c) in an sd-event loop, as `sluice run` does, against N
 * backends 127.0.x.y (all on lo in the namespace it runs in), each checked once a
 * second, for a few seconds; prints JSON: checks per second done, how many passed,
 * and the CPU time (user + system) the process spent per second and per check.
 *
 *   bench-health N SECONDS tcp|http PORT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <systemd/sd-event.h>

#include "daemon/health.h"

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One service of n backends 127.0.0.2 onwards (skipping .0 and .255 of each /24). */
static int make_config(struct conf *cfg, size_t n, enum conf_check check, uint16_t port)
{
	struct conf_service *svc = calloc(1, sizeof(*svc));
	size_t i, host = 2;

	memset(cfg, 0, sizeof(*cfg));
	if (!svc)
		return -ENOMEM;
	svc->backends = calloc(n, sizeof(*svc->backends));
	if (!svc->backends) {
		free(svc);
		return -ENOMEM;
	}
	strcpy(svc->name, "bench");
	svc->health = (struct conf_health){
		.check = check, .port = port, .path = "/", .expect = 200,
		.interval_s = 1, .timeout_s = 1, .rise = 2, .fall = 3,
	};
	for (i = 0; i < n; i++, host++) {
		if ((host & 0xff) == 0 || (host & 0xff) == 0xff)
			host += 2;
		svc->backends[i].addr.family = AF_INET;
		svc->backends[i].addr.bytes[0] = 127;
		svc->backends[i].addr.bytes[1] = (uint8_t)(host >> 16);
		svc->backends[i].addr.bytes[2] = (uint8_t)(host >> 8);
		svc->backends[i].addr.bytes[3] = (uint8_t)host;
		svc->backends[i].weight = 1;
	}
	svc->n_backends = n;
	cfg->services = svc;
	cfg->n_services = 1;
	return 0;
}

static void totals(const struct health *h, uint64_t *checks, uint64_t *passed)
{
	*checks = *passed = 0;
	for (size_t i = 0; i < h->n; i++) {
		*checks += h->backends[i].counts.checks;
		*passed += h->backends[i].counts.passed;
	}
}

int main(int argc, char **argv)
{
	uint64_t checks0, passed0, checks, passed;
	double cpu0, wall0, cpu, wall;
	struct health health;
	sd_event *ev = NULL;
	struct conf cfg;
	size_t n;
	int seconds;

	if (argc != 5 || (strcmp(argv[3], "tcp") && strcmp(argv[3], "http"))) {
		fprintf(stderr, "usage: bench-health N SECONDS tcp|http PORT\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	seconds = atoi(argv[2]);
	if (!n || seconds < 1 || sd_event_default(&ev) < 0 ||
	    make_config(&cfg, n, argv[3][0] == 't' ? CONF_CHECK_TCP : CONF_CHECK_HTTP,
			(uint16_t)atoi(argv[4])) ||
	    health_start(&health, ev, &cfg, NULL, NULL, NULL, NULL)) {
		fprintf(stderr, "bench-health: cannot start\n");
		return 1;
	}
	/* The first second spreads the checks over the interval; measure after it. */
	for (wall0 = wall_seconds(); wall_seconds() - wall0 < 1.0;)
		sd_event_run(ev, 100000);
	totals(&health, &checks0, &passed0);
	cpu0 = cpu_seconds();
	wall0 = wall_seconds();
	while (wall_seconds() - wall0 < seconds)
		sd_event_run(ev, 100000);
	totals(&health, &checks, &passed);
	cpu = cpu_seconds() - cpu0;
	wall = wall_seconds() - wall0;
	checks -= checks0;
	passed -= passed0;
	printf("{\"backends\": %zu, \"check\": \"%s\", \"seconds\": %.2f, "
	       "\"checks_per_second\": %.0f, \"passed\": %llu, \"checks\": %llu, "
	       "\"cpu_share\": %.4f, \"cpu_us_per_check\": %.2f}\n", n, argv[3], wall,
	       checks / wall, (unsigned long long)passed, (unsigned long long)checks,
	       cpu / wall, checks ? cpu * 1e6 / checks : 0.0);
	health_stop(&health);
	free(cfg.services[0].backends);
	free(cfg.services);
	sd_event_unref(ev);
	return 0;
}
