// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "filter/filter_compile.h"
#include "kernel/counters_derive.h"
#include "tests/bpf/fixture.h"
#include "xdp/sluice.skel.h"

int fixture_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->skel = sluice_bpf__open_and_load();
	if (!f->skel) {
		free(f);
		return -1;
	}
	f->prog = bpf_program__fd(f->skel->progs.sluice_xdp);
	/* As attach leaves it: OUR_MAC is the interface's, so the client's frames are ours. */
	fx_settings(f, SLUICE_MALFORMED_PASS, 0);
	*state = f;
	return 0;
}

int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	sluice_bpf__destroy(f->skel);
	free(f);
	return 0;
}

int fx_map_fd(struct fixture *f, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(f->skel->obj, name);

	assert_true(fd >= 0);
	return fd;
}

uint32_t fx_root(struct fixture *f)
{
	uint32_t zero = 0, root;

	assert_int_equal(bpf_map_lookup_elem(fx_map_fd(f, ".data.root"), &zero, &root), 0);
	return root;
}

void fx_set_root(struct fixture *f, uint32_t root)
{
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, ".data.root"), &zero, &root, BPF_ANY),
			 0);
}

static int family_of(const char *addr)
{
	return strchr(addr, ':') ? AF_INET6 : AF_INET;
}

struct pkt_spec spec_tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	struct pkt_spec s = {
		.dst_mac = OUR_MAC,
		.src_mac = CLIENT_MAC,
		.family = family_of(dst),
		.src = src,
		.dst = dst,
		.proto = IPPROTO_TCP,
		.sport = sport,
		.dport = dport,
		.payload_len = 32,
	};

	return s;
}

/* An address as abi.h holds it: 16 bytes, IPv4 in the first 4, the rest zero. */
static uint8_t addr_family(const char *text, __be32 addr[4])
{
	int family = family_of(text);

	memset(addr, 0, 16);
	assert_int_equal(inet_pton(family, text, addr), 1);
	return family == AF_INET ? SLUICE_AF_INET : SLUICE_AF_INET6;
}

void fx_settings(struct fixture *f, uint32_t malformed_policy, uint32_t have_any_port_vips)
{
	struct sluice_settings s = {
		.malformed_policy = malformed_policy,
		.have_any_port_vips = have_any_port_vips,
		.n_macs = 1,
		.macs[0].addr = OUR_MAC,
	};
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "settings"), &zero, &s, BPF_ANY), 0);
}

void fx_listed_mac(struct fixture *f, const uint8_t mac[6])
{
	struct sluice_settings s;
	uint32_t zero = 0;
	int fd = fx_map_fd(f, "settings");

	assert_int_equal(bpf_map_lookup_elem(fd, &zero, &s), 0);
	assert_true(s.n_macs < SLUICE_MACS);
	memcpy(s.macs[s.n_macs++].addr, mac, 6);
	assert_int_equal(bpf_map_update_elem(fd, &zero, &s, BPF_ANY), 0);
}

void fx_service_value(struct fixture *f, const char *vip, uint16_t port, uint8_t proto,
		      const struct sluice_service *svc)
{
	struct sluice_vip_key key;

	memset(&key, 0, sizeof(key));
	key.family = addr_family(vip, key.addr);
	key.port = htons(port);
	key.proto = proto;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "services"), &key, svc, BPF_ANY), 0);
}

void fx_service(struct fixture *f, const char *vip, uint16_t port, uint8_t proto,
		uint32_t id, uint32_t slot, uint32_t table_size)
{
	struct sluice_service svc = {
		.id = id,
		.table_slot = slot,
		.table_size = table_size,
		.forward = SLUICE_FWD_L2DSR,
	};

	fx_service_value(f, vip, port, proto, &svc);
}

void fx_backend_mac(uint32_t id, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = 0xbe;
	mac[2] = id >> 24;
	mac[3] = id >> 16;
	mac[4] = id >> 8;
	mac[5] = id;
}

void fx_backend(struct fixture *f, uint32_t id, uint32_t gen, bool live)
{
	struct sluice_backend be;

	memset(&be, 0, sizeof(be));
	fx_backend_mac(id, be.mac);
	be.family = SLUICE_AF_INET;
	be.flags = live ? SLUICE_BACKEND_F_LIVE : 0;
	be.gen = gen;
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "backends"), &id, &be, BPF_ANY), 0);
}

int fx_table_create(uint32_t size, const uint32_t *ids, size_t n_ids)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_INNER_MAP | BPF_F_MMAPABLE);
	uint32_t slot;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "maglev", sizeof(uint32_t), sizeof(uint32_t),
			    size, &opts);
	assert_true(fd >= 0);
	for (slot = 0; n_ids && slot < size; slot++)
		assert_int_equal(bpf_map_update_elem(fd, &slot, &ids[slot % n_ids], BPF_ANY), 0);
	return fd;
}

void fx_table_install(struct fixture *f, uint32_t slot, int table_fd)
{
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "maglev_tables"), &slot, &table_fd,
					     BPF_ANY), 0);
	close(table_fd);
}

void fx_table(struct fixture *f, uint32_t slot, uint32_t size, const uint32_t *ids,
	      size_t n_ids)
{
	fx_table_install(f, slot, fx_table_create(size, ids, n_ids));
}

void fx_web_service(struct fixture *f)
{
	const uint32_t one = 1;

	fx_service(f, VIP4, 80, IPPROTO_TCP, 1, 0, SLUICE_TABLE_SIZE_MIN);
	fx_table(f, 0, SLUICE_TABLE_SIZE_MIN, &one, 1);
	fx_backend(f, 1, 1, true);
}

struct sluice_rule fx_rule(uint8_t action, uint32_t counter)
{
	struct sluice_rule r;

	memset(&r, 0, sizeof(r));
	r.sport_hi = 0xffff;
	r.dport_hi = 0xffff;
	r.action = action;
	r.counter = counter;
	return r;
}

void fx_rule_src(struct sluice_rule *r, const char *addr, unsigned int prefix_len)
{
	r->family = addr_family(addr, r->src);
	r->src_len = (uint8_t)prefix_len;
	r->flags |= SLUICE_RULE_F_SRC;
}

void fx_rule_dst(struct sluice_rule *r, const char *addr, unsigned int prefix_len)
{
	r->family = addr_family(addr, r->dst);
	r->dst_len = (uint8_t)prefix_len;
	r->flags |= SLUICE_RULE_F_DST;
}

/* entries: n of stride bytes, a key at their start and a value value_off into them. */
static int keyed_map(enum bpf_map_type type, __u32 flags, const void *entries, size_t key_size,
		     size_t value_off, size_t value_size, size_t stride, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
	int fd = bpf_map_create(type, NULL, key_size, value_size, n ? n : 1, &opts);

	assert_true(fd >= 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(bpf_map_update_elem(fd, (const char *)entries + i * stride,
						     (const char *)entries + i * stride + value_off,
						     BPF_ANY), 0);
	return fd;
}

static void install(struct fixture *f, const char *outer, uint32_t slot, int fd)
{
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, outer), &slot, &fd, BPF_ANY), 0);
	close(fd);
}

/* The slot's value of filter_fixed. */
static void fx_fixed(struct fixture *f, const struct filter_image *img, uint32_t slot)
{
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "filter_fixed"), &slot, img->fixed,
					     BPF_ANY), 0);
}

struct filter_service fx_answer_service(const char *vip, uint16_t port, uint8_t proto,
					uint32_t id)
{
	struct filter_service svc;

	memset(&svc, 0, sizeof(svc));
	svc.id = id;
	svc.vip.family = addr_family(vip, svc.vip.addr);
	svc.vip.port = htons(port);
	svc.vip.proto = proto;
	return svc;
}

void fx_rules(struct fixture *f, const struct sluice_rule *rules, size_t n)
{
	fx_rules_answered(f, rules, n, NULL, 0);
}

/* As an apply does: compile, fill the free slot, flip packets over to it. */
void fx_rules_answered(struct fixture *f, const struct sluice_rule *rules, size_t n,
		       const struct filter_service *svcs, size_t n_svcs)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_INNER_MAP | BPF_F_MMAPABLE);
	static __u16 answers[SLUICE_MAX_SERVICES];
	struct filter_image img;
	uint32_t root = fx_root(f), slot;
	char err[512];
	int fd;

	if (filter_compile(rules, n, &img, err, sizeof(err)))
		fail_msg("compile: %s", err);
	filter_answers(rules, n, svcs, n_svcs, answers);
	filter_answers_mark(&img, svcs, n_svcs, answers);
	slot = (root & SLUICE_ROOT_FILTER_SLOT) ^ 1;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, sizeof(uint32_t), sizeof(uint64_t),
			    img.table_len, &opts);
	assert_true(fd >= 0);
	for (uint32_t i = 0; i < img.table_len; i++)
		assert_int_equal(bpf_map_update_elem(fd, &i, &img.table[i], BPF_ANY), 0);
	install(f, "filter_tables", slot, fd);
	install(f, "filter_prefixes", slot,
		keyed_map(BPF_MAP_TYPE_LPM_TRIE, BPF_F_NO_PREALLOC, img.prefixes,
			  sizeof(struct sluice_prefix_key), offsetof(struct filter_prefix, value),
			  sizeof(struct sluice_addr_value), sizeof(img.prefixes[0]),
			  img.n_prefixes));
	install(f, "filter_pairs", slot,
		keyed_map(BPF_MAP_TYPE_HASH, 0, img.pairs, sizeof(struct sluice_pair_key),
			  offsetof(struct filter_pair, value), sizeof(struct sluice_addr_value),
			  sizeof(img.pairs[0]), img.n_pairs));
	install(f, "filter_mixed", slot,
		keyed_map(BPF_MAP_TYPE_HASH, 0, img.mixed, sizeof(struct sluice_mixed_key),
			  offsetof(struct filter_mixed, result), sizeof(uint64_t), sizeof(img.mixed[0]),
			  img.n_mixed));
	fx_fixed(f, &img, slot);
	assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "filter_headers"), &slot, &img.header,
					     BPF_ANY), 0);
	fx_set_root(f, (root & ~SLUICE_ROOT_FILTER_SLOT) | slot);
	filter_image_free(&img);
}

void fx_limit(struct fixture *f, uint32_t counter, uint64_t interval_ns, uint32_t burst,
	      bool per_source)
{
	struct sluice_limit limit = {
		.interval_ns = interval_ns,
		.tolerance_ns = interval_ns * (burst - 1),
		.per_source = per_source,
	};

	/* Both slots: a test may set its limits before or after its rules. */
	for (uint32_t slot = 0; slot < 2; slot++) {
		uint32_t index = SLUICE_LIMIT_INDEX(slot, counter);

		assert_int_equal(bpf_map_update_elem(fx_map_fd(f, "rule_limits"), &index, &limit,
						     BPF_ANY), 0);
	}
}

int fx_run(struct fixture *f, const struct pkt *in, struct pkt *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		    .data_in = in->data,
		    .data_size_in = in->len,
		    .data_out = out->data,
		    .data_size_out = sizeof(out->data),
		    .repeat = 1);

	memset(out, 0, sizeof(*out));
	assert_int_equal(bpf_prog_test_run_opts(f->prog, &opts), 0);
	out->len = opts.data_size_out;
	return opts.retval;
}

struct sluice_counter fx_counter(int map_fd, uint32_t index)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sluice_counter sum = {0}, *cells;
	int i;

	assert_true(ncpus > 0);
	cells = calloc(ncpus, sizeof(*cells));
	assert_non_null(cells);
	assert_int_equal(bpf_map_lookup_elem(map_fd, &index, cells), 0);
	for (i = 0; i < ncpus; i++) {
		sum.packets += cells[i].packets;
		sum.bytes += cells[i].bytes;
	}
	free(cells);
	return sum;
}

struct sluice_counter fx_global(struct fixture *f, enum sluice_stat stat)
{
	struct sluice_counter g[SLUICE_STAT_MAX];

	for (uint32_t i = 0; i < SLUICE_STAT_MAX; i++)
		g[i] = fx_counter(fx_map_fd(f, "stats"), i);
	counters_derive(g);
	return g[stat];
}

uint64_t fx_stat(struct fixture *f, enum sluice_stat stat)
{
	return fx_global(f, stat).packets;
}

size_t fx_flow_count(struct fixture *f)
{
	int fd = fx_map_fd(f, "flows");
	struct sluice_flow_key key, next;
	size_t n = 0;
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		n++;
	}
	assert_int_equal(errno, ENOENT);
	return n;
}

void assert_forwarded(const struct pkt *in, const struct pkt *out, uint32_t id)
{
	const uint8_t ours[6] = OUR_MAC;
	uint8_t mac[6];

	fx_backend_mac(id, mac);
	assert_int_equal(out->len, in->len);
	assert_memory_equal(out->data, mac, 6);
	/* From the interface's MAC, whatever the frame was sent to. */
	assert_memory_equal(out->data + 6, ours, 6);
	assert_memory_equal(out->data + 12, in->data + 12, in->len - 12);
}

void assert_unchanged(const struct pkt *in, const struct pkt *out)
{
	assert_int_equal(out->len, in->len);
	assert_memory_equal(out->data, in->data, in->len);
}

uint32_t backend_of(const struct pkt *out)
{
	const uint8_t *m = out->data;

	assert_int_equal(m[0], 0x02);
	assert_int_equal(m[1], 0xbe);
	return (uint32_t)m[2] << 24 | m[3] << 16 | m[4] << 8 | m[5];
}
