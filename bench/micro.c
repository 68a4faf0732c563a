// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bench-micro: ns per packet of the XDP program attached to an interface, through
 * BPF_PROG_TEST_RUN (not live). Timing the attached program, found by the
 * interface's program id, means the maps its control plane filled are the ones
 * used.
 *
 * Every call runs one packet (repeat=1): with repeat=N the kernel does not restore
 * the packet between runs, so a program that rewrites it would time itself on its
 * own output. The figure is the kernel's own measure of each run; the run of an
 * empty program shows the floor that measure adds. Every call's verdict and output
 * bytes are checked against the expected path, so a benchmark never times the
 * wrong one: the first mismatch ends the run with an error. Each call's context
 * names the interface as the receiving one, as live frames do: ipip asks the FIB
 * for the next hop as if that interface forwarded the packet.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <json-c/json.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>

#include "bench/frame.h"
#include "bench/ipip_check.h"

#define ROUNDS	5	/* runs of consecutive calls whose medians show the noise */

enum expect {
	EXPECT_DROP,	/* XDP_DROP, packet untouched */
	EXPECT_PASS,	/* XDP_PASS, packet untouched */
	EXPECT_L2DSR,	/* XDP_TX, destination MAC now a backend's, source MAC our own */
	EXPECT_SWAP,	/* XDP_TX, the two MACs swapped */
	EXPECT_IPIP4,	/* XDP_TX, encapsulated in IPv4 to a backend (ipip_check.h) */
	EXPECT_IPIP6,	/* XDP_TX, encapsulated in IPv6 to a backend */
};

struct micro_opts {
	const char *iface;
	struct frame_spec spec;
	enum expect expect;
	uint8_t backend_prefix[2];	/* the first two bytes of every backend's MAC */
	struct ipip_expect ipip;	/* ipip4, ipip6: the rest of what is checked */
	unsigned long calls;
	unsigned long warmup;
};

static const char *const expect_names[] = {
	[EXPECT_DROP] = "drop", [EXPECT_PASS] = "pass",
	[EXPECT_L2DSR] = "l2dsr", [EXPECT_SWAP] = "swap",
	[EXPECT_IPIP4] = "ipip4", [EXPECT_IPIP6] = "ipip6",
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench-micro --iface IFACE --expect drop|pass|l2dsr|swap|ipip4|ipip6\n"
		"                   [--calls N] [--warmup N] [--backend-mac-prefix XX:XX]\n"
		"                   [--backend-net PREFIX --encap-source PREFIX] FRAME OPTIONS\n\n"
		"Time the XDP program attached to IFACE with BPF_PROG_TEST_RUN, one packet per\n"
		"call, flows taken in turn; check every verdict and output; print JSON.\n\n"
		"  --expect drop|pass        verdict, packet unchanged\n"
		"  --expect l2dsr            XDP_TX to a backend: destination MAC starts with\n"
		"                            --backend-mac-prefix, source MAC is the old\n"
		"                            destination, the rest unchanged\n"
		"  --expect swap             XDP_TX with the MACs swapped, the rest unchanged\n"
		"  --expect ipip4|ipip6      XDP_TX of the frame's IP packet, unchanged, inside\n"
		"                            an outer IPv4|IPv6 header (protocol 4 or 41,\n"
		"                            lengths, TTL 64, DF, TOS, IPv4 checksum) from an\n"
		"                            address of --encap-source to one of --backend-net,\n"
		"                            to a MAC starting with --backend-mac-prefix, from\n"
		"                            the interface's MAC\n"
		"  --calls N                 timed calls (default 20000)\n"
		"  --warmup N                untimed calls first (default 1000)\n"
		FRAME_OPTIONS_HELP);
}

static int parse_expect(const char *arg, enum expect *e)
{
	size_t i;

	for (i = 0; i < sizeof(expect_names) / sizeof(expect_names[0]); i++)
		if (!strcmp(arg, expect_names[i])) {
			*e = (enum expect)i;
			return 0;
		}
	fprintf(stderr, "--expect: '%s' is none of drop, pass, l2dsr, swap, ipip4, ipip6\n",
		arg);
	return -1;
}

static int parse_args(int argc, char **argv, struct micro_opts *o)
{
	static const struct option longopts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "expect", required_argument, NULL, 'e' },
		{ "calls", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "backend-mac-prefix", required_argument, NULL, 'b' },
		{ "backend-net", required_argument, NULL, 'B' },
		{ "encap-source", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		FRAME_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const char *backend_net = NULL, *encap_source = NULL;
	bool have_expect = false, have_prefix = false, ipip;
	int opt, ret;

	frame_spec_init(&o->spec);
	o->calls = 20000;
	o->warmup = 1000;
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
		case 'e':
			if (parse_expect(optarg, &o->expect))
				return 2;
			have_expect = true;
			break;
		case 'n':
			o->calls = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			o->warmup = strtoul(optarg, NULL, 10);
			break;
		case 'b':
			if (sscanf(optarg, "%hhx:%hhx", &o->backend_prefix[0],
				   &o->backend_prefix[1]) != 2) {
				fprintf(stderr, "--backend-mac-prefix: '%s' is not XX:XX\n", optarg);
				return 2;
			}
			have_prefix = true;
			break;
		case 'B':
			backend_net = optarg;
			break;
		case 'E':
			encap_source = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	ipip = o->expect == EXPECT_IPIP4 || o->expect == EXPECT_IPIP6;
	if (!o->iface || !have_expect || !o->calls || optind != argc ||
	    ((o->expect == EXPECT_L2DSR || ipip) && !have_prefix) ||
	    (ipip && (!backend_net || !encap_source))) {
		usage(stderr);
		return 2;
	}
	if (ipip) {
		o->ipip.outer = o->expect == EXPECT_IPIP6 ? AF_INET6 : AF_INET;
		memcpy(o->ipip.backend_mac, o->backend_prefix, sizeof(o->backend_prefix));
		if (ipip_prefix_parse("backend-net", backend_net, o->ipip.outer,
				      &o->ipip.backends) ||
		    ipip_prefix_parse("encap-source", encap_source, o->ipip.outer,
				      &o->ipip.encap))
			return 2;
	}
	return frame_spec_check(&o->spec) ? 2 : 0;
}

/* NULL when out is what the expected path makes of in, else what differs. */
static const char *check_output(const struct micro_opts *o, int verdict, const uint8_t *in,
				const uint8_t *out, size_t len, size_t out_len)
{
	static const int verdicts[] = {
		[EXPECT_DROP] = XDP_DROP, [EXPECT_PASS] = XDP_PASS,
		[EXPECT_L2DSR] = XDP_TX, [EXPECT_SWAP] = XDP_TX,
		[EXPECT_IPIP4] = XDP_TX, [EXPECT_IPIP6] = XDP_TX,
	};

	if (verdict != verdicts[o->expect])
		return "verdict";
	if (o->expect == EXPECT_IPIP4 || o->expect == EXPECT_IPIP6)
		return ipip_check(&o->ipip, in, len, out, out_len);
	if (out_len != len)
		return "length";
	if (memcmp(out + 2 * ETH_ALEN, in + 2 * ETH_ALEN, len - 2 * ETH_ALEN))
		return "bytes after the MACs";
	switch (o->expect) {
	case EXPECT_L2DSR:
		if (memcmp(out, o->backend_prefix, 2))
			return "destination MAC (not a backend's)";
		return memcmp(out + ETH_ALEN, in, ETH_ALEN) ? "source MAC" : NULL;
	case EXPECT_SWAP:
		if (memcmp(out, in + ETH_ALEN, ETH_ALEN) || memcmp(out + ETH_ALEN, in, ETH_ALEN))
			return "MACs not swapped";
		return NULL;
	default:
		return memcmp(out, in, 2 * ETH_ALEN) ? "MACs" : NULL;
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int attached_prog(const char *iface, char *name, size_t name_len, __u32 *id)
{
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	int ifindex = (int)if_nametoindex(iface), fd;

	if (!ifindex) {
		fprintf(stderr, "bench-micro: no interface %s here\n", iface);
		return -1;
	}
	if (bpf_xdp_query_id(ifindex, XDP_FLAGS_DRV_MODE, id) || !*id) {
		fprintf(stderr, "bench-micro: no XDP program attached natively to %s\n", iface);
		return -1;
	}
	fd = bpf_prog_get_fd_by_id(*id);
	if (fd < 0) {
		fprintf(stderr, "bench-micro: program %u: %s\n", *id, strerror(errno));
		return -1;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		fprintf(stderr, "bench-micro: program %u: %s\n", *id, strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(name, name_len, "%s", info.name);
	return fd;
}

/*
 * The calls in ROUNDS consecutive runs, each run's median: how much the figure
 * moves within one measurement, which `sluice-bench --compare` takes for noise.
 * Sorts each run in place.
 */
static struct json_object *round_medians(uint32_t *ns, unsigned long n)
{
	struct json_object *a = json_object_new_array();
	unsigned long r, from, to;

	for (r = 0; r < ROUNDS && n >= ROUNDS; r++) {
		from = n * r / ROUNDS;
		to = n * (r + 1) / ROUNDS;
		qsort(ns + from, to - from, sizeof(*ns), cmp_u32);
		json_object_array_add(a, json_object_new_int64(ns[from + (to - from) / 2]));
	}
	return a;
}

static void print_result(const struct micro_opts *o, const char *prog, __u32 id,
			 uint32_t *ns, unsigned long n)
{
	struct json_object *j = json_object_new_object();
	double sum = 0;
	unsigned long i;

	for (i = 0; i < n; i++)
		sum += ns[i];
	json_object_object_add(j, "ns_rounds", round_medians(ns, n));
	qsort(ns, n, sizeof(*ns), cmp_u32);
	json_object_object_add(j, "program", json_object_new_string(prog));
	json_object_object_add(j, "program_id", json_object_new_int64(id));
	json_object_object_add(j, "expect", json_object_new_string(expect_names[o->expect]));
	json_object_object_add(j, "calls", json_object_new_int64((int64_t)n));
	json_object_object_add(j, "checked", json_object_new_int64((int64_t)n));
	json_object_object_add(j, "flows", json_object_new_int64(o->spec.flows));
	json_object_object_add(j, "ns_median", json_object_new_int64(ns[n / 2]));
	json_object_object_add(j, "ns_mean", json_object_new_double(sum / (double)n));
	json_object_object_add(j, "ns_p90", json_object_new_int64(ns[n * 9 / 10]));
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
}

int main(int argc, char **argv)
{
	uint8_t in[FRAME_MAX], out[FRAME_MAX + 256];
	struct xdp_md ctx = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = in, .data_out = out, .repeat = 1,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	struct micro_opts o = { 0 };
	unsigned long i, total;
	const char *bad;
	uint32_t *ns;
	char prog[BPF_OBJ_NAME_LEN];
	size_t len;
	__u32 id;
	int fd, ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	fd = attached_prog(o.iface, prog, sizeof(prog), &id);
	if (fd < 0)
		return 1;
	ctx.ingress_ifindex = if_nametoindex(o.iface);
	ns = calloc(o.calls, sizeof(*ns));
	if (!ns)
		return 1;
	total = o.warmup + o.calls;
	for (i = 0; i < total; i++) {
		len = frame_build(&o.spec, (uint32_t)(i % o.spec.flows), in);
		run.data_size_in = (__u32)len;
		ctx.data_end = (__u32)len;
		run.data_size_out = sizeof(out);
		if (bpf_prog_test_run_opts(fd, &run)) {
			fprintf(stderr, "bench-micro: BPF_PROG_TEST_RUN: %s\n", strerror(errno));
			return 1;
		}
		bad = check_output(&o, (int)run.retval, in, out, len, run.data_size_out);
		if (bad) {
			fprintf(stderr, "bench-micro: call %lu (flow %lu) of %s did not take the "
				"%s path: %s differs (verdict %u)\n", i, i % o.spec.flows, prog,
				expect_names[o.expect], bad, run.retval);
			return 1;
		}
		if (i >= o.warmup)
			ns[i - o.warmup] = run.duration;
	}
	print_result(&o, prog, id, ns, o.calls);
	free(ns);
	close(fd);
	return 0;
}
