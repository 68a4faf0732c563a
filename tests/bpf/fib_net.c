// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "tests/bpf/fib_net.h"

/* The namespace of the ipip tests, made by the first test that needs it. */
static const char *const d1_setup[] = {
	"ip netns add " FIB_NS,
	"ip -n " FIB_NS " link set lo up",
	"ip -n " FIB_NS " link add " FIB_PORT_A " address 02:d1:00:00:00:a0 type veth"
		" peer name d1-a1",
	"ip -n " FIB_NS " link add " FIB_PORT_B " address 02:d1:00:00:00:b0 type veth"
		" peer name d1-b1",
	"ip -n " FIB_NS " link set " FIB_PORT_A " up",
	"ip -n " FIB_NS " link set d1-a1 up",
	"ip -n " FIB_NS " link set " FIB_PORT_B " up",
	"ip -n " FIB_NS " link set d1-b1 up",
	/* bpf_fib_lookup answers as the receiving interface would forward. */
	"ip netns exec " FIB_NS " sysctl -qw net.ipv4.conf.all.forwarding=1"
		" net.ipv6.conf.all.forwarding=1",
	"ip -n " FIB_NS " addr add 10.11.1.1/24 dev " FIB_PORT_A,
	"ip -n " FIB_NS " addr add 2001:db8:11:1::1/64 dev " FIB_PORT_A " nodad",
	"ip -n " FIB_NS " addr add 10.11.2.1/24 dev " FIB_PORT_B,
	"ip -n " FIB_NS " addr add 2001:db8:11:2::1/64 dev " FIB_PORT_B " nodad",
	"ip -n " FIB_NS " neigh add " BE4_A " lladdr 02:d1:00:00:01:20 dev " FIB_PORT_A
		" nud permanent",
	"ip -n " FIB_NS " neigh add " BE6_A " lladdr 02:d1:00:00:01:20 dev " FIB_PORT_A
		" nud permanent",
	"ip -n " FIB_NS " neigh add " BE4_B " lladdr 02:d1:00:00:02:20 dev " FIB_PORT_B
		" nud permanent",
	"ip -n " FIB_NS " neigh add " BE6_B " lladdr 02:d1:00:00:02:20 dev " FIB_PORT_B
		" nud permanent",
	"ip -n " FIB_NS " route add 10.11.3.0/24 via " BE4_A " mtu lock 1400",
	"ip -n " FIB_NS " route add 2001:db8:11:3::/64 via " BE6_A " mtu lock 1400",
	"ip -n " FIB_NS " route add blackhole 10.11.9.0/24",
	"ip -n " FIB_NS " route add blackhole 2001:db8:11:9::/64",
};

static struct fib_net d1_net = {
	.name = FIB_NS,
	.port_in = FIB_PORT_A,
	.setup = d1_setup,
	.n_setup = sizeof(d1_setup) / sizeof(d1_setup[0]),
};

/* Namespaces made by this process, removed at exit; the one the tests are in. */
#define FIB_NETS_MAX	4
static struct fib_net *made[FIB_NETS_MAX];
static size_t n_made;
static struct fib_net *entered;
static int home_ns = -1;

static void net_remove(const char *name)
{
	char cmd[128];

	/* Fails when there is nothing to remove, which is fine. */
	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", name);
	if (system(cmd) == -1)
		perror("fib_net: system");
}

static void net_remove_made(void)
{
	size_t i;

	for (i = 0; i < n_made; i++)
		net_remove(made[i]->name);
}

static void net_remove_on_signal(int sig)
{
	net_remove_made();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int net_make(struct fib_net *net)
{
	size_t i;

	if (n_made == FIB_NETS_MAX)
		return -1;
	/* What a killed earlier run may have left. */
	net_remove(net->name);
	if (!n_made) {
		atexit(net_remove_made);
		signal(SIGTERM, net_remove_on_signal);
		signal(SIGINT, net_remove_on_signal);
	}
	made[n_made++] = net;
	for (i = 0; i < net->n_setup; i++) {
		if (system(net->setup[i])) {
			fprintf(stderr, "fib_net: failed: %s\n", net->setup[i]);
			return -1;
		}
	}
	net->made = true;
	return 0;
}

static int net_enter(struct fib_net *net)
{
	char path[128];
	int fd;

	if (home_ns < 0) {
		home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (home_ns < 0)
			return -1;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", net->name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (setns(fd, CLONE_NEWNET)) {
		close(fd);
		return -1;
	}
	close(fd);
	entered = net;
	return 0;
}

int fib_net_setup(struct fib_net *net, void **state)
{
	if (!net->made && net_make(net))
		return -1;
	if (net_enter(net))
		return -1;
	return fixture_setup(state);
}

int fib_setup(void **state)
{
	return fib_net_setup(&d1_net, state);
}

int fib_teardown(void **state)
{
	int ret = fixture_teardown(state);

	if (setns(home_ns, CLONE_NEWNET))
		ret = -1;
	entered = NULL;
	return ret;
}

int fib_ifindex(const char *ifname)
{
	int ifindex = if_nametoindex(ifname);

	assert_true(ifindex > 0);
	return ifindex;
}

int fib_run(struct fixture *f, const struct pkt *in, struct pkt *out)
{
	struct xdp_md ctx = {
		.data_end = in->len,	/* the test run insists: no room before the data */
		.ingress_ifindex = fib_ifindex(entered->port_in),
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = in->data,
		    .data_size_in = in->len,
		    .data_out = out->data,
		    .data_size_out = sizeof(out->data),
		    .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx),
		    .repeat = 1);

	memset(out, 0, sizeof(*out));
	assert_int_equal(bpf_prog_test_run_opts(f->prog, &opts), 0);
	out->len = opts.data_size_out;
	return opts.retval;
}

void addr_bytes(const char *addr, uint8_t *out)
{
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, addr, out), 1);
}

void fib_ipip_service(struct fixture *f, const char *vip, uint16_t port, uint32_t backend_id,
		      uint8_t flags)
{
	struct sluice_service svc;

	memset(&svc, 0, sizeof(svc));
	svc.id = 1;
	svc.table_slot = 0;
	svc.table_size = SLUICE_TABLE_SIZE_MIN;
	svc.forward = SLUICE_FWD_IPIP;
	svc.flags = flags;
	if (flags & SLUICE_SERVICE_F_ENCAP4) {
		addr_bytes(ENCAP4_PREFIX, (uint8_t *)&svc.encap_src4);
		svc.encap_host4 = htonl(0xff);
		svc.encap_len4 = 24;
	}
	if (flags & SLUICE_SERVICE_F_ENCAP6) {
		addr_bytes(ENCAP6_PREFIX, (uint8_t *)svc.encap_src6);
		svc.encap_host6 = 0xffffffff;
		svc.encap_len6 = 96;
	}
	fx_service_value(f, vip, port, IPPROTO_TCP, &svc);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &backend_id, 1);
}

void fib_nexthop_bump(struct fixture *f)
{
	struct sluice_settings set;
	uint32_t zero = 0;
	int fd = fx_map_fd(f, "settings");

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &set), 0);
	set.nexthop_gen++;
	assert_int_equal(bpf_map_update_elem(fd, &zero, &set, BPF_ANY), 0);
}

void fib_backend(struct fixture *f, uint32_t id, const char *addr)
{
	struct sluice_backend be;

	memset(&be, 0, sizeof(be));
	addr_bytes(addr, (uint8_t *)be.addr);
	be.family = strchr(addr, ':') ? SLUICE_AF_INET6 : SLUICE_AF_INET;
	be.flags = SLUICE_BACKEND_F_LIVE;
	be.gen = 1;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "backends"), &id, &be, BPF_ANY), 0);
	/* As an apply does: the id may have named another address a packet ago. */
	fib_nexthop_bump(f);
}

void fib_tx_port(struct fixture *f, const char *ifname)
{
	uint32_t ifindex = fib_ifindex(ifname);

	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "tx_ports"), &ifindex, &ifindex,
					     BPF_ANY), 0);
}

uint16_t csum_check(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo6(const uint8_t *ip6, size_t len, uint8_t nexthdr)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
	return sum + (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nexthdr;
}
