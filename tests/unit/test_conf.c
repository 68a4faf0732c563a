// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The config loader as operators meet it: every mistake they can make is refused
 * with FILE:LINE:COL pointing at the offending node and a message that says what is
 * wrong; every valid file yields exactly the model the data plane will be fed.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "xdp/abi.h"

static const char *examples_dir;

/* A growing text buffer for configs generated at the limits. */
struct text {
	char *buf;
	size_t len;
};

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	t->buf = realloc(t->buf, t->len + (size_t)n + 1);
	assert_non_null(t->buf);
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static int load(const char *yaml, struct conf *cfg, char *err)
{
	return conf_load_buffer("t.yaml", yaml, strlen(yaml), cfg, err, CONF_ERR_LEN);
}

static void assert_empty(const struct conf *cfg)
{
	assert_int_equal(cfg->n_services, 0);
	assert_null(cfg->services);
	assert_int_equal(cfg->filter.n_rules, 0);
	assert_null(cfg->filter.rules);
}

/* Loading must fail at `where` ("LINE:COL") with `message` somewhere in the text. */
static void assert_refused(const char *yaml, size_t len, const char *where, const char *message)
{
	struct conf cfg;
	char err[CONF_ERR_LEN];
	char prefix[64];

	assert_int_equal(conf_load_buffer("t.yaml", yaml, len, &cfg, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "t.yaml:%s: ", where);
	if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, message))
		fail_msg("expected \"%s...%s...\", got \"%s\"", prefix, message, err);
	assert_empty(&cfg);
}

static void assert_loads(const char *yaml, size_t len, struct conf *cfg)
{
	char err[CONF_ERR_LEN];

	if (conf_load_buffer("t.yaml", yaml, len, cfg, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
}

static struct conf_addr addr_of(const char *text)
{
	struct conf_addr a = { 0 };

	a.family = strchr(text, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(a.family, text, a.bytes), 1);
	return a;
}

static void assert_addr(const struct conf_addr *got, const char *text)
{
	struct conf_addr want = addr_of(text);

	assert_int_equal(got->family, want.family);
	assert_memory_equal(got->bytes, want.bytes, sizeof(want.bytes));
}

/* ---- Every mistake, where it is reported and what is said ---- */

struct error_case {
	const char *name;
	const char *yaml;
	const char *where;
	const char *message;
};

#define RULES "filter:\n  rules:\n"
#define SERVICE "services:\n  - name: web\n    vip: 192.0.2.10\n    proto: tcp\n"
#define BACKENDS SERVICE "    backends:\n"

static const struct error_case error_cases[] = {
	/* The document itself. */
	{ "yaml syntax error", "services: [web\n", "2:1",
	  "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at 1:11)" },
	{ "tab indentation", "filter:\n\tdefault: deny\n", "2:1",
	  "YAML syntax error: found character that cannot start any token" },
	{ "bad indentation", "filter:\n  default: deny\n rules: []\n", "3:2",
	  "YAML syntax error" },
	{ "invalid utf-8", "services:\n  - name: w\xff\n", "2:12", "not valid UTF-8" },
	{ "second document", "filter: {}\n---\nservices: []\n", "2:1",
	  "a config file holds one YAML document" },
	{ "top level is a list", "- filter\n- services\n", "1:1",
	  "the top level must be a mapping (key: value), found a list" },
	{ "top level is a scalar", "hello\n", "1:1",
	  "the top level must be a mapping (key: value), found 'hello'" },
	{ "unknown top-level key with hint", "filter: {}\nservice:\n  - name: web\n", "2:1",
	  "unknown key 'service' at the top level; did you mean 'services'?" },
	{ "unknown top-level key", "colour: blue\n", "1:1",
	  "unknown key 'colour' at the top level; expected settings, filter or services" },
	{ "duplicate key", "filter:\n  default: allow\n  default: deny\n", "3:3",
	  "duplicate key 'default' in 'filter' (first at 2:3)" },
	{ "duplicate top-level key", "filter: {}\nservices: []\nfilter: {}\n", "3:1",
	  "duplicate key 'filter' at the top level (first at 1:1)" },
	{ "key is not a word", "filter:\n  ? [a, b]\n  : deny\n", "2:5",
	  "keys must be plain words in 'filter'" },

	/* settings */
	{ "settings is a list", "settings:\n  - malformed\n", "2:3",
	  "'settings' must be a mapping (key: value), found a list" },
	{ "settings unknown key", "settings:\n  malformd: drop\n", "2:3",
	  "unknown key 'malformd' in 'settings'; did you mean 'malformed'?" },
	{ "malformed policy misspelt", "settings:\n  malformed: dorp\n", "2:14",
	  "unknown malformed 'dorp'; did you mean 'drop'?" },
	{ "malformed policy unknown", "settings:\n  malformed: reject\n", "2:14",
	  "unknown malformed 'reject'; expected pass or drop" },
	{ "malformed policy empty", "settings:\n  malformed:\n", "2:13",
	  "'malformed' has no value" },

	/* filter */
	{ "filter is a scalar", "filter: deny\n", "1:9",
	  "'filter' must be a mapping (key: value), found 'deny'" },
	{ "filter unknown key", "filter:\n  rule: []\n", "2:3",
	  "unknown key 'rule' in 'filter'; did you mean 'rules'?" },
	{ "default policy unknown", "filter:\n  default: block\n", "2:12",
	  "unknown default 'block'; expected allow or deny" },
	{ "rules is a mapping", RULES "    name: x\n", "3:5",
	  "'rules' must be a list, found a mapping" },
	{ "rule is a scalar", RULES "    - deny\n", "3:7",
	  "a filter rule must be a mapping (key: value), found 'deny'" },
	{ "rule unknown key with hint", RULES "    - {port: 22, proto: tcp, action: deny}\n", "3:8",
	  "unknown key 'port' in a filter rule; did you mean 'dport'?" },
	{ "rule unknown key", RULES "    - {flags: syn, action: deny}\n", "3:8",
	  "unknown key 'flags' in a filter rule; expected name, src, dst, proto, dport, sport or action" },
	{ "rule duplicate key", RULES "    - {dport: 22, dport: 23, action: deny}\n", "3:19",
	  "duplicate key 'dport' in a filter rule (first at 3:8)" },
	{ "rule without action", RULES "    - {name: x, proto: tcp}\n", "3:7",
	  "filter rule 'x' is missing required key 'action' (allow or deny)" },
	{ "unnamed rule without action", RULES "    - proto: tcp\n      dport: 22\n", "3:7",
	  "filter rule is missing required key 'action'" },
	{ "rule action unknown", RULES "    - {proto: tcp, action: drop}\n", "3:28",
	  "unknown action 'drop'; expected allow or deny" },
	{ "rule action empty", RULES "    - proto: tcp\n      action:\n", "4:14",
	  "'action' has no value" },
	{ "rule action is a list", RULES "    - {action: [deny]}\n", "3:16",
	  "'action' must be a single value, found a list" },
	{ "rule proto misspelt", RULES "    - {proto: tpc, action: deny}\n", "3:15",
	  "unknown proto 'tpc'; did you mean 'tcp'?" },
	{ "rule proto unknown", RULES "    - {proto: sctp, action: deny}\n", "3:15",
	  "unknown proto 'sctp'; expected any, tcp, udp, icmp or icmpv6" },
	{ "rule name duplicate", RULES "    - {name: a, action: deny}\n    - {name: a, action: allow}\n",
	  "4:14", "rule name 'a' is already used by the rule at 3:7" },
	{ "rule name with a space", RULES "    - {name: 'no redis', action: deny}\n", "3:14",
	  "name 'no redis' may only hold letters, digits, '.', '_' and '-'" },
	{ "rule name too long",
	  RULES "    - {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, action: deny}\n", "3:14",
	  "is 48 characters long; the limit is 47" },
	{ "rule name empty", RULES "    - {name: '', action: deny}\n", "3:14", "name is empty" },
	{ "src not an address", RULES "    - {src: 10.0.0.300, action: deny}\n", "3:13",
	  "src '10.0.0.300' is not an IPv4 or IPv6 address" },
	{ "src host bits", RULES "    - {src: 10.0.0.1/24, action: deny}\n", "3:13",
	  "src 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?" },
	{ "dst host bits v6", RULES "    - {dst: 2001:db8::1/32, action: deny}\n", "3:13",
	  "dst 2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?" },
	{ "src prefix too long", RULES "    - {src: 10.0.0.0/33, action: deny}\n", "3:13",
	  "src '10.0.0.0/33': prefix length 33 is too long for IPv4 (at most 32)" },
	{ "dst prefix too long v6", RULES "    - {dst: 2001:db8::/129, action: deny}\n", "3:13",
	  "dst '2001:db8::/129': prefix length 129 is too long for IPv6 (at most 128)" },
	{ "prefix length huge", RULES "    - {src: 10.0.0.0/4294967328, action: deny}\n", "3:13",
	  "prefix length 4294967328 is too long for IPv4" },
	{ "prefix length not a number", RULES "    - {src: 10.0.0.0/x8, action: deny}\n", "3:13",
	  "src '10.0.0.0/x8': prefix length 'x8' is not a number 0..32" },
	{ "prefix length missing", RULES "    - {src: 10.0.0.0/, action: deny}\n", "3:13",
	  "prefix length '' is not a number 0..32" },
	{ "prefix address bad", RULES "    - {dst: 10.0.0/8, action: deny}\n", "3:13",
	  "dst '10.0.0/8': '10.0.0' is not an IPv4 or IPv6 address" },
	{ "src and dst families differ",
	  RULES "    - {src: 10.0.0.0/8, dst: 2001:db8::/32, action: deny}\n", "3:30",
	  "dst is IPv6 but src is IPv4; a rule matches one address family" },
	{ "icmp with IPv6", RULES "    - {proto: icmp, dst: 2001:db8::/32, action: deny}\n", "3:15",
	  "proto icmp never matches IPv6 addresses; use icmpv6" },
	{ "icmpv6 with IPv4", RULES "    - {proto: icmpv6, src: 10.0.0.0/8, action: deny}\n", "3:15",
	  "proto icmpv6 never matches IPv4 addresses; use icmp" },
	{ "ports with icmp", RULES "    - {proto: icmp, dport: 22, action: deny}\n", "3:28",
	  "dport needs proto tcp or udp; only they have ports" },
	{ "ports without proto", RULES "    - {sport: 22, action: deny}\n", "3:15",
	  "sport needs proto tcp or udp" },
	{ "port out of range", RULES "    - {proto: tcp, dport: 70000, action: deny}\n", "3:27",
	  "dport 70000 is out of range 0..65535" },
	{ "port not a number", RULES "    - {proto: udp, sport: http, action: deny}\n", "3:27",
	  "sport 'http' is not a port or port range (e.g. 443 or 1024-65535)" },
	{ "port negative", RULES "    - {proto: udp, sport: -1, action: deny}\n", "3:27",
	  "sport '-1' is not a port or port range" },
	{ "port range backwards", RULES "    - {proto: tcp, dport: 2000-1000, action: deny}\n", "3:27",
	  "dport range 2000-1000 is backwards; write 1000-2000" },
	{ "port range high end out of range",
	  RULES "    - {proto: tcp, dport: 1000-70000, action: deny}\n", "3:27",
	  "dport 70000 is out of range 0..65535" },
	{ "port range with spaces", RULES "    - {proto: tcp, dport: 1000 - 2000, action: deny}\n", "3:27",
	  "dport '1000 - 2000' is not a port or port range" },
	{ "port range open", RULES "    - {proto: tcp, dport: 1000-, action: deny}\n", "3:27",
	  "dport '1000-' is not a port or port range" },
	{ "port list", RULES "    - {proto: tcp, dport: [80, 443], action: deny}\n", "3:27",
	  "'dport' must be a single value, found a list" },
	{ "port empty", RULES "    - proto: tcp\n      dport:\n      action: deny\n", "4:13",
	  "'dport' has no value" },

	/* services */
	{ "services is a mapping", "services:\n  name: web\n", "2:3",
	  "'services' must be a list, found a mapping" },
	{ "service is a scalar", "services:\n  - web\n", "2:5",
	  "a service must be a mapping (key: value), found 'web'" },
	{ "service unknown key", SERVICE "    backend: [{addr: 10.0.0.1}]\n", "5:5",
	  "unknown key 'backend' in a service; did you mean 'backends'?" },
	{ "service without name",
	  "services:\n  - vip: 192.0.2.10\n    proto: tcp\n    backends: [{addr: 10.0.0.1}]\n", "2:5",
	  "service is missing required key 'name'" },
	{ "service without vip", "services:\n  - name: web\n    proto: tcp\n", "2:5",
	  "service 'web' is missing required key 'vip'" },
	{ "service without proto", "services:\n  - name: web\n    vip: 192.0.2.10\n", "2:5",
	  "service 'web' is missing required key 'proto'" },
	{ "service without backends", SERVICE, "2:5", "service 'web' has no 'backends'" },
	{ "service with empty backends", SERVICE "    backends: []\n", "5:15",
	  "service 'web' has no backends" },
	{ "service with null backends", SERVICE "    backends:\n", "5:14",
	  "service 'web' has no backends" },
	{ "backends is a mapping", SERVICE "    backends: {addr: 10.0.0.1}\n", "5:15",
	  "'backends' must be a list, found a mapping" },
	{ "service name bad", "services:\n  - name: web/80\n", "2:11",
	  "name 'web/80' may only hold letters, digits, '.', '_' and '-'" },
	{ "service name duplicate",
	  BACKENDS "      - {addr: 10.0.0.1}\n"
	  "  - name: web\n    vip: 192.0.2.11\n    proto: tcp\n    backends: [{addr: 10.0.0.1}]\n",
	  "7:11", "service name 'web' is already used by the service at 2:5" },
	{ "vip not an address", "services:\n  - name: web\n    vip: 192.0.2\n", "3:10",
	  "vip '192.0.2' is not an IPv4 or IPv6 address" },
	{ "vip with a prefix", "services:\n  - name: web\n    vip: 192.0.2.10/32\n", "3:10",
	  "vip '192.0.2.10/32' must be a single address, not a prefix" },
	{ "vip unspecified", "services:\n  - name: web\n    vip: 0.0.0.0\n", "3:10",
	  "vip 0.0.0.0 is the unspecified address; expected a unicast address" },
	{ "vip unspecified v6", "services:\n  - name: web\n    vip: '::'\n", "3:10",
	  "vip :: is the unspecified address" },
	{ "vip multicast", "services:\n  - name: web\n    vip: 239.1.2.3\n", "3:10",
	  "vip 239.1.2.3 is a multicast address" },
	{ "vip multicast v6", "services:\n  - name: web\n    vip: ff02::1\n", "3:10",
	  "vip ff02::1 is a multicast address" },
	{ "vip broadcast", "services:\n  - name: web\n    vip: 255.255.255.255\n", "3:10",
	  "vip 255.255.255.255 is the broadcast address" },
	{ "vip is a list", "services:\n  - name: web\n    vip: [192.0.2.10]\n", "3:10",
	  "'vip' must be a single value, found a list" },
	{ "service port out of range",
	  "services:\n  - name: web\n    vip: 192.0.2.10\n    port: 65536\n", "4:11",
	  "port 65536 is out of range 0..65535" },
	{ "service port not a number",
	  "services:\n  - name: web\n    vip: 192.0.2.10\n    port: http\n", "4:11",
	  "port 'http' is not a whole number; expected 0..65535" },
	{ "service port range",
	  "services:\n  - name: web\n    vip: 192.0.2.10\n    port: 80-90\n", "4:11",
	  "port '80-90' is not a whole number" },
	{ "service proto icmp", "services:\n  - name: web\n    vip: 192.0.2.10\n    proto: icmp\n",
	  "4:12", "unknown proto 'icmp'; expected tcp or udp" },
	{ "service proto misspelt", "services:\n  - name: web\n    vip: 192.0.2.10\n    proto: UDP\n",
	  "4:12", "unknown proto 'UDP'; did you mean 'udp'?" },
	{ "forward unknown", SERVICE "    forward: ipip\n", "5:14",
	  "unknown forward 'ipip'; expected l2dsr" },
	{ "table_size not a prime", SERVICE "    table_size: 1000\n", "5:17",
	  "table_size 1000 is not a prime; the nearest primes are 997 and 1009" },
	{ "table_size too small", SERVICE "    table_size: 7\n", "5:17",
	  "table_size 7 is out of range 251..1048573" },
	{ "table_size too large", SERVICE "    table_size: 2097143\n", "5:17",
	  "table_size 2097143 is out of range 251..1048573" },
	{ "table_size huge", SERVICE "    table_size: 99999999999999999999999\n", "5:17",
	  "table_size 99999999999999999999999 is out of range 251..1048573" },
	{ "table_size not a number", SERVICE "    table_size: 64k\n", "5:17",
	  "table_size '64k' is not a whole number; expected 251..1048573" },
	{ "same VIP twice",
	  BACKENDS "      - {addr: 10.0.0.1}\n    port: 80\n"
	  "  - name: web2\n    vip: 192.0.2.10\n    port: 80\n    proto: tcp\n"
	  "    backends: [{addr: 10.0.0.2}]\n",
	  "9:10", "service 'web2' uses the same VIP as service 'web' (192.0.2.10 port 80 tcp)" },
	{ "same every-port VIP twice",
	  BACKENDS "      - {addr: 10.0.0.1}\n"
	  "  - name: web2\n    vip: 192.0.2.10\n    proto: tcp\n    backends: [{addr: 10.0.0.2}]\n",
	  "8:10", "service 'web2' uses the same VIP as service 'web' (192.0.2.10 every port tcp)" },

	/* backends */
	{ "backend is a scalar", BACKENDS "      - 10.0.0.1\n", "6:9",
	  "a backend must be a mapping (key: value), found '10.0.0.1'" },
	{ "backend unknown key", BACKENDS "      - {address: 10.0.0.1}\n", "6:10",
	  "unknown key 'address' in a backend; did you mean 'addr'?" },
	{ "backend without addr", BACKENDS "      - {weight: 5}\n", "6:9",
	  "backend of service 'web' is missing required key 'addr'" },
	{ "backend addr bad", BACKENDS "      - {addr: 10.0.0.256}\n", "6:16",
	  "addr '10.0.0.256' is not an IPv4 or IPv6 address" },
	{ "backend addr with a prefix", BACKENDS "      - {addr: 10.0.0.0/24}\n", "6:16",
	  "addr '10.0.0.0/24' must be a single address, not a prefix" },
	{ "backend of the other family", BACKENDS "      - {addr: fd00::1}\n", "6:16",
	  "backend fd00::1 is IPv6 but the VIP of service 'web' is IPv4" },
	{ "backend is the VIP", BACKENDS "      - {addr: 192.0.2.10}\n", "6:16",
	  "backend 192.0.2.10 is the VIP of service 'web' itself" },
	{ "backend listed twice",
	  BACKENDS "      - {addr: 10.0.0.1}\n      - {addr: 10.0.0.2}\n      - {addr: 10.0.0.1}\n",
	  "8:16", "backend 10.0.0.1 is listed twice in service 'web' (first at 6:9)" },
	{ "backend listed twice v6",
	  "services:\n  - name: web6\n    vip: 2001:db8::10\n    proto: tcp\n    backends:\n"
	  "      - {addr: 'fd00::1'}\n      - {addr: 'fd00:0::0:1'}\n",
	  "7:16", "backend fd00::1 is listed twice in service 'web6' (first at 6:9)" },
	{ "weight zero", BACKENDS "      - {addr: 10.0.0.1, weight: 0}\n", "6:34",
	  "weight 0 is out of range 1..1000000" },
	{ "weight too large", BACKENDS "      - {addr: 10.0.0.1, weight: 1000001}\n", "6:34",
	  "weight 1000001 is out of range 1..1000000" },
	{ "weight not a number", BACKENDS "      - {addr: 10.0.0.1, weight: heavy}\n", "6:34",
	  "weight 'heavy' is not a whole number; expected 1..1000000" },
	{ "weight fraction", BACKENDS "      - {addr: 10.0.0.1, weight: 1.5}\n", "6:34",
	  "weight '1.5' is not a whole number" },
	{ "weight negative", BACKENDS "      - {addr: 10.0.0.1, weight: -5}\n", "6:34",
	  "weight '-5' is not a whole number" },
	{ "weight hex", BACKENDS "      - {addr: 10.0.0.1, weight: 0x10}\n", "6:34",
	  "weight '0x10' is not a whole number" },
	{ "state misspelt", BACKENDS "      - {addr: 10.0.0.1, state: drain}\n", "6:33",
	  "unknown state 'drain'; did you mean 'draining'?" },
	{ "state unknown", BACKENDS "      - {addr: 10.0.0.1, state: down}\n", "6:33",
	  "unknown state 'down'; expected active or draining" },
	{ "backend duplicate key", BACKENDS "      - {addr: 10.0.0.1, addr: 10.0.0.2}\n", "6:26",
	  "duplicate key 'addr' in a backend (first at 6:10)" },
	{ "table_size below backend count",
	  SERVICE "    table_size: 251\n    backends:\n"
	  "      - {addr: 10.0.0.1}\n", "5:17", "" },
};

static void test_error_case(void **state)
{
	const struct error_case *c = *state;

	assert_refused(c->yaml, strlen(c->yaml), c->where, c->message);
}
