// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What the daemon decides without a kernel: the HTTP status a health check reads,
 * and the running config when health or neighbours take backends out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "daemon/fates.h"
#include "daemon/http_status.h"
#include "plan/effective.h"
#include "plan/plan.h"

static int status_of(const char *s)
{
	return http_status(s, strlen(s));
}

static void test_http_status_read(void **state)
{
	(void)state;
	assert_int_equal(status_of("HTTP/1.1 200 OK\r\n"), 200);
	assert_int_equal(status_of("HTTP/1.0 503 Service Unavailable\r\n"), 503);
	assert_int_equal(status_of("HTTP/1.1 204\r\n"), 204);
	assert_int_equal(status_of("HTTP/1.1 404"), 404);
	assert_int_equal(status_of("HTTP/1.1 301 Moved\r\nLocation: /x\r\n\r\n"), 301);
}

static void test_http_status_partial(void **state)
{
	static const char line[] = "HTTP/1.1 200 OK\r\n";

	(void)state;
	/* Until the three digits are in, read more; never a verdict on half a line. */
	for (size_t len = 0; len < 12; len++)
		assert_int_equal(http_status(line, len), 0);
	assert_int_equal(http_status(line, 12), 200);
}

static void test_http_status_not_http(void **state)
{
	(void)state;
	assert_int_equal(status_of("SSH-2.0-OpenSSH_9.2\r\n"), -1);
	assert_int_equal(status_of("HTTP/2 200\r\n"), -1);
	assert_int_equal(status_of("HTTP/1.1 20x OK\r\n"), -1);
	assert_int_equal(status_of("HTTP/1.1  200 OK\r\n"), -1);
	assert_int_equal(status_of("HTTP/1.1 2000 OK\r\n"), -1);
	assert_int_equal(status_of("HTTP/1.1 099 OK\r\n"), -1);
	assert_int_equal(status_of("http/1.1 200 OK\r\n"), -1);
	assert_int_equal(status_of("HTTP/1.1 200OK\r\n"), -1);
	assert_int_equal(status_of("hello"), -1);
}

/* Two services of 3 and 2 backends, and the view a fate per backend makes of them. */
struct fixture {
	struct conf_backend be[5];
	struct conf_service svc[2];
	struct conf cfg, view;
	struct backend_path paths[5], view_paths[5];
};

/* web's three backends, health-checked, moving their flows when down. */
struct fates {
	struct conf_backend be[3];
	struct conf_service svc;
	struct conf cfg;
	struct health_backend hb[3];
	struct health h;
	enum backend_fate fate[3];
	uint64_t now;	/* usec */
};

static void fates_setup(struct fates *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->svc.name, "web");
	f->svc.backends = f->be;
	f->svc.n_backends = 3;
	f->svc.health.check = CONF_CHECK_TCP;
	f->cfg.services = &f->svc;
	f->cfg.n_services = 1;
	f->h.backends = f->hb;
	f->h.n = 3;
	f->svc.health.rise = 2;
	f->svc.health.interval_s = 1;
	f->hb[0].spec = f->hb[1].spec = f->hb[2].spec = f->svc.health;
	f->now = 1000000;
}

static void fates_with(struct fates *f, bool down0, bool down1, bool down2)
{
	f->hb[0].down = down0;
	f->hb[1].down = down1;
	f->hb[2].down = down2;
	health_fates(&f->cfg, &f->h, f->now, f->fate);
}

static void test_fates_one_down_moves(void **state)
{
	struct fates f;

	(void)state;
	fates_setup(&f);
	fates_with(&f, false, true, false);
	assert_int_equal(f.fate[0], BACKEND_AS_CONFIGURED);
	assert_int_equal(f.fate[1], BACKEND_LEFT_OUT);
	assert_int_equal(f.fate[2], BACKEND_AS_CONFIGURED);
	/* With established: keep it drains instead. */
	f.svc.health.keep_established = true;
	fates_with(&f, false, true, false);
	assert_int_equal(f.fate[1], BACKEND_DRAINED);
}

static void test_fates_back_from_all_down(void **state)
{
	struct fates f;

	(void)state;
	fates_setup(&f);
	/* Every check fails: all keep taking flows. */
	fates_with(&f, true, true, true);
	for (int k = 0; k < 3; k++)
		assert_int_equal(f.fate[k], BACKEND_AS_CONFIGURED);
	assert_false(health_grace_ended(&f.h, f.now));
	/*
	 * One passes its rise checks first: for (rise + 1) intervals the two still
	 * down stay in the table, as on nodes whose checks never failed.
	 */
	fates_with(&f, false, true, true);
	for (int k = 0; k < 3; k++)
		assert_int_equal(f.fate[k], BACKEND_AS_CONFIGURED);
	f.now += 2999999;
	assert_false(health_grace_ended(&f.h, f.now));
	/* One passes in time: it is simply up. */
	fates_with(&f, false, false, true);
	assert_int_equal(f.fate[1], BACKEND_AS_CONFIGURED);
	assert_int_equal(f.fate[2], BACKEND_AS_CONFIGURED);
	/* The other does not: its grace ends, it drains (its flows were served). */
	f.now += 1;
	assert_true(health_grace_ended(&f.h, f.now));
	fates_with(&f, false, false, true);
	assert_int_equal(f.fate[2], BACKEND_DRAINED);
	assert_false(health_grace_ended(&f.h, f.now));
	/* Once up again, a later failure of its own moves its flows as configured. */
	fates_with(&f, false, false, false);
	fates_with(&f, false, false, true);
	assert_int_equal(f.fate[2], BACKEND_LEFT_OUT);
}

/* Backend k has address 10.0.0.(k+1) and its path ifindex k+1. */
static void view_of(struct fixture *f, const enum backend_fate fate[5])
{
	memset(f, 0, sizeof(*f));
	for (int k = 0; k < 5; k++) {
		f->be[k].addr.family = AF_INET;
		f->be[k].addr.bytes[0] = 10;
		f->be[k].addr.bytes[3] = (uint8_t)(k + 1);
		f->be[k].weight = 100;
		memset(f->paths[k].mac, k + 1, 6);
		f->paths[k].ifindex = k + 1;
	}
	strcpy(f->svc[0].name, "web");
	f->svc[0].backends = f->be;
	f->svc[0].n_backends = 3;
	strcpy(f->svc[1].name, "db");
	f->svc[1].backends = f->be + 3;
	f->svc[1].n_backends = 2;
	f->cfg.services = f->svc;
	f->cfg.n_services = 2;
	assert_int_equal(effective_config(&f->cfg, f->paths, fate, &f->view, f->view_paths), 0);
}

static void test_effective_fates(void **state)
{
	const enum backend_fate fate[5] = {
		BACKEND_AS_CONFIGURED, BACKEND_LEFT_OUT, BACKEND_DRAINED,
		BACKEND_LEFT_OUT, BACKEND_AS_CONFIGURED,
	};
	struct fixture f;

	(void)state;
	view_of(&f, fate);
	assert_int_equal(f.view.n_services, 2);
	/* web: the first as it is, the second gone, the third draining. */
	assert_int_equal(f.view.services[0].n_backends, 2);
	assert_int_equal(f.view.services[0].backends[0].addr.bytes[3], 1);
	assert_int_equal(f.view.services[0].backends[0].state, CONF_BACKEND_ACTIVE);
	assert_int_equal(f.view.services[0].backends[1].addr.bytes[3], 3);
	assert_int_equal(f.view.services[0].backends[1].state, CONF_BACKEND_DRAINING);
	/* db: only its second. Paths follow the backends they belong to. */
	assert_int_equal(f.view.services[1].n_backends, 1);
	assert_int_equal(f.view.services[1].backends[0].addr.bytes[3], 5);
	assert_int_equal(f.view_paths[0].ifindex, 1);
	assert_int_equal(f.view_paths[1].ifindex, 3);
	assert_int_equal(f.view_paths[2].ifindex, 5);
	/* The file's config is left as it was. */
	assert_int_equal(f.cfg.services[0].n_backends, 3);
	assert_int_equal(f.be[2].state, CONF_BACKEND_ACTIVE);
	effective_free(&f.view);
}

static void test_effective_everything_out(void **state)
{
	const enum backend_fate fate[5] = {
		BACKEND_LEFT_OUT, BACKEND_LEFT_OUT, BACKEND_LEFT_OUT,
		BACKEND_AS_CONFIGURED, BACKEND_AS_CONFIGURED,
	};
	struct fixture f;

	(void)state;
	view_of(&f, fate);
	/* The service stays (its VIP, its counters); it has no backend to send to. */
	assert_int_equal(f.view.n_services, 2);
	assert_string_equal(f.view.services[0].name, "web");
	assert_int_equal(f.view.services[0].n_backends, 0);
	assert_int_equal(f.view.services[1].n_backends, 2);
	assert_int_equal(f.view_paths[0].ifindex, 4);
	effective_free(&f.view);
}

/*
 * A reload under the daemon does not wait for neighbours: of those not resolved
 * now, the backends the data plane forwards to already keep their MAC and stay;
 * only the others wait. Matched by service (VIP, port, protocol) and address.
 */
static void test_keep_forwarding(void **state)
{
	static const enum backend_fate none[5];
	struct live_state *live = calloc(1, sizeof(*live));
	struct neigh_wait waiting[5];
	struct fixture f;
	__u32 id;

	(void)state;
	assert_non_null(live);
	view_of(&f, none);
	effective_free(&f.view);
	f.svc[0].vip.family = AF_INET;
	f.svc[0].vip.bytes[0] = 192;
	f.svc[0].port = 80;
	f.svc[0].proto = 6;
	f.svc[1] = f.svc[0];
	f.svc[1].port = 5432;
	strcpy(f.svc[1].name, "db");
	f.svc[1].backends = f.be + 3;
	f.svc[1].n_backends = 2;
	live->n_services = 1;
	plan_vip_key(&f.svc[0], &live->services[0].key);
	live->services[0].val.id = 7;
	/* web's second backend (10.0.0.2) forwards; 10.0.0.3 once did, no longer. */
	for (id = 3; id <= 4; id++) {
		live->backends[id].family = SLUICE_AF_INET;
		memcpy(live->backends[id].addr, f.be[id - 2].addr.bytes, 16);
		live->backends[id].service_id = 7;
		memset(live->backends[id].mac, 0xa0 + (int)id, 6);
	}
	live->backends[3].flags = SLUICE_BACKEND_F_LIVE;
	/* db's first backend has web's second address: another service, it waits. */
	f.be[3].addr = f.be[1].addr;
	memset(waiting, 0, sizeof(waiting));
	for (int k = 1; k < 5; k++)
		waiting[k].waiting = true;
	memset(f.paths, 0, sizeof(f.paths));
	effective_keep_forwarding(live, &f.cfg, f.paths, waiting);
	assert_false(waiting[0].waiting);
	assert_false(waiting[1].waiting);
	assert_int_equal(f.paths[1].mac[0], 0xa3);
	assert_int_equal(f.paths[1].mac[5], 0xa3);
	assert_true(waiting[2].waiting);
	assert_int_equal(f.paths[2].mac[0], 0);
	assert_true(waiting[3].waiting);
	assert_true(waiting[4].waiting);
	free(live);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_status_read),
		cmocka_unit_test(test_http_status_partial),
		cmocka_unit_test(test_http_status_not_http),
		cmocka_unit_test(test_fates_one_down_moves),
		cmocka_unit_test(test_fates_back_from_all_down),
		cmocka_unit_test(test_effective_fates),
		cmocka_unit_test(test_effective_everything_out),
		cmocka_unit_test(test_keep_forwarding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
