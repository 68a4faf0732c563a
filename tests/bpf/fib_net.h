/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ipip's packet tests need a FIB that answers bpf_fib_lookup: a network namespace
 * of our own with two veth ports, addresses, routes and permanent neighbours. Each
 * test runs inside it (the process enters it) with a fresh sluice program, and
 * packets come in through port A.
 *
 *   port A (FIB_PORT_A): 10.11.1.1/24, 2001:db8:11:1::1/64
 *     neighbours 10.11.1.20, 2001:db8:11:1::20 (FIB_MAC_A20)
 *     10.11.3.0/24 and 2001:db8:11:3::/64 via those, route MTU FIB_ROUTE_MTU (locked:
 *     the FIB's MTU check heeds a route's MTU only then, else the device's)
 *   port B (FIB_PORT_B): 10.11.2.1/24, 2001:db8:11:2::1/64
 *     neighbours 10.11.2.20, 2001:db8:11:2::20 (FIB_MAC_B20); .30 / ::30 unresolved
 *   blackholes 10.11.9.0/24, 2001:db8:11:9::/64; nothing else is routed
 */
#ifndef SLUICE_TESTS_FIB_NET_H
#define SLUICE_TESTS_FIB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/bpf/fixture.h"
#include "xdp/abi.h"

#define FIB_NS		"d1-fib"
#define FIB_PORT_A	"d1-a0"
#define FIB_PORT_B	"d1-b0"
#define FIB_MAC_PORT_A	{ 0x02, 0xd1, 0x00, 0x00, 0x00, 0xa0 }
#define FIB_MAC_PORT_B	{ 0x02, 0xd1, 0x00, 0x00, 0x00, 0xb0 }
#define FIB_MAC_A20	{ 0x02, 0xd1, 0x00, 0x00, 0x01, 0x20 }
#define FIB_MAC_B20	{ 0x02, 0xd1, 0x00, 0x00, 0x02, 0x20 }
#define FIB_ROUTE_MTU	1400

#define BE4_A		"10.11.1.20"		/* out port A: XDP_TX */
#define BE6_A		"2001:db8:11:1::20"
#define BE4_B		"10.11.2.20"		/* out port B: redirect */
#define BE6_B		"2001:db8:11:2::20"
#define BE4_NO_NEIGH	"10.11.2.30"
#define BE6_NO_NEIGH	"2001:db8:11:2::30"
#define BE4_FAR		"10.11.3.5"		/* behind the MTU 1400 route */
#define BE6_FAR		"2001:db8:11:3::5"
#define BE4_BLACKHOLE	"10.11.9.1"
#define BE6_BLACKHOLE	"2001:db8:11:9::1"
#define BE4_NO_ROUTE	"10.99.0.1"
#define BE6_NO_ROUTE	"2001:db8:99::1"

/* Outer source prefixes of the ipip services. */
#define ENCAP4_PREFIX	"10.11.200.0"		/* /24 */
#define ENCAP6_PREFIX	"2001:db8:11:200::"	/* /96 */

/* A namespace of a test file's own, made once by the commands in setup. */
struct fib_net {
	const char *name;
	const char *port_in;		/* where fib_run's packets come in */
	const char *const *setup;	/* the first one adds the namespace */
	size_t n_setup;
	bool made;
};

/* cmocka setup and teardown: the namespace (made once), entered, and a fixture. */
int fib_setup(void **state);	/* FIB_NS, above */
int fib_net_setup(struct fib_net *net, void **state);
int fib_teardown(void **state);	/* either */

int fib_ifindex(const char *ifname);

/*
 * Runs in as received on the namespace's port_in (FIB_NS: port A); returns the
 * verdict, out the packet as it left.
 */
int fib_run(struct fixture *f, const struct pkt *in, struct pkt *out);

/*
 * A TCP ipip service, id 1, with the outer source prefixes that flags name
 * (ENCAP4_PREFIX/24, ENCAP6_PREFIX/96); its table (slot 0) all on backend_id.
 */
void fib_ipip_service(struct fixture *f, const char *vip, uint16_t port, uint32_t backend_id,
		      uint8_t flags);
/*
 * A live backend at addr, family from addr, generation 1; bumps the next-hop
 * generation, as the apply that writes a backend does.
 */
void fib_backend(struct fixture *f, uint32_t id, const char *addr);
/* settings.nexthop_gen + 1: every CPU's cached next hops are stale. */
void fib_nexthop_bump(struct fixture *f);
/* Lets ipip leave by ifname (tx_ports). */
void fib_tx_port(struct fixture *f, const char *ifname);

/* Internet checksum of len bytes plus sum: 0 when they hold a right checksum. */
uint16_t csum_check(const uint8_t *p, size_t len, uint32_t sum);
/* The IPv6 pseudo-header's sum for an upper-layer packet of len bytes. */
uint32_t csum_pseudo6(const uint8_t *ip6, size_t len, uint8_t nexthdr);

/* addr (text) as the 4 or 16 bytes of the wire. */
void addr_bytes(const char *addr, uint8_t *out);

#endif /* SLUICE_TESTS_FIB_NET_H */
