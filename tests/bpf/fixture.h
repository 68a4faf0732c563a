/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The packet tests' harness: a freshly loaded sluice program per test (never
 * attached), its maps filled through libbpf as the control plane would fill them,
 * and packets run through BPF_PROG_TEST_RUN.
 */
#ifndef SLUICE_TESTS_FIXTURE_H
#define SLUICE_TESTS_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter/filter_answer.h"
#include "tests/bpf/packet.h"
#include "xdp/abi.h"

/* Test network: the client sends to our MAC; backends' MACs encode their id. */
#define OUR_MAC		{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }
#define CLIENT_MAC	{ 0x02, 0xcc, 0x00, 0x00, 0x00, 0x07 }
/* A VRRP virtual MAC, as a config would list it (settings.macs). */
#define LISTED_MAC	{ 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 }
/* Another node's: flooded to us when a switch does not know where it is. */
#define OTHER_MAC	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b }
#define CLIENT4		"198.51.100.7"
#define CLIENT6		"2001:db8:c::7"
#define VIP4		"192.0.2.10"
#define VIP6		"2001:db8:f::10"

struct sluice_bpf;

struct fixture {
	struct sluice_bpf *skel;
	int prog;
};

/* cmocka per-test setup and teardown; *state is the struct fixture. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* A TCP packet from the client to dst:dport, family taken from dst. */
struct pkt_spec spec_tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport);

/* The settings value, OUR_MAC the interface's (and only) MAC. */
void fx_settings(struct fixture *f, uint32_t malformed_policy, uint32_t have_any_port_vips);

/* Appends mac to the MACs that are ours, as apply does for those a config lists. */
void fx_listed_mac(struct fixture *f, const uint8_t mac[6]);

/* An l2dsr service on table slot `slot` of size table_size; family from vip. */
void fx_service(struct fixture *f, const char *vip, uint16_t port, uint8_t proto,
		uint32_t id, uint32_t slot, uint32_t table_size);
void fx_service_value(struct fixture *f, const char *vip, uint16_t port, uint8_t proto,
		      const struct sluice_service *svc);

void fx_backend_mac(uint32_t id, uint8_t mac[6]);
void fx_backend(struct fixture *f, uint32_t id, uint32_t gen, bool live);

/* A Maglev table as the control plane makes one: slot i holds ids[i % n_ids]. */
int fx_table_create(uint32_t size, const uint32_t *ids, size_t n_ids);
/* Puts the table in maglev_tables[slot] and closes table_fd. */
void fx_table_install(struct fixture *f, uint32_t slot, int table_fd);
/* Both at once, the usual case. */
void fx_table(struct fixture *f, uint32_t slot, uint32_t size, const uint32_t *ids,
	      size_t n_ids);

/* One service, VIP4:80/tcp, id 1, table slot 0 of size 251, all on backend 1. */
void fx_web_service(struct fixture *f);

/* A rule that matches everything, to be narrowed by the test. */
struct sluice_rule fx_rule(uint8_t action, uint32_t counter);
void fx_rule_src(struct sluice_rule *r, const char *addr, unsigned int prefix_len);
void fx_rule_dst(struct sluice_rule *r, const char *addr, unsigned int prefix_len);
/* Installs rules as the active rule set (a new inner map in rule_sets[0]). */
/* Rate-limit parameters of the rule with this counter (as apply derives them). */
void fx_limit(struct fixture *f, uint32_t counter, uint64_t interval_ns, uint32_t burst,
	      bool per_source);

void fx_rules(struct fixture *f, const struct sluice_rule *rules, size_t n);
/* The same, with the rule set's answers for these services (as apply computes them). */
void fx_rules_answered(struct fixture *f, const struct sluice_rule *rules, size_t n,
		       const struct filter_service *svcs, size_t n_svcs);
/* A service as fx_rules_answered takes it: VIP, port, protocol and id. */
struct filter_service fx_answer_service(const char *vip, uint16_t port, uint8_t proto,
					uint32_t id);

/* Runs in once; returns the XDP verdict, out gets the packet as it left. */
int fx_run(struct fixture *f, const struct pkt *in, struct pkt *out);

/* A counter summed over every CPU. */
struct sluice_counter fx_counter(int map_fd, uint32_t index);
/* A global counter as readers see it: RX and FILTER_PASS added up (stats.h). */
struct sluice_counter fx_global(struct fixture *f, enum sluice_stat stat);
uint64_t fx_stat(struct fixture *f, enum sluice_stat stat);
size_t fx_flow_count(struct fixture *f);
int fx_map_fd(struct fixture *f, const char *name);
/* The root (abi.h): generation and filter slot packets use. */
uint32_t fx_root(struct fixture *f);
void fx_set_root(struct fixture *f, uint32_t root);

/*
 * out left for backend `id`: both MACs rewritten as l2dsr says (to the backend's,
 * from OUR_MAC), nothing else.
 */
void assert_forwarded(const struct pkt *in, const struct pkt *out, uint32_t id);
void assert_unchanged(const struct pkt *in, const struct pkt *out);
/* The backend id a forwarded packet went to, read from its destination MAC. */
uint32_t backend_of(const struct pkt *out);

#endif /* SLUICE_TESTS_FIXTURE_H */
