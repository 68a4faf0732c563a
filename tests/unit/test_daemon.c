// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What the daemon decides without a kernel: the HTTP status a health check reads,
 * and the running config when health or neighbours take backends out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "daemon/http_status.h"
#include "plan/effective.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_status_read),
		cmocka_unit_test(test_http_status_partial),
		cmocka_unit_test(test_http_status_not_http),
		cmocka_unit_test(test_effective_fates),
		cmocka_unit_test(test_effective_everything_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
