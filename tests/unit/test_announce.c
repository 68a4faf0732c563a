// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Which VIPs a node announces, without a kernel: given its config, its backends'
 * health and neighbours, and whether it is stopping; and which routes found in its
 * table go (withdrawn) or stay.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "conf/addr.h"
#include "daemon/announce_decide.h"

static struct conf_addr addr_of(const char *text)
{
	struct conf_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, text, a.bytes), 1);
	return a;
}

static struct conf_cidr route_to(const char *text, uint8_t len)
{
	struct conf_cidr c = { .addr = addr_of(text), .prefix_len = len };

	return c;
}

/*
 * A node's config: web (192.0.2.10 tcp/80) and dns (192.0.2.10 udp/53) share a
 * VIP, api (192.0.2.11) and web6 (2001:db8::10) have one each; two backends a
 * service, all up, active and resolved.
 */
#define N_SVC	4
#define N_BE	(2 * N_SVC)

struct node {
	struct conf_backend be[N_BE];
	struct conf_service svc[N_SVC];
	struct conf cfg;
	struct health_backend hb[N_BE];
	struct health h;
	struct neigh_wait waiting[N_BE];
	size_t n;
	struct announce_vip *vips;
};

static void node_setup(struct node *nd)
{
	static const char *const names[N_SVC] = { "web", "dns", "api", "web6" };
	static const char *const vips[N_SVC] = {
		"192.0.2.10", "192.0.2.10", "192.0.2.11", "2001:db8::10",
	};

	memset(nd, 0, sizeof(*nd));
	for (int i = 0; i < N_SVC; i++) {
		strcpy(nd->svc[i].name, names[i]);
		nd->svc[i].vip = addr_of(vips[i]);
		nd->svc[i].backends = nd->be + 2 * i;
		nd->svc[i].n_backends = 2;
	}
	nd->cfg.services = nd->svc;
	nd->cfg.n_services = N_SVC;
	nd->h.backends = nd->hb;
	nd->h.n = N_BE;
}

static void decide(struct node *nd, bool stopping)
{
	free(nd->vips);
	nd->vips = announce_decide(&nd->cfg, &nd->h, nd->waiting, stopping, &nd->n);
	assert_non_null(nd->vips);
}

/* The decision for vip: "" when it should be announced, else why not. */
static const char *why(const struct node *nd, const char *vip)
{
	struct conf_addr a = addr_of(vip);

	for (size_t i = 0; i < nd->n; i++)
		if (conf_addr_equal(&nd->vips[i].vip, &a))
			return nd->vips[i].why;
	fail_msg("VIP %s is not in the decision", vip);
	return NULL;
}

static void test_all_up(void **state)
{
	struct node nd;

	(void)state;
	node_setup(&nd);
	decide(&nd, false);
	/* Each VIP once, in file order, and none announced before a route is there. */
	assert_int_equal(nd.n, 3);
	assert_true(conf_addr_equal(&nd.vips[0].vip, &nd.svc[0].vip));
	assert_true(conf_addr_equal(&nd.vips[1].vip, &nd.svc[2].vip));
	assert_true(conf_addr_equal(&nd.vips[2].vip, &nd.svc[3].vip));
	for (size_t i = 0; i < nd.n; i++) {
		assert_string_equal(nd.vips[i].why, "");
		assert_false(nd.vips[i].announced);
	}
	free(nd.vips);
}

static void test_all_down_withdraws_that_vip(void **state)
{
	struct node nd;

	(void)state;
	node_setup(&nd);
	/* api's backends both fail their checks: api alone goes. */
	nd.hb[4].down = nd.hb[5].down = true;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.11"),
			    "no backend takes new flows: api: 2 down, 0 draining, 0 unresolved");
	assert_string_equal(why(&nd, "192.0.2.10"), "");
	assert_string_equal(why(&nd, "2001:db8::10"), "");
	/* One of them back: api is announced again. */
	nd.hb[5].down = false;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.11"), "");
	free(nd.vips);
}

static void test_shared_vip_needs_one_service(void **state)
{
	struct node nd;

	(void)state;
	node_setup(&nd);
	/* web is all down, dns on the same VIP still serves: the VIP stays. */
	nd.hb[0].down = nd.hb[1].down = true;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.10"), "");
	/* dns too: it goes, and says why for each of its services. */
	nd.hb[2].down = nd.hb[3].down = true;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.10"), "no backend takes new flows: "
			    "web: 2 down, 0 draining, 0 unresolved; "
			    "dns: 2 down, 0 draining, 0 unresolved");
	free(nd.vips);
}

static void test_draining_and_unresolved_take_no_flows(void **state)
{
	struct node nd;

	(void)state;
	node_setup(&nd);
	/* api: one draining, one whose neighbour is not resolved yet. */
	nd.be[4].state = CONF_BACKEND_DRAINING;
	nd.waiting[5].waiting = true;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.11"),
			    "no backend takes new flows: api: 0 down, 1 draining, 1 unresolved");
	/* Unresolved beats down: a backend never reached is not counted as failing. */
	nd.hb[5].down = true;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.11"),
			    "no backend takes new flows: api: 0 down, 1 draining, 1 unresolved");
	/* Resolved and up: api serves again. */
	nd.waiting[5].waiting = false;
	nd.hb[5].down = false;
	decide(&nd, false);
	assert_string_equal(why(&nd, "192.0.2.11"), "");
	free(nd.vips);
}

static void test_stopping_withdraws_all(void **state)
{
	struct node nd;

	(void)state;
	node_setup(&nd);
	decide(&nd, true);
	assert_int_equal(nd.n, 3);
	for (size_t i = 0; i < nd.n; i++)
		assert_string_equal(nd.vips[i].why, ANNOUNCE_WHY_STOPPING);
	free(nd.vips);
}

static void test_no_services(void **state)
{
	struct node nd;
	struct announce_vip *vips;
	size_t n = 99;

	(void)state;
	node_setup(&nd);
	nd.cfg.n_services = 0;
	vips = announce_decide(&nd.cfg, &nd.h, nd.waiting, false, &n);
	assert_null(vips);
	assert_int_equal(n, 0);
}

static void test_routes_wanted(void **state)
{
	struct node nd;
	struct conf_cidr r;

	(void)state;
	node_setup(&nd);
	nd.hb[4].down = nd.hb[5].down = true;
	decide(&nd, false);
	r = route_to("192.0.2.10", 32);
	assert_true(announce_route_wanted(&r, nd.vips, nd.n));
	r = route_to("2001:db8::10", 128);
	assert_true(announce_route_wanted(&r, nd.vips, nd.n));
	/* api's backends are down: its route goes. */
	r = route_to("192.0.2.11", 32);
	assert_false(announce_route_wanted(&r, nd.vips, nd.n));
	/* A VIP the config does not hold (left from before), and anything but a host
	 * route of sluice's protocol in its table: withdrawn. */
	r = route_to("192.0.2.12", 32);
	assert_false(announce_route_wanted(&r, nd.vips, nd.n));
	r = route_to("192.0.2.0", 24);
	assert_false(announce_route_wanted(&r, nd.vips, nd.n));
	r = route_to("2001:db8::", 64);
	assert_false(announce_route_wanted(&r, nd.vips, nd.n));
	/* The same bytes in the other family are another address. */
	r = route_to("::", 128);
	memcpy(r.addr.bytes, nd.svc[0].vip.bytes, 4);
	assert_false(announce_route_wanted(&r, nd.vips, nd.n));
	/* Stopping: none stays. */
	decide(&nd, true);
	r = route_to("192.0.2.10", 32);
	assert_false(announce_route_wanted(&r, nd.vips, nd.n));
	free(nd.vips);
}

static void test_removed_vip_goes_before_apply(void **state)
{
	struct node nd;
	struct conf_cidr r;

	(void)state;
	node_setup(&nd);
	/* The next config drops api (and web6): their routes go, web's stays. */
	nd.cfg.n_services = 2;
	r = route_to("192.0.2.10", 32);
	assert_true(announce_route_in_config(&r, &nd.cfg));
	r = route_to("192.0.2.11", 32);
	assert_false(announce_route_in_config(&r, &nd.cfg));
	r = route_to("2001:db8::10", 128);
	assert_false(announce_route_in_config(&r, &nd.cfg));
	r = route_to("192.0.2.0", 24);
	assert_false(announce_route_in_config(&r, &nd.cfg));
	/* A config without services withdraws everything. */
	nd.cfg.n_services = 0;
	r = route_to("192.0.2.10", 32);
	assert_false(announce_route_in_config(&r, &nd.cfg));
}

static void test_identity(void **state)
{
	struct conf_announce unset = { 0 };
	struct conf_announce a = { .set = true, .table = 200, .protocol = 201, .drain_s = 5 };
	struct conf_announce b = a;

	(void)state;
	assert_true(announce_same_identity(&unset, &unset));
	assert_false(announce_same_identity(&unset, &a));
	assert_false(announce_same_identity(&a, &unset));
	/* Only the drain changes: the routes held are the same ones. */
	b.drain_s = 60;
	assert_true(announce_same_identity(&a, &b));
	b.table = 201;
	assert_false(announce_same_identity(&a, &b));
	b = a;
	b.protocol = 202;
	assert_false(announce_same_identity(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_up),
		cmocka_unit_test(test_all_down_withdraws_that_vip),
		cmocka_unit_test(test_shared_vip_needs_one_service),
		cmocka_unit_test(test_draining_and_unresolved_take_no_flows),
		cmocka_unit_test(test_stopping_withdraws_all),
		cmocka_unit_test(test_no_services),
		cmocka_unit_test(test_routes_wanted),
		cmocka_unit_test(test_removed_vip_goes_before_apply),
		cmocka_unit_test(test_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
