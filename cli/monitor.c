// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `sluice monitor`: packets sampled at their verdict, explained with the names of
 * the running config. The data plane samples only while the gate is set (xdp/
 * monitor.h); this command sets it for as long as it runs, and one monitor runs at
 * a time per interface: two would share the ring's one reader position.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/monitor_match.h"
#include "cli/monitor_out.h"
#include "cli/monitor_pcap.h"
#include "cli/switches.h"
#include "kernel/live.h"
#include "kernel/maps.h"
#include "kernel/monitor.h"
#include "kernel/pin.h"

#define MONITOR_RATE_DEFAULT	1000
#define MONITOR_RATE_MAX	1000000
#define MONITOR_POLL_MS		200
#define MONITOR_RELOAD_NS	1000000000LL	/* names re-read at most once a second */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct monitor {
	const char *ifname;
	struct sluice_maps *maps;
	struct live_state *live;
	struct monitor_match match;
	struct monitor_pcap *pcap;
	bool json;
	bool skipping;			/* samples an earlier monitor left in the ring */
	unsigned long count;		/* 0: until interrupted */
	unsigned long shown;
	long long realtime_offset_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	long long reloaded_ns;
};

static void monitor_usage(FILE *out)
{
	fprintf(out,
		"usage: sluice monitor [IFACE] [--drops] [--match EXPR] [--pcap FILE]\n"
		"                      [--rate N] [--count N] [--json]\n\n"
		"Packets of IFACE (default: the only interface sluice is attached to),\n"
		"sampled at their verdict and explained: the verdict, why (the rule that\n"
		"denied it, the service without a backend...), the service and backend, the\n"
		"addresses and ports. Nothing is sampled while no monitor runs.\n\n"
		"  -d, --drops         only packets sluice dropped\n"
		"  -m, --match EXPR    only samples EXPR holds for (below)\n"
		"  -w, --pcap FILE     also write each sample's frame (its first %d bytes) to\n"
		"                      FILE in the pcap format (tcpdump -r FILE reads it)\n"
		"  -r, --rate N        sample at most N packets a second on each CPU, 1 to %d\n"
		"                      (default %d); those over it are counted, not shown\n"
		"  -c, --count N       stop after N samples shown\n"
		"  -j, --json          one JSON object per sample and line\n"
		"  -h, --help          this text\n\n"
		"EXPR: TERM [and|or TERM]... ('and' binds tighter), TERM: [not] FIELD VALUE:\n"
		"  src|dst|host PREFIX    sport|dport|port PORT[-PORT]\n"
		"  proto tcp|udp|icmp|icmpv6|NUMBER    service NAME    rule NAME\n"
		"  backend ADDR    verdict drop|pass|tx|redirect|aborted\n"
		"  reason filter_drop|rate_limited|lb_no_backend|lb_forward|pass|... (stats' names)\n"
		"e.g. --match 'rule deny-ssh or service web and not src 10.0.0.0/8'\n",
		SLUICE_MONITOR_SNAP, MONITOR_RATE_MAX, MONITOR_RATE_DEFAULT);
}

static long long clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* N from min to max, or -1 after saying what is wrong. */
static int parse_number(const char *opt, const char *text, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(text, &end, 10);
	if (errno || end == text || *end || *text == '-' || *out < min || *out > max) {
		fprintf(stderr, "sluice monitor: %s '%s' is not a number from %lu to %lu\n", opt,
			text, min, max);
		return -1;
	}
	return 0;
}

/* Every service and rule that --match names exists on ifname. */
static int names_exist(const struct monitor_match *m, const struct live_state *live,
		       const char *ifname)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		const struct match_term *t = &m->terms[i];
		bool found = false;

		if (t->field == MATCH_SERVICE)
			for (j = 0; j < live->n_services && !found; j++)
				found = !strcmp(live->services[j].meta.name, t->name);
		else if (t->field == MATCH_RULE)
			for (j = 0; j < live->n_rules && !found; j++)
				found = !strcmp(live->rule_meta[live->rules[j].counter].name,
						t->name);
		else
			continue;
		if (!found) {
			fprintf(stderr, "sluice monitor: --match: %s has no %s '%s' (see `sluice "
				"status %s`)\n", ifname, t->field == MATCH_SERVICE ? "service" :
				"rule", t->name, ifname);
			return -1;
		}
	}
	return 0;
}

/* The names of what the sample's ids point to, re-reading the state once when one is unknown. */
static bool resolve(struct monitor *m, const struct sluice_monitor_event *ev,
		    struct match_sample *s)
{
	const struct live_service *svc;

	s->ev = ev;
	s->rule = NULL;
	s->service = NULL;
	s->backend = NULL;
	if (ev->rule < SLUICE_RULE_COUNTERS && m->live->rule_meta[ev->rule].in_use)
		s->rule = m->live->rule_meta[ev->rule].name;
	if (ev->service != SLUICE_MONITOR_NONE) {
		svc = live_service_by_id(m->live, ev->service);
		s->service = svc ? svc->meta.name : NULL;
	}
	if (ev->backend && ev->backend < SLUICE_MAX_BACKENDS &&
	    (m->live->backends[ev->backend].flags & SLUICE_BACKEND_F_LIVE))
		s->backend = &m->live->backends[ev->backend];
	return (ev->rule == SLUICE_MONITOR_NONE || s->rule) &&
	       (ev->service == SLUICE_MONITOR_NONE || s->service) && (!ev->backend || s->backend);
}

/* An apply since the monitor started may have given ids new names. */
static void reload_live(struct monitor *m)
{
	long long now = clock_ns(CLOCK_MONOTONIC);
	struct live_state *fresh;

	if (now - m->reloaded_ns < MONITOR_RELOAD_NS)
		return;
	m->reloaded_ns = now;
	if (!live_read(m->maps, &fresh)) {
		free(m->live);
		m->live = fresh;
	}
}

static int on_sample(void *ctx, const struct sluice_monitor_event *ev)
{
	struct monitor *m = ctx;
	long long wall;
	struct match_sample s;
	struct timeval when;

	if (m->skipping || (m->count && m->shown >= m->count))
		return 0;
	if (!resolve(m, ev, &s)) {
		reload_live(m);
		resolve(m, ev, &s);
	}
	if (!monitor_match_eval(&m->match, &s))
		return 0;
	wall = (long long)ev->ts_ns + m->realtime_offset_ns;
	when.tv_sec = (time_t)(wall / 1000000000LL);
	when.tv_usec = (suseconds_t)(wall % 1000000000LL / 1000);
	if (m->json)
		monitor_print_json(stdout, m->ifname, &s, &when);
	else
		monitor_print_text(stdout, &s, &when);
	fflush(stdout);
	if (m->pcap)
		monitor_pcap_write(m->pcap, ev, &when);
	m->shown++;
	return 0;
}

/* Poll until interrupted or --count is reached; says each second what the rate left out. */
static int run(struct monitor *m, struct monitor_ring *ring, unsigned long rate)
{
	__u64 sup0, lost0, sup, lost, sup_seen, lost_seen;
	long long next = clock_ns(CLOCK_MONOTONIC) + 1000000000LL;
	int err = 0;

	err = monitor_left_out(m->maps, &sup0, &lost0);
	if (err)
		return err;
	sup_seen = sup0;
	lost_seen = lost0;
	while (!stop && !(m->count && m->shown >= m->count)) {
		err = monitor_ring_poll(ring, MONITOR_POLL_MS);
		if (err < 0 && err != -EINTR)
			break;
		err = 0;
		if (clock_ns(CLOCK_MONOTONIC) < next || monitor_left_out(m->maps, &sup, &lost))
			continue;
		next += 1000000000LL;
		if (sup != sup_seen || lost != lost_seen)
			fprintf(stderr, "sluice monitor: %llu packets not sampled (over %lu a "
				"second per CPU), %llu samples lost (the reader fell behind)\n",
				(unsigned long long)(sup - sup_seen), rate,
				(unsigned long long)(lost - lost_seen));
		sup_seen = sup;
		lost_seen = lost;
	}
	if (!monitor_left_out(m->maps, &sup, &lost))
		fprintf(stderr, "sluice monitor: %lu samples shown; %llu packets not sampled "
			"(over the rate), %llu samples lost\n", m->shown,
			(unsigned long long)(sup - sup0), (unsigned long long)(lost - lost0));
	return err;
}

/*
 * Hold the interface's monitor lock until exit: an abstract socket named after its
 * state, which the kernel releases however the process ends. Returns the socket
 * or -1 after saying why. (A flock on the ring's fd would not do: every map fd
 * shares one anonymous inode, so it would lock out the monitors of every interface.)
 */
static int monitor_lock(const char *ifname)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char state[PATH_MAX];
	socklen_t len;
	int fd;

	pin_state_name(ifname, state, sizeof(state));
	/* sun_path[0] stays 0: the name is abstract, and of this network namespace. */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			  (size_t)snprintf(addr.sun_path + 1, sizeof(addr.sun_path) - 1,
					   "sluice-monitor/%s", state));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd >= 0 && !bind(fd, (struct sockaddr *)&addr, len))
		return fd;
	if (errno == EADDRINUSE)
		fprintf(stderr, "sluice monitor: another sluice monitor is running on %s\n",
			ifname);
	else
		fprintf(stderr, "sluice monitor: cannot take the monitor lock of %s: %s\n",
			ifname, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

/* With the state open: lock, gate, poll, ungate. Returns an exit code. */
static int monitor_iface(struct monitor *m, unsigned long rate, bool drops, const char *pcap)
{
	int err, gate_err, ret = EXIT_RUNTIME, lock = monitor_lock(m->ifname);
	struct monitor_ring *ring;

	if (lock < 0)
		return EXIT_RUNTIME;
	if (pcap && !(m->pcap = monitor_pcap_open(pcap))) {
		close(lock);
		return EXIT_RUNTIME;
	}
	ring = monitor_ring_open(m->maps, on_sample, m);
	if (!ring) {
		fprintf(stderr, "sluice monitor: cannot read the samples of %s: %s\n", m->ifname,
			strerror(errno));
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	m->realtime_offset_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	/* What the last monitor left unread (taken after it stopped reading) is old news. */
	m->skipping = true;
	monitor_ring_consume(ring);
	m->skipping = false;
	err = monitor_gate_set(m->maps, (__u32)rate | (drops ? SLUICE_MONITOR_DROPS_ONLY : 0));
	if (err) {
		fprintf(stderr, "sluice monitor: cannot start sampling on %s: %s\n", m->ifname,
			strerror(-err));
		goto close_ring;
	}
	err = run(m, ring, rate);
	/* What is left in the ring then, the next monitor skips. */
	gate_err = monitor_gate_set(m->maps, 0);
	if (gate_err)
		fprintf(stderr, "sluice monitor: cannot stop sampling on %s: %s\n", m->ifname,
			strerror(-gate_err));
	else if (!err)
		ret = EXIT_OK;
	if (err)
		fprintf(stderr, "sluice monitor: reading the samples of %s: %s\n", m->ifname,
			strerror(-err));
close_ring:
	monitor_ring_close(ring);
out:
	monitor_pcap_close(m->pcap);
	close(lock);
	return ret;
}

int cmd_monitor(int argc, char **argv)
{
	bool drops = false, has_match = false, has_pcap = false, has_rate = false,
	     has_count = false, json = false;
	const char *match = NULL, *pcap = NULL, *rate_text = NULL, *count_text = NULL, *given;
	const struct cmd_switch sw[] = {
		{ "drops", 'd', &drops, NULL },
		{ "match", 'm', &has_match, &match },
		{ "pcap", 'w', &has_pcap, &pcap },
		{ "rate", 'r', &has_rate, &rate_text },
		{ "count", 'c', &has_count, &count_text },
		{ "json", 'j', &json, NULL },
	};
	struct monitor m = {0};
	unsigned long rate = MONITOR_RATE_DEFAULT;
	char ifname[IF_NAMESIZE], err[256];
	struct sluice_maps maps;
	int ret;

	ret = switches_parse(argc, argv, "monitor", sw, sizeof(sw) / sizeof(sw[0]),
			     monitor_usage, &given);
	if (ret != SWITCHES_RUN)
		return ret;
	m.json = json;
	if ((has_rate && parse_number("--rate", rate_text, 1, MONITOR_RATE_MAX, &rate)) ||
	    (has_count && parse_number("--count", count_text, 1, ULONG_MAX, &m.count)))
		return EXIT_USAGE;
	if (has_match && monitor_match_parse(match, &m.match, err, sizeof(err))) {
		fprintf(stderr, "sluice monitor: --match: %s\n", err);
		return EXIT_USAGE;
	}
	ret = iface_open_live(given, ifname, &maps, &m.live);
	if (ret)
		return ret;
	m.ifname = ifname;
	m.maps = &maps;
	m.reloaded_ns = clock_ns(CLOCK_MONOTONIC);
	if (names_exist(&m.match, m.live, ifname))
		ret = EXIT_USAGE;
	else
		ret = monitor_iface(&m, rate, drops, pcap);
	free(m.live);
	maps_close(&maps);
	return ret;
}
