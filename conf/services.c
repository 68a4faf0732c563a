// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "conf/addr.h"
#include "conf/sections.h"
#include "conf/values.h"
#include "lb/maglev.h"
#include "xdp/abi.h"

/* Backend ids 1..SLUICE_MAX_BACKENDS-1 are shared by every service; 0 means none. */
#define BACKENDS_MAX	(SLUICE_MAX_BACKENDS - 1)

/* So a service that leaves table_size out always has room for its backends. */
_Static_assert(SLUICE_TABLE_SIZE_DEFAULT >= BACKENDS_MAX, "default table fits any service");

enum {
	SVC_NAME,
	SVC_VIP,
	SVC_PORT,
	SVC_PROTO,
	SVC_FORWARD,
	SVC_TABLE_SIZE,
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
	[SVC_TABLE_SIZE] = "table_size",
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

/* Indexed like enum conf_forward, less one. */
static const char *const forward_words[] = { "l2dsr" };

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
	if (b->addr.family != svc->vip.family)
		return conf_fail(doc, v[BE_ADDR],
				 "backend %s is %s but the VIP of service '%s' is %s",
				 conf_addr_str(&b->addr, shown), conf_family_name(b->addr.family),
				 svc->name, conf_family_name(svc->vip.family));
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
	for (size_t i = 0; i < n; i++) {
		if (parse_backend(doc, conf_sequence_item(doc, node, i), svc, &svc->backends[i]))
			return -1;
		svc->n_backends = i + 1;
	}
	*total += n;
	return 0;
}

static int parse_table_size(struct conf_doc *doc, const yaml_node_t *node,
			    struct conf_service *svc)
{
	uint32_t below, above;

	if (conf_uint(doc, node, "table_size", SLUICE_TABLE_SIZE_MIN, SLUICE_TABLE_SIZE_MAX,
		      &svc->table_size))
		return -1;
	if (!maglev_is_prime(svc->table_size)) {
		/* Both ends of the range are primes, so both searches stop inside it. */
		for (below = svc->table_size; !maglev_is_prime(below); below--)
			;
		for (above = svc->table_size; !maglev_is_prime(above); above++)
			;
		return conf_fail(doc, node,
				 "table_size %u is not a prime; the nearest primes are %u and %u",
				 svc->table_size, below, above);
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
	unsigned int proto, forward = 0;

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
	if (v[SVC_FORWARD] && conf_keyword(doc, v[SVC_FORWARD], "forward", forward_words,
					   CONF_ARRAY_LEN(forward_words), &forward))
		return -1;
	svc->forward = (enum conf_forward)(forward + 1);
	svc->table_size = SLUICE_TABLE_SIZE_DEFAULT;
	if (v[SVC_TABLE_SIZE] && parse_table_size(doc, v[SVC_TABLE_SIZE], svc))
		return -1;
	if (parse_backends(doc, node, v[SVC_BACKENDS], total, svc))
		return -1;
	/* Without table_size the default fits any service (asserted above). */
	if (v[SVC_TABLE_SIZE] && svc->n_backends > svc->table_size)
		return conf_fail(doc, v[SVC_TABLE_SIZE],
				 "table_size %u is smaller than the %zu backends of service '%s'; Maglev needs a slot per backend",
				 svc->table_size, svc->n_backends, svc->name);
	return 0;
}

int conf_parse_services(struct conf_doc *doc, const yaml_node_t *node, struct conf *cfg)
{
	size_t n, total = 0;

	if (!node || conf_is_null(node))
		return 0;
	if (conf_expect_sequence(doc, node, "'services'"))
		return -1;
	n = conf_sequence_len(node);
	if (n > SLUICE_MAX_SERVICES)
		return conf_fail(doc, conf_sequence_item(doc, node, SLUICE_MAX_SERVICES),
				 "too many services: sluice holds at most %d", SLUICE_MAX_SERVICES);
	if (n == 0)
		return 0;
	cfg->services = calloc(n, sizeof(*cfg->services));
	if (!cfg->services)
		return conf_fail(doc, node, "out of memory for %zu services", n);
	/* Counted before parsing each service, so conf_free releases its backends too. */
	for (size_t i = 0; i < n; i++) {
		cfg->n_services = i + 1;
		if (parse_service(doc, conf_sequence_item(doc, node, i), cfg->services, i, &total,
				  &cfg->services[i]))
			return -1;
	}
	return 0;
}
