// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bench-gen: the live traffic generator. Run in the generator's network namespace:
 * it attaches the counting program to the veth end it sends from, then runs the
 * generator program (gen.bpf.c) through BPF_PROG_TEST_RUN in live-frames mode, in
 * rounds until the duration is over (paced when a rate is given), and prints what
 * it sent and what came back as one JSON object.
 *
 * What the receiving side processed is read by the caller from that side's veth
 * counters: frames the veth could not queue are dropped there, so "sent" is what was
 * offered, not what was carried.
 *
 * With --cpus N, N threads send at once, thread k pinned to CPU k with a generator
 * of its own and flows of its own (k * flows up): each CPU then generates, receives
 * and returns its own frames, as each queue of a multi-queue NIC would.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <linux/if_link.h>

#include "bench/counter.h"
#include "bench/frame.h"
#include "bench/count.skel.h"
#include "bench/gen.skel.h"

#define BATCH		64	/* frames per batch, the NAPI budget */
#define ROUND_MAX	(1U << 24)	/* frames per BPF_PROG_TEST_RUN call, at most */
#define CALL_SECONDS	0.25	/* aimed length of one call */
#define FIRST_ROUND	4096	/* frames of the first call, which measures the pace */
#define DRAIN_NS	(50 * 1000 * 1000)	/* let the last frames come back */

struct gen_opts {
	const char *iface;
	struct frame_spec spec;
	double seconds;
	double rate;		/* frames per second, 0 = as fast as possible (per CPU) */
	int cpus;		/* sending threads, on CPUs 0..cpus-1 */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench-gen --iface IFACE --seconds S [--rate PPS] FRAME OPTIONS\n\n"
		"Send frames out of veth IFACE (to its peer) for S seconds with BPF_PROG_TEST_RUN\n"
		"in live-frames mode, count what comes back on IFACE, print JSON.\n\n"
		"  --iface IFACE     the generator's end of the veth pair\n"
		"  --seconds S       how long to send\n"
		"  --rate PPS        frames per second and CPU (default: as fast as possible)\n"
		"  --cpus N          send from CPUs 0..N-1 at once, flows of their own (default 1)\n"
		FRAME_OPTIONS_HELP);
}

static int parse_args(int argc, char **argv, struct gen_opts *o)
{
	static const struct option longopts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "seconds", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'r' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		FRAME_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int opt, ret;

	frame_spec_init(&o->spec);
	o->cpus = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		ret = frame_option(&o->spec, opt, optarg);
		if (ret < 0)
			return 2;
		if (ret)
			continue;
		switch (opt) {
		case 'i':
			o->iface = optarg;
			break;
		case 't':
			o->seconds = atof(optarg);
			break;
		case 'r':
			o->rate = atof(optarg);
			break;
		case 'c':
			o->cpus = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o->iface || o->seconds <= 0 || o->rate < 0 || o->cpus < 1 ||
	    o->cpus > libbpf_num_possible_cpus() || optind != argc) {
		usage(stderr);
		return 2;
	}
	return frame_spec_check(&o->spec) ? 2 : 0;
}

static struct gen_bpf *load_gen(const struct gen_opts *o, int ifindex, int cpu)
{
	struct gen_bpf *skel = gen_bpf__open();

	if (!skel)
		return NULL;
	skel->rodata->out_ifindex = (__u32)ifindex;
	skel->rodata->flows = o->spec.flows;
	skel->rodata->flow_base = (__u32)cpu * o->spec.flows;
	skel->rodata->sport_base = o->spec.sport;
	skel->rodata->saddr_lo_base = frame_saddr_lo(&o->spec);
	skel->rodata->ipv6 = o->spec.family == AF_INET6;
	skel->rodata->udp = o->spec.proto == IPPROTO_UDP;
	memcpy((void *)skel->rodata->dst_mac, o->spec.dst_mac, 6);
	memcpy((void *)skel->rodata->src_mac, o->spec.src_mac, 6);
	if (gen_bpf__load(skel)) {
		gen_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

static int read_returned(struct count_bpf *skel, struct bench_counter *sum)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	struct bench_counter *cells;
	__u32 zero = 0;

	memset(sum, 0, sizeof(*sum));
	if (ncpus <= 0)
		return -1;
	cells = calloc((size_t)ncpus, sizeof(*cells));
	if (!cells)
		return -1;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.returned), &zero, cells)) {
		free(cells);
		return -1;
	}
	for (i = 0; i < ncpus; i++) {
		sum->packets += cells[i].packets;
		sum->bytes += cells[i].bytes;
	}
	free(cells);
	return 0;
}

#define CALLS_KEPT	64	/* calls whose own ns per frame are reported, at most */

struct sent {
	long long frames;
	double seconds;		/* wall time from the first call to the end of the last */
	double busy;		/* time the kernel spent in the runs, by its own timer */
	/* Each call's ns per frame after the first (which only finds the pace). */
	double call_ns[CALLS_KEPT];
	unsigned int calls;
};

/* One sending thread: its CPU, its generator, what it sent. */
struct sender {
	const struct gen_opts *o;
	int cpu, ifindex, err;
	struct gen_bpf *gen;
	pthread_t thread;
	struct sent sent;
};

/* Frames for the next call: about CALL_SECONDS of work, never past the deadline. */
static __u32 next_round(const struct gen_opts *o, double per_frame, double left)
{
	double frames = (left < CALL_SECONDS ? left : CALL_SECONDS) / per_frame;

	/* Paced: at least 10 calls per second, so frames are spread over time. */
	if (o->rate > 0 && frames > o->rate / 10)
		frames = o->rate / 10;
	if (frames < BATCH)
		return BATCH;
	return frames > ROUND_MAX ? ROUND_MAX : (__u32)frames;
}

/*
 * Sends until the time is up. Each call pays a fixed set-up and tear-down (a fresh
 * page pool) that is not packet work, so calls are sized to last about
 * CALL_SECONDS; the kernel's own timer of each call (which covers the receiving
 * program too, run from the softirq that the generator's flush raises on this CPU)
 * gives the time spent on packets. Returns 0 or -errno.
 */
static int send_frames(const struct gen_opts *o, int prog_fd, int ifindex, struct sent *out)
{
	uint8_t frame[FRAME_MAX];
	struct xdp_md ctx = { .ingress_ifindex = (__u32)ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, run,
		    .data_in = frame,
		    .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx),
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = BATCH);
	double start, t, call, per_frame = CALL_SECONDS / FIRST_ROUND;

	memset(out, 0, sizeof(*out));
	run.data_size_in = (__u32)frame_build(&o->spec, 0, frame);
	ctx.data_end = run.data_size_in;
	start = now();
	for (;;) {
		t = now() - start;
		if (t >= o->seconds || stop)
			break;
		if (o->rate > 0 && (double)out->frames / o->rate > t) {
			usleep((useconds_t)(((double)out->frames / o->rate - t) * 1e6));
			continue;
		}
		run.repeat = next_round(o, per_frame, o->seconds - t);
		call = now();
		if (bpf_prog_test_run_opts(prog_fd, &run))
			return -errno;
		per_frame = (now() - call) / run.repeat;
		if (out->frames && out->calls < CALLS_KEPT)
			out->call_ns[out->calls++] = run.duration;
		out->frames += run.repeat;
		out->busy += (double)run.duration * run.repeat / 1e9;
	}
	out->seconds = now() - start;
	return 0;
}

static void *sender_run(void *arg)
{
	struct sender *s = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	s->err = -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (!s->err)
		s->err = send_frames(s->o, bpf_program__fd(s->gen->progs.bench_gen), s->ifindex,
				     &s->sent);
	return NULL;
}

/*
 * Every sender at once; *total sums them, its busy time as that of the whole
 * (frames over the sum of each CPU's frame rate). Returns 0 or -errno.
 */
static int send_all(struct sender *senders, int n, struct sent *total)
{
	double rate_sum = 0;
	int i, err = 0;

	for (i = 0; i < n; i++) {
		err = -pthread_create(&senders[i].thread, NULL, sender_run, &senders[i]);
		if (err) {
			stop = 1;
			break;
		}
	}
	n = i;
	memset(total, 0, sizeof(*total));
	for (i = 0; i < n; i++) {
		pthread_join(senders[i].thread, NULL);
		err = err ? err : senders[i].err;
		total->frames += senders[i].sent.frames;
		if (senders[i].sent.seconds > total->seconds)
			total->seconds = senders[i].sent.seconds;
		if (senders[i].sent.busy > 0)
			rate_sum += (double)senders[i].sent.frames / senders[i].sent.busy;
	}
	if (rate_sum > 0)
		total->busy = (double)total->frames / rate_sum;
	return err;
}

static void print_result(const struct gen_opts *o, const struct sent *sent,
			 const struct bench_counter *back)
{
	struct json_object *j = json_object_new_object(), *calls = json_object_new_array();
	unsigned int i;

	for (i = 0; i < sent->calls; i++)
		json_object_array_add(calls, json_object_new_double(sent->call_ns[i]));
	/* The spread of these is the noise `sluice-bench --compare` allows for. */
	json_object_object_add(j, "ns_per_packet_rounds", calls);
	json_object_object_add(j, "sent", json_object_new_int64(sent->frames));
	json_object_object_add(j, "seconds", json_object_new_double(sent->seconds));
	json_object_object_add(j, "busy_seconds", json_object_new_double(sent->busy));
	json_object_object_add(j, "frame_size",
			       json_object_new_int64((int64_t)frame_len(&o->spec)));
	json_object_object_add(j, "flows", json_object_new_int64(o->spec.flows));
	json_object_object_add(j, "cpus", json_object_new_int64(o->cpus));
	json_object_object_add(j, "returned_packets",
			       json_object_new_int64((int64_t)back->packets));
	json_object_object_add(j, "returned_bytes", json_object_new_int64((int64_t)back->bytes));
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

int main(int argc, char **argv)
{
	struct gen_opts o = { 0 };
	struct bench_counter back;
	struct timespec drain = { .tv_nsec = DRAIN_NS };
	struct count_bpf *count = NULL;
	struct sender *senders;
	struct sent sent;
	int ifindex, err, ret, i;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	ret = 1;
	ifindex = (int)if_nametoindex(o.iface);
	if (!ifindex) {
		fprintf(stderr, "bench-gen: no interface %s here\n", o.iface);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	senders = calloc((size_t)o.cpus, sizeof(*senders));
	if (!senders) {
		fprintf(stderr, "bench-gen: out of memory\n");
		return 1;
	}
	for (err = 0, i = 0; i < o.cpus; i++) {
		senders[i] = (struct sender){ .o = &o, .cpu = i, .ifindex = ifindex };
		senders[i].gen = load_gen(&o, ifindex, i);
		err = err || !senders[i].gen;
	}
	count = count_bpf__open_and_load();
	if (err || !count) {
		fprintf(stderr, "bench-gen: cannot load the generator's programs\n");
		goto out;
	}
	if (bpf_xdp_attach(ifindex, bpf_program__fd(count->progs.bench_count),
			   XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL)) {
		fprintf(stderr, "bench-gen: cannot attach the counting program to %s: %s\n",
			o.iface, strerror(errno));
		goto out;
	}
	err = send_all(senders, o.cpus, &sent);
	nanosleep(&drain, NULL);
	if (err)
		fprintf(stderr, "bench-gen: BPF_PROG_TEST_RUN failed: %s\n", strerror(-err));
	else if (read_returned(count, &back))
		fprintf(stderr, "bench-gen: cannot read the counting program's map\n");
	else {
		print_result(&o, &sent, &back);
		ret = 0;
	}
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
out:
	count_bpf__destroy(count);
	for (i = 0; i < o.cpus; i++)
		gen_bpf__destroy(senders[i].gen);
	free(senders);
	return ret;
}
