// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "conf/addr.h"
#include "conf/duration.h"
#include "conf/forward.h"
#include "conf/sections.h"
#include "conf/values.h"
#include "lb/maglev.h"
#include "xdp/abi.h"

/* Backends of every service together; each takes one id of SLUICE_MAX_BACKENDS. */
#define BACKENDS_MAX	SLUICE_CONF_BACKENDS

/*
 * Maglev gives each backend its share of slots to within one slot: with fewer than
 * this many slots per backend, that one slot is more than a tenth of a share.
 */
#define SLOTS_PER_BACKEND	10

/* So a service with any number of backends has a valid table_size (the largest is a prime). */
_Static_assert((uint64_t)SLOTS_PER_BACKEND * BACKENDS_MAX <= SLUICE_TABLE_SIZE_MAX,
	       "a table fits any service");

enum {
	SVC_NAME,
	SVC_VIP,
	SVC_PORT,
	SVC_PROTO,
	SVC_FORWARD,
	SVC_ENCAP_SOURCE,
	SVC_TABLE_SIZE,
	SVC_DRAIN_TIMEOUT,
	SVC_HEALTH,
	SVC_BACKENDS,
	SVC_NKEYS,
};

_Static_assert(SVC_NKEYS <= CONF_FIELDS_MAX, "service keys fit the mapping reader");

static const char *const service_keys[SVC_NKEYS] = {
	[SVC_NAME] = "name",
	[SVC_VIP] = "vip",
	[SVC_PORT] = "port",
	[SVC_PROTO] = "proto",
	[SVC_FORWARD] = "forward",
	[SVC_ENCAP_SOURCE] = "encap_source",
	[SVC_TABLE_SIZE] = "table_size",
	[SVC_DRAIN_TIMEOUT] = "drain_timeout",
	[SVC_HEALTH] = "health",
	[SVC_BACKENDS] = "backends",
};

enum {
	BE_ADDR,
	BE_WEIGHT,
	BE_STATE,
	BE_NKEYS,
};

_Static_assert(BE_NKEYS <= CONF_FIELDS_MAX, "backend keys fit the mapping reader");

static const char *const backend_keys[BE_NKEYS] = {
	[BE_ADDR] = "addr",
	[BE_WEIGHT] = "weight",
	[BE_STATE] = "state",
};

static const char *const proto_words[] = { "tcp", "udp" };
static const uint8_t proto_numbers[] = { IPPROTO_TCP, IPPROTO_UDP };

/* Indexed like enum conf_backend_state. */
static const char *const state_words[] = { "active", "draining" };

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP ? "tcp" : "udp";
}

static int parse_backend(struct conf_doc *doc, const yaml_node_t *node,
			 const struct conf_service *svc, struct conf_backend *b)
{
	yaml_node_t *v[BE_NKEYS];
	char shown[CONF_ADDR_STR_LEN];
	unsigned int state = CONF_BACKEND_ACTIVE;

	if (conf_expect_mapping(doc, node, "a backend") ||
	    conf_mapping_fields(doc, node, "in a backend", backend_keys, BE_NKEYS, v))
		return -1;
	b->pos = conf_node_pos(node);
	if (!v[BE_ADDR])
		return conf_fail(doc, node,
				 "backend of service '%s' is missing required key 'addr'",
				 svc->name);
	if (conf_node_unicast(doc, v[BE_ADDR], "addr", &b->addr))
		return -1;
	if (conf_check_backend_path(doc, v[BE_ADDR], svc, &b->addr))
		return -1;
	if (conf_addr_equal(&b->addr, &svc->vip))
		return conf_fail(doc, v[BE_ADDR], "backend %s is the VIP of service '%s' itself",
				 conf_addr_str(&b->addr, shown), svc->name);
	for (size_t i = 0; i < svc->n_backends; i++)
		if (conf_addr_equal(&svc->backends[i].addr, &b->addr))
			return conf_fail(doc, v[BE_ADDR],
					 "backend %s is listed twice in service '%s' (first at %u:%u)",
					 conf_addr_str(&b->addr, shown), svc->name,
					 svc->backends[i].pos.line, svc->backends[i].pos.col);
	b->weight = CONF_WEIGHT_DEFAULT;
	if (v[BE_WEIGHT] && conf_uint(doc, v[BE_WEIGHT], "weight", CONF_WEIGHT_MIN,
				      CONF_WEIGHT_MAX, &b->weight))
		return -1;
	if (v[BE_STATE] &&
	    conf_keyword(doc, v[BE_STATE], "state", state_words, CONF_ARRAY_LEN(state_words),
			 &state))
		return -1;
	b->state = (enum conf_backend_state)state;
	return 0;
}

static int parse_backends(struct conf_doc *doc, const yaml_node_t *svc_node,
			  const yaml_node_t *node, size_t *total, struct conf_service *svc)
{
	size_t n;
	int bad = 0;

	if (!node)
		return conf_fail(doc, svc_node, "service '%s' is missing required key 'backends'",
				 svc->name);
	if (!conf_is_null(node) && conf_expect_sequence(doc, node, "'backends'"))
		return -1;
	n = conf_is_null(node) ? 0 : conf_sequence_len(node);
	if (n == 0)
		return conf_fail(doc, node, "service '%s' has no backends", svc->name);
	if (*total + n > BACKENDS_MAX)
		return conf_fail(doc, conf_sequence_item(doc, node, BACKENDS_MAX - *total),
				 "too many backends: sluice holds at most %d across all services",
				 BACKENDS_MAX);
	svc->backends = calloc(n, sizeof(*svc->backends));
	if (!svc->backends)
		return conf_fail(doc, node, "out of memory for %zu backends", n);
	/* Every backend is checked; one that is wrong is not compared with the next. */
	for (size_t i = 0; i < n; i++) {
		if (parse_backend(doc, conf_sequence_item(doc, node, i), svc,
				  &svc->backends[svc->n_backends])) {
			memset(&svc->backends[svc->n_backends], 0, sizeof(svc->backends[0]));
			bad = -1;
			continue;
		}
		svc->n_backends++;
	}
	*total += n;
	return bad;
}

/* The smallest prime at or above n, for n up to SLUICE_TABLE_SIZE_MAX (a prime). */
static uint32_t prime_at_least(uint32_t n)
{
	while (!maglev_is_prime(n))
		n++;
	return n;
}

static int parse_table_size(struct conf_doc *doc, const yaml_node_t *node,
			    struct conf_service *svc)
{
	uint32_t below;

	if (conf_uint(doc, node, "table_size", SLUICE_TABLE_SIZE_MIN, SLUICE_TABLE_SIZE_MAX,
		      &svc->table_size))
		return -1;
	if (!maglev_is_prime(svc->table_size)) {
		/* Both ends of the range are primes, so both searches stop inside it. */
		for (below = svc->table_size; !maglev_is_prime(below); below--)
			;
		return conf_fail(doc, node,
				 "table_size %u is not a prime; the nearest primes are %u and %u",
				 svc->table_size, below, prime_at_least(svc->table_size));
	}
	return 0;
}

/*
 * Same address, protocol and port is a clash. A port-0 service and one with a
 * specific port on the same address and protocol are not: the specific port wins
 * and the port-0 service takes every other port.
 */
static int check_vip_unique(struct conf_doc *doc, const yaml_node_t *vip_node,
			    const struct conf_service *earlier, size_t n_earlier,
			    const struct conf_service *svc)
{
	char shown[CONF_ADDR_STR_LEN];

	for (size_t i = 0; i < n_earlier; i++) {
		const struct conf_service *o = &earlier[i];

		if (!conf_addr_equal(&o->vip, &svc->vip) || o->proto != svc->proto ||
		    o->port != svc->port)
			continue;
		if (svc->port)
			return conf_fail(doc, vip_node,
					 "service '%s' uses the same VIP as service '%s' (%s port %u %s)",
					 svc->name, o->name, conf_addr_str(&svc->vip, shown),
					 svc->port, proto_name(svc->proto));
		return conf_fail(doc, vip_node,
				 "service '%s' uses the same VIP as service '%s' (%s every port %s)",
				 svc->name, o->name, conf_addr_str(&svc->vip, shown),
				 proto_name(svc->proto));
	}
	return 0;
}

/*
 * Room for SLOTS_PER_BACKEND slots per backend, draining ones included: they come
 * back without a table resize. table_node is NULL when table_size is the default;
 * the backends are then what is reported.
 */
static int check_table_holds(struct conf_doc *doc, const yaml_node_t *table_node,
			     const yaml_node_t *backends_node, const struct conf_service *svc)
{
	uint32_t need = (uint32_t)(SLOTS_PER_BACKEND * svc->n_backends);
	uint32_t smallest;

	if (svc->table_size >= need)
		return 0;
	smallest = prime_at_least(need);
	if (table_node)
		return conf_fail(doc, table_node,
				 "table_size %u is below %d x the %zu backends of service '%s': Maglev spreads flows evenly only with at least %d slots per backend; the smallest valid table_size is %u",
				 svc->table_size, SLOTS_PER_BACKEND, svc->n_backends, svc->name,
				 SLOTS_PER_BACKEND, smallest);
	return conf_fail(doc, backends_node,
			 "service '%s' has %zu backends, too many for the default table_size %u: Maglev spreads flows evenly only with at least %d slots per backend; set table_size to at least %u",
			 svc->name, svc->n_backends, svc->table_size, SLOTS_PER_BACKEND, smallest);
}

static int parse_service_name(struct conf_doc *doc, const yaml_node_t *node,
			      const struct conf_service *earlier, size_t n_earlier,
			      struct conf_service *svc)
{
	if (conf_name(doc, node, svc->name))
		return -1;
	for (size_t i = 0; i < n_earlier; i++)
		if (strcmp(earlier[i].name, svc->name) == 0)
			return conf_fail(doc, node,
					 "service name '%s' is already used by the service at %u:%u",
					 svc->name, earlier[i].pos.line, earlier[i].pos.col);
	return 0;
}

static int require(struct conf_doc *doc, const yaml_node_t *node, yaml_node_t *const *v,
		   int key, const struct conf_service *svc)
{
	if (v[key])
		return 0;
	if (svc->name[0])
		return conf_fail(doc, node, "service '%s' is missing required key '%s'",
				 svc->name, service_keys[key]);
	return conf_fail(doc, node, "service is missing required key '%s'", service_keys[key]);
}

static int parse_service(struct conf_doc *doc, const yaml_node_t *node,
			 const struct conf_service *earlier, size_t n_earlier, size_t *total,
			 struct conf_service *svc)
{
	yaml_node_t *v[SVC_NKEYS];
	uint32_t port = 0;
	unsigned int proto;

	if (conf_expect_mapping(doc, node, "a service") ||
	    conf_mapping_fields(doc, node, "in a service", service_keys, SVC_NKEYS, v))
		return -1;
	svc->pos = conf_node_pos(node);
	if (require(doc, node, v, SVC_NAME, svc) ||
	    parse_service_name(doc, v[SVC_NAME], earlier, n_earlier, svc) ||
	    require(doc, node, v, SVC_VIP, svc) ||
	    conf_node_unicast(doc, v[SVC_VIP], "vip", &svc->vip) ||
	    (v[SVC_PORT] && conf_uint(doc, v[SVC_PORT], "port", 0, UINT16_MAX, &port)) ||
	    require(doc, node, v, SVC_PROTO, svc) ||
	    conf_keyword(doc, v[SVC_PROTO], "proto", proto_words, CONF_ARRAY_LEN(proto_words),
			 &proto))
		return -1;
	svc->port = (uint16_t)port;
	svc->proto = proto_numbers[proto];
	if (check_vip_unique(doc, v[SVC_VIP], earlier, n_earlier, svc))
		return -1;
	if (conf_parse_forward(doc, v[SVC_FORWARD], v[SVC_ENCAP_SOURCE], svc))
		return -1;
	svc->table_size = SLUICE_TABLE_SIZE_DEFAULT;
	if (v[SVC_TABLE_SIZE] && parse_table_size(doc, v[SVC_TABLE_SIZE], svc))
		return -1;
	if (v[SVC_DRAIN_TIMEOUT] &&
	    conf_duration(doc, v[SVC_DRAIN_TIMEOUT], "drain_timeout", &svc->drain_timeout_s))
		return -1;
	if (v[SVC_HEALTH] && conf_parse_health(doc, v[SVC_HEALTH], svc->name, &svc->health))
		return -1;
	if (parse_backends(doc, node, v[SVC_BACKENDS], total, svc))
		return -1;
	return check_table_holds(doc, v[SVC_TABLE_SIZE], v[SVC_BACKENDS], svc);
}

int conf_parse_services(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg)
{
	size_t n, had = cfg->n_services, total = conf_backend_count(cfg);
	struct conf_service *more;
	int bad = 0;

	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_sequence(doc, node, "'services'"))
		return -1;
	n = conf_sequence_len(node);
	if (had + n > SLUICE_CONF_SERVICES)
		return conf_fail(doc, conf_sequence_item(doc, node, SLUICE_CONF_SERVICES - had),
				 "too many services: sluice holds at most %d", SLUICE_CONF_SERVICES);
	if (n == 0)
		return 0;
	/* Included files add theirs to the services read so far. */
	more = realloc(cfg->services, (had + n) * sizeof(*cfg->services));
	if (!more)
		return conf_fail(doc, node, "out of memory for %zu services", had + n);
	memset(more + had, 0, n * sizeof(*more));
	cfg->services = more;
	/*
	 * Counted before parsing each service, so conf_free releases its backends too.
	 * A service's mistake does not stop the next service from being checked.
	 */
	for (size_t i = 0; i < n; i++) {
		cfg->n_services = had + i + 1;
		if (parse_service(doc, conf_sequence_item(doc, node, i), cfg->services, had + i,
				  &total, &cfg->services[had + i]))
			bad = -1;
	}
	return bad;
}
