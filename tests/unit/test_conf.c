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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/config.h"
#include "conf/listen.h"
#include "xdp/abi.h"
#include "tests/one_group.h"

static const char *examples_dir;

/* A growing text buffer for configs generated at the limits. */
struct text {
	char *buf;
	size_t len;
	size_t cap;		/* doubles, so 10,000 lines are not copied 10,000 times */
};

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = t->cap * 2 > t->len + (size_t)n + 1 ? t->cap * 2 : t->len + (size_t)n + 1;
		t->buf = realloc(t->buf, t->cap);
		assert_non_null(t->buf);
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
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

static void assert_flow_defaults(const struct conf_flows *f)
{
	assert_int_equal(f->size, SLUICE_FLOW_ENTRIES);
	assert_int_equal(f->udp_idle_timeout_s, 60);
	assert_int_equal(f->new_flow_guard, 100000);
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
#define IPIP SERVICE "    forward: ipip\n"
#define ENCAP IPIP "    encap_source: "
#define IPIP6 "services:\n  - name: web6\n    vip: 2001:db8::10\n    proto: tcp\n    forward: ipip\n"
#define DRAIN SERVICE "    drain_timeout: "
#define HEALTH BACKENDS "      - {addr: 10.0.0.1}\n    health: "
#define RANGE_7D "0..604800 seconds (168h, 7 days)"

static const struct error_case error_cases[] = {
	/* The document itself. */
	{ "yaml syntax error", "services: [web\n", "2:1",
	  "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence started at 1:11)" },
	{ "tab indentation", "filter:\n\tdefault: deny\n", "2:1",
	  "found character that cannot start any token (while scanning for the next token started at 2:1); indent with spaces, YAML does not allow tabs" },
	{ "tab inside indentation", "services:\n  - name: web\n  \t  vip: 192.0.2.10\n", "3:3",
	  "indent with spaces, YAML does not allow tabs" },
	{ "bad indentation", "filter:\n  default: deny\n rules: []\n", "3:2",
	  "YAML syntax error" },
	{ "invalid utf-8", "services:\n  - name: w\xc3\xa9" "\xff\n", "2:13", "not valid UTF-8" },
	{ "second document", "filter: {}\n---\nservices: []\n", "2:1",
	  "a config file holds one YAML document" },
	{ "syntax error in a second document", "filter: {}\n---\nservices: [\n", "4:1",
	  "YAML syntax error" },
	{ "top level is a list", "- filter\n- services\n", "1:1",
	  "the top level must be a mapping (key: value), found a list" },
	{ "top level is a scalar", "hello\n", "1:1",
	  "the top level must be a mapping (key: value), found 'hello'" },
	{ "unknown top-level key with hint", "filter: {}\nservice:\n  - name: web\n", "2:1",
	  "unknown key 'service' at the top level; did you mean 'services'?" },
	{ "unknown top-level key", "colour: blue\n", "1:1",
	  "unknown key 'colour' at the top level; expected settings, filter, services, flows, metrics, include or announce" },
	{ "unknown top-level key flow", "flow:\n  size: 1024\n", "1:1",
	  "unknown key 'flow' at the top level; did you mean 'flows'?" },
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
	{ "tamper misspelt", "settings:\n  tamper: repiar\n", "2:11",
	  "unknown tamper 'repiar'; did you mean 'repair'?" },
	{ "tamper unknown", "settings:\n  tamper: ignore\n", "2:11",
	  "unknown tamper 'ignore'; expected repair or alert" },
	{ "macs not a list", "settings:\n  macs: 02:00:5e:00:01:01\n", "2:9",
	  "'macs' must be a list, found '02:00:5e:00:01:01'" },
	{ "mac too short", "settings:\n  macs: [02:00:5e:00:01]\n", "2:10",
	  "macs: '02:00:5e:00:01' is not a MAC address; expected six pairs of hex digits joined by ':', like 02:00:5e:00:01:01" },
	{ "mac with dashes", "settings:\n  macs:\n    - 02:00:5e:00:01:01\n    - 02-00-5e-00-01-02\n",
	  "4:7", "macs: '02-00-5e-00-01-02' is not a MAC address" },
	{ "mac not hex", "settings:\n  macs: ['02:00:5g:00:01:01']\n", "2:10",
	  "macs: '02:00:5g:00:01:01' is not a MAC address" },
	{ "mac one digit too many", "settings:\n  macs: [02:00:5e:00:01:011]\n", "2:10",
	  "macs: '02:00:5e:00:01:011' is not a MAC address" },
	{ "mac multicast", "settings:\n  macs: [01:00:5e:00:00:01]\n", "2:10",
	  "macs: 01:00:5e:00:00:01 is a multicast address, whose frames sluice handles already; list unicast MACs only" },
	{ "mac broadcast", "settings:\n  macs: [FF:ff:ff:ff:ff:ff]\n", "2:10",
	  "macs: FF:ff:ff:ff:ff:ff is the broadcast address, whose frames sluice handles already; list unicast MACs only" },
	{ "mac zero", "settings:\n  macs: ['00:00:00:00:00:00']\n", "2:10",
	  "macs: 00:00:00:00:00:00 is the all-zero address, which no frame is sent to; list unicast MACs only" },
	{ "mac twice", "settings:\n  macs:\n    - 00:00:5e:00:01:01\n    - 00:00:5E:00:01:01\n",
	  "4:7", "macs lists 00:00:5E:00:01:01 twice (first at 3:7)" },
	{ "mac empty item", "settings:\n  macs: [02:00:5e:00:01:01, '']\n", "2:29",
	  "macs: '' is not a MAC address" },
	{ "mac is a mapping", "settings:\n  macs: [{mac: 02:00:5e:00:01:01}]\n", "2:10",
	  "'macs' must be" },
	{ "too many macs", "settings:\n  macs: [02:00:00:00:00:01, 02:00:00:00:00:02, "
	  "02:00:00:00:00:03, 02:00:00:00:00:04, 02:00:00:00:00:05, 02:00:00:00:00:06, "
	  "02:00:00:00:00:07, 02:00:00:00:00:08]\n", "2:143",
	  "macs: sluice holds at most 7 MACs besides the interface's own" },

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
	  "unknown key 'flags' in a filter rule; expected name, priority, src, dst, proto, dport, sport, tcp_flags, icmp_type, action, rate, burst or per" },
	{ "rule duplicate key", RULES "    - {dport: 22, dport: 23, action: deny}\n", "3:19",
	  "duplicate key 'dport' in a filter rule (first at 3:8)" },
	{ "rule without action", RULES "    - {name: x, proto: tcp}\n", "3:7",
	  "filter rule 'x' is missing required key 'action' (allow, deny, count or rate-limit)" },
	{ "unnamed rule without action", RULES "    - proto: tcp\n      dport: 22\n", "3:7",
	  "filter rule is missing required key 'action'" },
	{ "rule action unknown", RULES "    - {proto: tcp, action: drop}\n", "3:28",
	  "unknown action 'drop'; expected allow, deny, count or rate-limit" },
	{ "rule action misspelt", RULES "    - {action: rate_limit}\n", "3:16",
	  "unknown action 'rate_limit'; did you mean 'rate-limit'?" },
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

	/* filter: default and exempt */
	{ "default policy count", "filter:\n  default: count\n", "2:12",
	  "default 'count' is a rule action, not a policy; the default decides packets no rule decided: allow or deny" },
	{ "default policy rate-limit", "filter: {default: rate-limit}\n", "1:19",
	  "default 'rate-limit' is a rule action, not a policy" },
	{ "exempt misspelt key", "filter:\n  exmept: []\n", "2:3",
	  "unknown key 'exmept' in 'filter'; did you mean 'exempt'?" },
	{ "exempt is a word", "filter:\n  exempt: ndp\n", "2:11",
	  "'exempt' must be a list, found 'ndp'" },
	{ "exempt is a mapping", "filter:\n  exempt: {ndp: true}\n", "2:11",
	  "'exempt' must be a list, found a mapping" },
	{ "exempt empty", "filter:\n  default: deny\n  exempt:\n", "3:10",
	  "'exempt' has no value; write exempt: [] to spare nothing from a deny default, or leave it out to spare ndp and management" },
	{ "exempt word misspelt", "filter:\n  exempt: [ndp, managment]\n", "2:17",
	  "unknown exemption 'managment'; did you mean 'management'?" },
	{ "exempt word unknown", "filter:\n  exempt: [ssh]\n", "2:12",
	  "unknown exemption 'ssh'; expected ndp or management" },
	{ "exempt word twice", "filter:\n  exempt:\n    - ndp\n    - management\n    - ndp\n", "5:7",
	  "'exempt' lists ndp twice (first at 3:7)" },
	{ "exempt word is a list", "filter:\n  exempt: [[ndp]]\n", "2:12",
	  "'exempt' must be a single value, found a list" },

	/* priority */
	{ "priority misspelt key", RULES "    - {prio: 5, action: deny}\n", "3:8",
	  "unknown key 'prio' in a filter rule; did you mean 'priority'?" },
	{ "priority not a number", RULES "    - {priority: high, action: deny}\n", "3:18",
	  "priority 'high' is not a whole number; expected -1000000..1000000" },
	{ "priority fraction", RULES "    - {priority: 1.5, action: deny}\n", "3:18",
	  "priority '1.5' is not a whole number" },
	{ "priority with a plus sign", RULES "    - {priority: +5, action: deny}\n", "3:18",
	  "priority '+5' is not a whole number" },
	{ "priority lone minus", RULES "    - {priority: -, action: deny}\n", "3:18",
	  "priority '-' is not a whole number" },
	{ "priority too low", RULES "    - {priority: -1000001, action: deny}\n", "3:18",
	  "priority -1000001 is out of range -1000000..1000000" },
	{ "priority too high", RULES "    - {priority: 1000001, action: deny}\n", "3:18",
	  "priority 1000001 is out of range -1000000..1000000" },
	{ "priority huge", RULES "    - {priority: -99999999999999999999999, action: deny}\n", "3:18",
	  "priority -99999999999999999999999 is out of range -1000000..1000000" },
	{ "priority empty", RULES "    - priority:\n      action: deny\n", "3:16",
	  "'priority' has no value" },

	/* tcp_flags */
	{ "tcp_flags without proto", RULES "    - {tcp_flags: syn, action: deny}\n", "3:19",
	  "tcp_flags needs proto tcp; only TCP has flags" },
	{ "tcp_flags with udp", RULES "    - {proto: udp, tcp_flags: syn, action: deny}\n", "3:31",
	  "tcp_flags needs proto tcp" },
	{ "tcp_flags misspelt key", RULES "    - {proto: tcp, tcp-flags: syn, action: deny}\n", "3:20",
	  "unknown key 'tcp-flags' in a filter rule; did you mean 'tcp_flags'?" },
	{ "tcp flag misspelt", RULES "    - {proto: tcp, tcp_flags: sny, action: deny}\n", "3:31",
	  "unknown TCP flag 'sny' in tcp_flags 'sny'; did you mean 'syn'?" },
	{ "tcp flag upper case", RULES "    - {proto: tcp, tcp_flags: SYN, action: deny}\n", "3:31",
	  "unknown TCP flag 'SYN' in tcp_flags 'SYN'; did you mean 'syn'?" },
	{ "tcp flag unknown", RULES "    - {proto: tcp, tcp_flags: xmas, action: deny}\n", "3:31",
	  "unknown TCP flag 'xmas' in tcp_flags 'xmas'; expected fin, syn, rst, psh, ack, urg, ece or cwr" },
	{ "tcp flag misspelt in the mask", RULES "    - {proto: tcp, tcp_flags: syn/syn|ackk, action: deny}\n",
	  "3:31", "unknown TCP flag 'ackk' in tcp_flags 'syn/syn|ackk'; did you mean 'ack'?" },
	{ "tcp_flags value outside the mask", RULES "    - {proto: tcp, tcp_flags: syn|ack/syn, action: deny}\n",
	  "3:31", "tcp_flags 'syn|ack/syn': ack is in the value but not in the mask; the mask lists every flag looked at" },
	{ "tcp_flags without value", RULES "    - {proto: tcp, tcp_flags: /syn, action: deny}\n", "3:31",
	  "tcp_flags '/syn' has nothing before '/'; write VALUE/MASK, e.g. syn/syn|ack" },
	{ "tcp_flags without mask", RULES "    - {proto: tcp, tcp_flags: syn/, action: deny}\n", "3:31",
	  "tcp_flags 'syn/' has nothing after '/'" },
	{ "tcp_flags two slashes", RULES "    - {proto: tcp, tcp_flags: syn/syn/ack, action: deny}\n", "3:31",
	  "tcp_flags 'syn/syn/ack' has more than one '/'; write VALUE/MASK, e.g. syn/syn|ack" },
	{ "tcp_flags empty flag", RULES "    - {proto: tcp, tcp_flags: syn||ack, action: deny}\n", "3:31",
	  "tcp_flags 'syn||ack' has an empty flag name; separate flags with one '|', e.g. syn|ack" },
	{ "tcp_flags trailing separator", RULES "    - {proto: tcp, tcp_flags: 'syn|', action: deny}\n", "3:31",
	  "tcp_flags 'syn|' has an empty flag name" },
	{ "tcp_flags empty mask flag", RULES "    - {proto: tcp, tcp_flags: 'syn/,syn', action: deny}\n", "3:31",
	  "tcp_flags 'syn/,syn' has an empty flag name" },
	{ "tcp_flags empty", RULES "    - {proto: tcp, tcp_flags: '', action: deny}\n", "3:31",
	  "tcp_flags is empty; expected e.g. syn or syn/syn|ack" },
	{ "tcp_flags no value", RULES "    - proto: tcp\n      tcp_flags:\n      action: deny\n", "4:17",
	  "'tcp_flags' has no value" },
	{ "tcp flag twice", RULES "    - {proto: tcp, tcp_flags: syn|ack|syn, action: deny}\n", "3:31",
	  "tcp_flags 'syn|ack|syn' names syn twice" },
	{ "tcp flags with spaces", RULES "    - proto: tcp\n      tcp_flags: syn | ack\n      action: deny\n",
	  "4:18", "tcp_flags 'syn | ack' holds spaces; write flags, '|' and '/' without them, e.g. syn/syn|ack" },
	{ "tcp flags cut by a comma", RULES "    - {proto: tcp, tcp_flags: syn,ack, action: deny}\n", "3:35",
	  "'ack' is cut off from tcp_flags: in {...} a comma ends the value; join flags with '|', e.g. syn|ack" },
	{ "tcp_flags as a list", RULES "    - {proto: tcp, tcp_flags: [syn, ack], action: deny}\n", "3:31",
	  "'tcp_flags' must be a single value, found a list" },

	/* icmp_type */
	{ "icmp_type without proto", RULES "    - {icmp_type: 8, action: deny}\n", "3:19",
	  "icmp_type needs proto icmp or icmpv6; the type numbers differ between them" },
	{ "icmp_type with tcp", RULES "    - {proto: tcp, icmp_type: echo-request, action: deny}\n", "3:31",
	  "icmp_type needs proto icmp or icmpv6" },
	{ "icmp_type out of range", RULES "    - {proto: icmp, icmp_type: 256, action: deny}\n", "3:32",
	  "icmp_type 256 is out of range 0..255" },
	{ "icmp_type negative", RULES "    - {proto: icmp, icmp_type: -1, action: deny}\n", "3:32",
	  "icmp_type '-1' is not a whole number; expected 0..255" },
	{ "icmp_type hex", RULES "    - {proto: icmpv6, icmp_type: 0x80, action: deny}\n", "3:34",
	  "icmp_type '0x80' is not a whole number; expected 0..255" },
	{ "icmp_type of the other protocol", RULES "    - {proto: icmp, icmp_type: packet-too-big, action: deny}\n",
	  "3:32", "icmp_type 'packet-too-big' is an icmpv6 type but the rule's proto is icmp" },
	{ "icmp_type misspelt", RULES "    - {proto: icmp, icmp_type: echo-requset, action: deny}\n", "3:32",
	  "unknown icmp type 'echo-requset'; did you mean 'echo-request'?" },
	{ "icmpv6 type in American spelling",
	  RULES "    - {proto: icmpv6, icmp_type: neighbor-solicitation, action: deny}\n", "3:34",
	  "unknown icmpv6 type 'neighbor-solicitation'; did you mean 'neighbour-solicitation'?" },
	{ "icmp_type unknown", RULES "    - {proto: icmp, icmp_type: ping, action: deny}\n", "3:32",
	  "unknown icmp type 'ping'; expected 0..255 or echo-reply, dest-unreachable, redirect, echo-request, router-advertisement, router-solicitation, time-exceeded or parameter-problem" },
	{ "icmpv6 type unknown", RULES "    - {proto: icmpv6, icmp_type: ping, action: deny}\n", "3:34",
	  "unknown icmpv6 type 'ping'; expected 0..255 or dest-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, echo-reply, router-solicitation, router-advertisement, neighbour-solicitation, neighbour-advertisement or redirect" },
	{ "icmp_type empty", RULES "    - proto: icmp\n      icmp_type:\n      action: deny\n", "4:17",
	  "'icmp_type' has no value" },

	/* count and rate-limit */
	{ "rate-limit without rate", RULES "    - {name: x, proto: udp, action: rate-limit}\n", "3:7",
	  "filter rule 'x' has action rate-limit but no 'rate' (e.g. rate: 100/s)" },
	{ "unnamed rate-limit without rate", RULES "    - {action: rate-limit, burst: 5}\n", "3:7",
	  "filter rule has action rate-limit but no 'rate'" },
	{ "rate without a unit", RULES "    - {action: rate-limit, rate: 100}\n", "3:34",
	  "rate '100' has no unit; write 100/s, 100/min or 100/h" },
	{ "rate is not a rate", RULES "    - {action: rate-limit, rate: fast}\n", "3:34",
	  "rate 'fast' is not a rate; write packets per second, minute or hour, e.g. 100/s" },
	{ "rate unit unknown", RULES "    - {action: rate-limit, rate: 100/sec}\n", "3:34",
	  "rate '100/sec': unknown unit 'sec'; expected s, min or h" },
	{ "rate unit misspelt", RULES "    - {action: rate-limit, rate: 100/mn}\n", "3:34",
	  "rate '100/mn': unknown unit 'mn'; did you mean 'min'?" },
	{ "rate unit empty", RULES "    - {action: rate-limit, rate: 100/}\n", "3:34",
	  "rate '100/': unknown unit ''; expected s, min or h" },
	{ "rate zero", RULES "    - {action: rate-limit, rate: 0/s}\n", "3:34",
	  "rate 0/s is out of range: 1..1000000000 packets per s" },
	{ "rate too high", RULES "    - {action: rate-limit, rate: 1000000001/min}\n", "3:34",
	  "rate 1000000001/min is out of range: 1..1000000000 packets per min" },
	{ "rate fraction", RULES "    - {action: rate-limit, rate: 0.5/s}\n", "3:34",
	  "rate '0.5/s': '0.5' is not a whole number of packets; expected 1..1000000000" },
	{ "rate without packets", RULES "    - {action: rate-limit, rate: /s}\n", "3:34",
	  "rate '/s': '' is not a whole number of packets" },
	{ "rate empty", RULES "    - action: rate-limit\n      rate:\n", "4:12", "'rate' has no value" },
	{ "burst zero", RULES "    - {action: rate-limit, rate: 10/s, burst: 0}\n", "3:47",
	  "burst 0 is out of range 1..1000000" },
	{ "burst too large", RULES "    - {action: rate-limit, rate: 10/s, burst: 1000001}\n", "3:47",
	  "burst 1000001 is out of range 1..1000000" },
	{ "burst not a number", RULES "    - {action: rate-limit, rate: 10/s, burst: lots}\n", "3:47",
	  "burst 'lots' is not a whole number; expected 1..1000000" },
	{ "per misspelt", RULES "    - {action: rate-limit, rate: 10/s, per: sources}\n", "3:45",
	  "unknown per 'sources'; did you mean 'source'?" },
	{ "per unknown", RULES "    - {action: rate-limit, rate: 10/s, per: flow}\n", "3:45",
	  "unknown per 'flow'; expected rule or source" },
	{ "rate on a deny rule", RULES "    - {action: deny, rate: 10/s}\n", "3:28",
	  "rate only goes with action rate-limit, and this rule's action is deny" },
	{ "burst on a count rule", RULES "    - {action: count, burst: 10}\n", "3:30",
	  "burst only goes with action rate-limit, and this rule's action is count" },
	{ "per on an allow rule", RULES "    - {per: source, action: allow}\n", "3:13",
	  "per only goes with action rate-limit, and this rule's action is allow" },

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
	{ "service without backends", SERVICE, "2:5",
	  "service 'web' is missing required key 'backends'" },
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
	{ "forward unknown", SERVICE "    forward: gre\n", "5:14",
	  "unknown forward 'gre'; expected l2dsr or ipip" },
	{ "forward misspelt", SERVICE "    forward: ipipp\n", "5:14",
	  "unknown forward 'ipipp'; did you mean 'ipip'?" },
	{ "forward empty", SERVICE "    forward:\n", "5:13", "'forward' has no value" },
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
	  "backend fd00::1 is IPv6 but the VIP of service 'web' is IPv4; l2dsr delivers packets unchanged, so its backends are of the VIP's family" },
	{ "IPv4 backend of an IPv6 VIP on l2dsr",
	  "services:\n  - name: web6\n    vip: 2001:db8::10\n    proto: tcp\n    forward: l2dsr\n"
	  "    backends: [{addr: 10.0.0.1}]\n", "6:23",
	  "backend 10.0.0.1 is IPv4 but the VIP of service 'web6' is IPv6; l2dsr delivers packets unchanged" },
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
	{ "weight quoted", BACKENDS "      - {addr: 10.0.0.1, weight: \"100\"}\n", "6:34",
	  "weight must be a number, found the string \"100\"; write it without quotes" },
	{ "weight single-quoted", BACKENDS "      - {addr: 10.0.0.1, weight: '100'}\n", "6:34",
	  "weight must be a number, found the string \"100\"; write it without quotes" },
	{ "priority quoted", RULES "    - {priority: \"-5\", action: deny}\n", "3:18",
	  "priority must be a number, found the string \"-5\"; write it without quotes" },
	{ "port quoted", SERVICE "    port: '80'\n", "5:11",
	  "port must be a number, found the string \"80\"; write it without quotes" },
	{ "weight hex", BACKENDS "      - {addr: 10.0.0.1, weight: 0x10}\n", "6:34",
	  "weight '0x10' is not a whole number" },
	{ "state misspelt", BACKENDS "      - {addr: 10.0.0.1, state: drain}\n", "6:33",
	  "unknown state 'drain'; did you mean 'draining'?" },
	{ "state unknown", BACKENDS "      - {addr: 10.0.0.1, state: down}\n", "6:33",
	  "unknown state 'down'; expected active or draining" },
	{ "backend duplicate key", BACKENDS "      - {addr: 10.0.0.1, addr: 10.0.0.2}\n", "6:26",
	  "duplicate key 'addr' in a backend (first at 6:10)" },

	/* drain_timeout, and durations everywhere */
	{ "drain_timeout misspelt key", SERVICE "    drain_time: 5m\n", "5:5",
	  "unknown key 'drain_time' in a service; did you mean 'drain_timeout'?" },
	{ "duration negative", DRAIN "-30s\n", "5:20",
	  "drain_timeout -30s is negative; expected " RANGE_7D },
	{ "duration negative seconds", DRAIN "-1\n", "5:20",
	  "drain_timeout -1 is negative; expected " RANGE_7D },
	{ "duration unit unknown", DRAIN "2d\n", "5:20",
	  "drain_timeout '2d': unknown unit 'd'; expected s, m or h" },
	{ "duration in milliseconds", DRAIN "500ms\n", "5:20",
	  "drain_timeout '500ms': unknown unit 'ms'; expected s, m or h" },
	{ "duration unit upper case", DRAIN "30S\n", "5:20",
	  "drain_timeout '30S': unknown unit 'S'; did you mean 's'?" },
	{ "duration unit sec", DRAIN "30sec\n", "5:20",
	  "drain_timeout '30sec': unknown unit 'sec'; did you mean 's'?" },
	{ "duration unit min", DRAIN "5min\n", "5:20",
	  "drain_timeout '5min': unknown unit 'min'; did you mean 'm'?" },
	{ "duration unit hours", DRAIN "2Hours\n", "5:20",
	  "drain_timeout '2Hours': unknown unit 'Hours'; did you mean 'h'?" },
	{ "duration fraction", DRAIN "1.5h\n", "5:20",
	  "drain_timeout '1.5h' is not a whole number; write it in a smaller unit (s, m or h), e.g. 90m for 1.5h" },
	{ "duration with a space", DRAIN "30 s\n", "5:20",
	  "drain_timeout '30 s' holds a space; write the number and its unit together, e.g. 30s" },
	{ "duration is a word", DRAIN "soon\n", "5:20",
	  "drain_timeout 'soon' is not a duration; write seconds, or a whole number with unit s, m or h: e.g. 90, 30s, 5m or 1h" },
	{ "duration unit alone", DRAIN "m\n", "5:20", "drain_timeout 'm' is not a duration" },
	{ "duration lone minus", DRAIN "'-'\n", "5:20", "drain_timeout '-' is not a duration" },
	{ "duration in exponent form", DRAIN "1e3\n", "5:20", "drain_timeout '1e3' is not a duration" },
	{ "duration in hex", DRAIN "0x10\n", "5:20", "drain_timeout '0x10' is not a duration" },
	{ "duration as a clock", DRAIN "'1:30'\n", "5:20", "drain_timeout '1:30' is not a duration" },
	{ "duration over a week in hours", DRAIN "169h\n", "5:20",
	  "drain_timeout 169h is out of range " RANGE_7D },
	{ "duration over a week in minutes", DRAIN "10081m\n", "5:20",
	  "drain_timeout 10081m is out of range " RANGE_7D },
	{ "duration over a week in seconds", DRAIN "604801\n", "5:20",
	  "drain_timeout 604801 is out of range " RANGE_7D },
	{ "duration overflowing", DRAIN "99999999999999999999999h\n", "5:20",
	  "drain_timeout 99999999999999999999999h is out of range " RANGE_7D },
	{ "duration past 32 bits", DRAIN "1193047h\n", "5:20",
	  "drain_timeout 1193047h is out of range " RANGE_7D },
	{ "duration empty", DRAIN "\n", "5:19", "'drain_timeout' has no value" },
	{ "duration is a list", DRAIN "[5m]\n", "5:20",
	  "'drain_timeout' must be a single value, found a list" },

	/* ipip and encap_source */
	{ "ipip without encap_source", IPIP "    backends: [{addr: 10.0.0.1}]\n", "5:14",
	  "service 'web' forwards by ipip but has no 'encap_source': the prefix outer source addresses are taken from, e.g. encap_source: 10.255.0.0/24" },
	{ "encap_source on l2dsr", SERVICE "    forward: l2dsr\n    encap_source: 10.255.0.0/24\n",
	  "6:19",
	  "encap_source only goes with forward: ipip; service 'web' forwards by l2dsr, which adds no outer header" },
	{ "encap_source without forward", SERVICE "    encap_source: 10.255.0.0/24\n", "5:19",
	  "encap_source only goes with forward: ipip; service 'web' forwards by l2dsr" },
	{ "encap_source misspelt key", IPIP "    encap_src: 10.255.0.0/24\n", "6:5",
	  "unknown key 'encap_src' in a service; did you mean 'encap_source'?" },
	{ "encap_source host bits", ENCAP "10.255.0.1/24\n", "6:19",
	  "encap_source 10.255.0.1/24 has host bits set; did you mean 10.255.0.0/24?" },
	{ "encap_source host bits v6", ENCAP "fd00:255::1/64\n", "6:19",
	  "encap_source fd00:255::1/64 has host bits set; did you mean fd00:255::/64?" },
	{ "encap_source not an address", ENCAP "local\n", "6:19",
	  "encap_source 'local' is not an IPv4 or IPv6 address" },
	{ "encap_source prefix address bad", ENCAP "10.255.0/24\n", "6:19",
	  "encap_source '10.255.0/24': '10.255.0' is not an IPv4 or IPv6 address" },
	{ "encap_source prefix too long", ENCAP "10.255.0.0/33\n", "6:19",
	  "encap_source '10.255.0.0/33': prefix length 33 is too long for IPv4 (at most 32)" },
	{ "encap_source empty", ENCAP "\n", "6:18", "'encap_source' has no value" },
	{ "encap_source empty list", ENCAP "[]\n", "6:19",
	  "encap_source is empty; give an IPv4 prefix, an IPv6 prefix, or one of each" },
	{ "encap_source three prefixes",
	  ENCAP "[10.255.0.0/24, 'fd00:255::/64', 10.254.0.0/24]\n", "6:52",
	  "encap_source holds at most two prefixes, one IPv4 and one IPv6" },
	{ "encap_source two IPv4 prefixes", ENCAP "[10.255.0.0/24, 10.254.0.0/24]\n", "6:35",
	  "encap_source has two IPv4 prefixes (first at 6:20); give at most one per family" },
	{ "encap_source two IPv6 prefixes",
	  ENCAP "\n      - fd00:255::/64\n      - fd00:254::/64\n", "8:9",
	  "encap_source has two IPv6 prefixes (first at 7:9); give at most one per family" },
	{ "encap_source is a mapping", ENCAP "{v4: 10.255.0.0/24}\n", "6:19",
	  "'encap_source' must be a single value, found a mapping" },
	{ "encap_source nested list", ENCAP "[[10.255.0.0/24]]\n", "6:20",
	  "'encap_source' must be a single value, found a list" },
	{ "encap_source multicast", ENCAP "224.1.0.0/16\n", "6:19",
	  "encap_source 224.1.0.0/16 overlaps 224.0.0.0/4 (multicast); outer source addresses must be unicast addresses packets may come from" },
	{ "encap_source every address", ENCAP "0.0.0.0/0\n", "6:19",
	  "encap_source 0.0.0.0/0 overlaps 0.0.0.0/8 (this network)" },
	{ "encap_source loopback", ENCAP "127.0.0.0/24\n", "6:19",
	  "encap_source 127.0.0.0/24 overlaps 127.0.0.0/8 (loopback)" },
	{ "encap_source broadcast", ENCAP "255.255.255.255\n", "6:19",
	  "encap_source 255.255.255.255/32 overlaps 240.0.0.0/4 (reserved and broadcast)" },
	{ "encap_source v6 unspecified", ENCAP "'::'\n", "6:19",
	  "encap_source ::/128 overlaps ::/128 (the unspecified address)" },
	{ "encap_source v6 every address", ENCAP "'::/0'\n", "6:19",
	  "encap_source ::/0 overlaps ::/128 (the unspecified address)" },
	{ "encap_source v6 loopback", ENCAP "'::1'\n", "6:19",
	  "encap_source ::1/128 overlaps ::1/128 (loopback)" },
	{ "encap_source v6 multicast", ENCAP "ff05::/16\n", "6:19",
	  "encap_source ff05::/16 overlaps ff00::/8 (multicast)" },
	{ "IPv6 backend without an IPv6 encap_source",
	  ENCAP "10.255.0.0/24\n    backends:\n      - {addr: 10.0.0.1}\n      - {addr: 'fd00::1'}\n",
	  "9:16",
	  "backend fd00::1 is IPv6 but service 'web' has no IPv6 encap_source; add an IPv6 prefix to encap_source for the outer source addresses of its packets" },
	{ "IPv4 backend without an IPv4 encap_source",
	  ENCAP "'fd00:255::/64'\n    backends:\n      - {addr: 'fd00::1'}\n      - {addr: 10.0.0.1}\n",
	  "9:16",
	  "backend 10.0.0.1 is IPv4 but service 'web' has no IPv4 encap_source; add an IPv4 prefix to encap_source" },
	{ "IPv6 backend of an IPv6 VIP without an IPv6 encap_source",
	  IPIP6 "    encap_source: 10.255.0.0/24\n    backends: [{addr: 'fd00::1'}]\n", "7:23",
	  "backend fd00::1 is IPv6 but service 'web6' has no IPv6 encap_source" },
	{ "IPv4 backend of an IPv6 VIP on ipip",
	  IPIP6 "    encap_source: [10.255.0.0/24, 'fd00:255::/64']\n"
	  "    backends: [{addr: 'fd00::1'}, {addr: 10.0.0.1}]\n", "7:42",
	  "backend 10.0.0.1 is IPv4 but the VIP of service 'web6' is IPv6; ipip cannot carry IPv6 in IPv4, use IPv6 backends" },

	/* flows */
	{ "flows is a list", "flows:\n  - size: 1024\n", "2:3",
	  "'flows' must be a mapping (key: value), found a list" },
	{ "flows is a scalar", "flows: big\n", "1:8",
	  "'flows' must be a mapping (key: value), found 'big'" },
	{ "flows unknown key with hint", "flows:\n  udp_idle: 30s\n", "2:3",
	  "unknown key 'udp_idle' in 'flows'; did you mean 'udp_idle_timeout'?" },
	{ "flows unknown key", "flows:\n  entries: 1024\n", "2:3",
	  "unknown key 'entries' in 'flows'; expected size, udp_idle_timeout or new_flow_guard" },
	{ "flows duplicate key", "flows:\n  size: 2048\n  size: 4096\n", "3:3",
	  "duplicate key 'size' in 'flows' (first at 2:3)" },
	{ "flows size too small", "flows:\n  size: 1023\n", "2:9",
	  "size 1023 is out of range 1024..67108864" },
	{ "flows size too large", "flows:\n  size: 67108865\n", "2:9",
	  "size 67108865 is out of range 1024..67108864" },
	{ "flows size zero", "flows: {size: 0}\n", "1:15", "size 0 is out of range 1024..67108864" },
	{ "flows size not a number", "flows:\n  size: 64k\n", "2:9",
	  "size '64k' is not a whole number; expected 1024..67108864" },
	{ "flows size empty", "flows:\n  size:\n", "2:8", "'size' has no value" },
	{ "udp_idle_timeout negative", "flows:\n  udp_idle_timeout: -5s\n", "2:21",
	  "udp_idle_timeout -5s is negative; expected " RANGE_7D },
	{ "udp_idle_timeout unit unknown", "flows:\n  udp_idle_timeout: 1w\n", "2:21",
	  "udp_idle_timeout '1w': unknown unit 'w'; expected s, m or h" },
	{ "udp_idle_timeout over a week", "flows:\n  udp_idle_timeout: 200h\n", "2:21",
	  "udp_idle_timeout 200h is out of range " RANGE_7D },
	{ "new_flow_guard negative", "flows:\n  new_flow_guard: -1\n", "2:19",
	  "new_flow_guard '-1' is not a whole number; expected 0..1000000000" },
	{ "new_flow_guard too large", "flows:\n  new_flow_guard: 1000000001\n", "2:19",
	  "new_flow_guard 1000000001 is out of range 0..1000000000" },
	{ "new_flow_guard as a rate", "flows:\n  new_flow_guard: 100000/s\n", "2:19",
	  "new_flow_guard '100000/s' is not a whole number; expected 0..1000000000" },
	{ "new_flow_guard misspelt key", "flows:\n  new_flows_guard: 100\n", "2:3",
	  "unknown key 'new_flows_guard' in 'flows'; did you mean 'new_flow_guard'?" },

	/* health */
	{ "health is a list", HEALTH "[tcp]\n", "7:13",
	  "'health' must be a mapping (key: value), found a list" },
	{ "health is a scalar", HEALTH "tcp\n", "7:13",
	  "'health' must be a mapping (key: value), found 'tcp'" },
	{ "health without check", HEALTH "{port: 80}\n", "7:13",
	  "health of service 'web' is missing required key 'check' (tcp or http)" },
	{ "health check unknown", HEALTH "{check: icmp, port: 80}\n", "7:21",
	  "unknown check 'icmp'; expected tcp or http" },
	{ "health without port", HEALTH "{check: tcp}\n", "7:13",
	  "health of service 'web' is missing required key 'port'" },
	{ "health port zero", HEALTH "{check: tcp, port: 0}\n", "7:32",
	  "port 0 is out of range 1..65535" },
	{ "health port too large", HEALTH "{check: tcp, port: 65536}\n", "7:32",
	  "port 65536 is out of range 1..65535" },
	{ "health unknown key with hint", HEALTH "{check: tcp, port: 80, intervall: 2s}\n",
	  "7:36", "unknown key 'intervall' in 'health'; did you mean 'interval'?" },
	{ "health duplicate key", HEALTH "{check: tcp, port: 80, port: 81}\n", "7:36",
	  "duplicate key 'port' in 'health' (first at 7:26)" },
	{ "health path on tcp", HEALTH "{check: tcp, port: 80, path: /x}\n", "7:42",
	  "'path' is for check: http; a tcp check only connects" },
	{ "health expect on tcp", HEALTH "{check: tcp, port: 80, expect: 200}\n", "7:44",
	  "'expect' is for check: http; a tcp check only connects" },
	{ "health path without slash", HEALTH "{check: http, port: 80, path: healthz}\n",
	  "7:43", "path 'healthz' must start with '/'" },
	{ "health path with a space", HEALTH "{check: http, port: 80, path: '/a b'}\n",
	  "7:43", "path '/a b' has a space or a character outside visible ASCII at position 3; percent-encode it" },
	{ "health expect out of range", HEALTH "{check: http, port: 80, expect: 99}\n",
	  "7:45", "expect 99 is out of range 100..599" },
	{ "health expect not a number", HEALTH "{check: http, port: 80, expect: ok}\n",
	  "7:45", "expect 'ok' is not a whole number; expected 100..599" },
	{ "health interval zero", HEALTH "{check: tcp, port: 80, interval: 0}\n", "7:46",
	  "interval 0s is out of range 1s..3600s" },
	{ "health interval too long", HEALTH "{check: tcp, port: 80, interval: 2h}\n", "7:46",
	  "interval 7200s is out of range 1s..3600s" },
	{ "health interval in ms", HEALTH "{check: tcp, port: 80, interval: 500ms}\n", "7:46",
	  "interval '500ms': unknown unit 'ms'; expected s, m or h" },
	{ "health timeout zero", HEALTH "{check: tcp, port: 80, timeout: 0s}\n", "7:45",
	  "timeout 0s is out of range 1s..3600s" },
	{ "health timeout over interval", HEALTH "{check: tcp, port: 80, interval: 2s, timeout: 3s}\n",
	  "7:59", "timeout 3s is longer than the interval 2s between checks" },
	{ "health timeout over the default interval", HEALTH "{check: tcp, port: 80, timeout: 5}\n",
	  "7:45", "timeout 5s is longer than the interval 2s between checks" },
	{ "health rise zero", HEALTH "{check: tcp, port: 80, rise: 0}\n", "7:42",
	  "rise 0 is out of range 1..100" },
	{ "health fall too large", HEALTH "{check: tcp, port: 80, fall: 101}\n", "7:42",
	  "fall 101 is out of range 1..100" },
	{ "health established unknown", HEALTH "{check: tcp, port: 80, established: stay}\n",
	  "7:49", "unknown established 'stay'; expected move or keep" },
	/* metrics */
	{ "metrics is a list", "metrics:\n  - listen: 127.0.0.1:9444\n", "2:3",
	  "'metrics' must be a mapping (key: value), found a list" },
	{ "metrics unknown key with hint", "metrics:\n  listen_on: 127.0.0.1:9444\n", "2:3",
	  "unknown key 'listen_on' in 'metrics'; did you mean 'listen'?" },
	{ "metrics unknown key", "metrics:\n  path: /metrics\n", "2:3",
	  "unknown key 'path' in 'metrics'; expected listen" },
	{ "metrics listen empty", "metrics:\n  listen:\n", "2:10", "'listen' has no value" },
	{ "metrics listen a list", "metrics:\n  listen: [127.0.0.1, 9444]\n", "2:11",
	  "'listen' must be" },
	{ "metrics listen without port", "metrics: {listen: 127.0.0.1}\n", "1:19",
	  "listen '127.0.0.1' lacks a port; expected ADDR:PORT or [IPV6]:PORT" },
	{ "metrics listen port 0", "metrics: {listen: '127.0.0.1:0'}\n", "1:19",
	  "listen '127.0.0.1:0' has port '0'; expected 1..65535" },
	{ "metrics listen port out of range", "metrics: {listen: '127.0.0.1:65536'}\n", "1:19",
	  "listen '127.0.0.1:65536' has port '65536'; expected 1..65535" },
	{ "metrics listen port not a number", "metrics: {listen: '127.0.0.1:http'}\n", "1:19",
	  "listen '127.0.0.1:http' has port 'http'; expected 1..65535" },
	{ "metrics listen host name", "metrics: {listen: 'localhost:9444'}\n", "1:19",
	  "listen 'localhost:9444' has 'localhost', not an IPv4 address" },
	{ "metrics listen bad IPv4", "metrics: {listen: '127.0.0.300:9444'}\n", "1:19",
	  "listen '127.0.0.300:9444' has '127.0.0.300', not an IPv4 address" },
	{ "metrics listen IPv6 without brackets", "metrics: {listen: '::1:9444'}\n", "1:19",
	  "listen '::1:9444' is an IPv6 address without brackets; expected [IPV6]:PORT" },
	{ "metrics listen unclosed bracket", "metrics: {listen: '[::1:9444'}\n", "1:19",
	  "listen '[::1:9444' opens a bracket it does not close before the port" },
	{ "metrics listen bad IPv6", "metrics: {listen: '[::g]:9444'}\n", "1:19",
	  "listen '[::g]:9444' has '::g', not an IPv6 address" },
	{ "metrics listen IPv4 in brackets", "metrics: {listen: '[127.0.0.1]:9444'}\n", "1:19",
	  "listen '[127.0.0.1]:9444' has '127.0.0.1', not an IPv6 address" },
	{ "metrics listen duplicate", "metrics:\n  listen: 127.0.0.1:1\n  listen: 127.0.0.1:2\n",
	  "3:3", "duplicate key 'listen' in 'metrics' (first at 2:3)" },
	/* announce */
	{ "announce is a list", "announce:\n  - table: 200\n", "2:3",
	  "'announce' must be a mapping (key: value), found a list" },
	{ "announce unknown key with hint", "announce: {table: 200, protocol: 201, drian: 5s}\n",
	  "1:39", "unknown key 'drian' in 'announce'; did you mean 'drain'?" },
	{ "announce without table", "announce: {protocol: 201}\n", "1:11",
	  "'announce' needs 'table': the routing table the BGP daemon exports VIPs from" },
	{ "announce without protocol", "announce:\n  table: 200\n", "2:3",
	  "'announce' needs 'protocol': the route protocol number that marks sluice's routes" },
	{ "announce table 0", "announce: {table: 0, protocol: 201}\n", "1:19",
	  "table 0 is out of range 1..4294967295" },
	{ "announce table too large", "announce: {table: 4294967296, protocol: 201}\n", "1:19",
	  "table 4294967296 is out of range 1..4294967295" },
	{ "announce table main", "announce: {table: 254, protocol: 201}\n", "1:19",
	  "table 254 is the kernel's 'main' table; announced VIPs need a table of their own" },
	{ "announce table local", "announce: {table: 255, protocol: 201}\n", "1:19",
	  "table 255 is the kernel's 'local' table" },
	{ "announce table default", "announce: {table: 253, protocol: 201}\n", "1:19",
	  "table 253 is the kernel's 'default' table" },
	{ "announce table by name", "announce: {table: main, protocol: 201}\n", "1:19",
	  "table 'main' is not a whole number; expected 1..4294967295" },
	{ "announce protocol 0", "announce: {table: 200, protocol: 0}\n", "1:34",
	  "protocol 0 is out of range 1..255" },
	{ "announce protocol 256", "announce: {table: 200, protocol: 256}\n", "1:34",
	  "protocol 256 is out of range 1..255" },
	{ "announce protocol static", "announce: {table: 200, protocol: 4}\n", "1:34",
	  "protocol 4 is reserved by the kernel; sluice owns (and deletes) every route of "
	  "its protocol in its table, so it needs a number no other program uses" },
	{ "announce protocol bird", "announce: {table: 200, protocol: 12}\n", "1:34",
	  "protocol 12 is BIRD's; sluice owns" },
	{ "announce protocol frr bgp", "announce: {table: 200, protocol: 186}\n", "1:34",
	  "protocol 186 is FRR bgpd's" },
	{ "announce drain in ms", "announce: {table: 200, protocol: 201, drain: 500ms}\n", "1:46",
	  "drain '500ms': unknown unit 'ms'; expected s, m or h" },
	{ "announce drain too long", "announce: {table: 200, protocol: 201, drain: 11m}\n", "1:46",
	  "drain 660s is longer than 600s: the routers have long converged by then" },
	{ "announce a scalar", "announce: yes\n", "1:11",
	  "'announce' must be a mapping (key: value), found 'yes'" },
	{ "announce protocol by name", "announce: {table: 200, protocol: bird}\n", "1:34",
	  "protocol 'bird' is not a whole number; expected 1..255" },
	{ "announce protocol frr zebra", "announce: {table: 200, protocol: 11}\n", "1:34",
	  "protocol 11 is zebra's (FRR); sluice owns" },
	{ "announce drain negative", "announce: {table: 200, protocol: 201, drain: -1}\n", "1:46",
	  "drain -1 is negative" },
};

static void test_error_case(void **state)
{
	const struct error_case *c = *state;

	assert_refused(c->yaml, strlen(c->yaml), c->where, c->message);
}

/* ---- Valid files and what they mean ---- */

static void test_nothing_is_an_empty_config(void **state)
{
	static const char *const empties[] = {
		"", "# only a comment\n", "---\n", "{}\n", "~\n",
		"settings:\nfilter:\nservices:\nflows:\n", "filter: {rules: []}\nservices: []\n",
		"flows: {}\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		struct conf cfg;

		assert_loads(empties[i], strlen(empties[i]), &cfg);
		assert_empty(&cfg);
		assert_int_equal(cfg.filter.default_action, CONF_ACTION_ALLOW);
		assert_int_equal(cfg.filter.exempt, CONF_EXEMPT_DEFAULT);
		assert_int_equal(cfg.malformed, CONF_MALFORMED_PASS);
		assert_flow_defaults(&cfg.flows);
		conf_free(&cfg);
	}
}

static void test_defaults_filled_in(void **state)
{
	static const char yaml[] =
		"filter:\n"
		"  rules:\n"
		"    - action: deny\n"
		"services:\n"
		"  - name: web\n"
		"    vip: 192.0.2.10\n"
		"    proto: udp\n"
		"    backends:\n"
		"      - addr: 10.0.0.1\n";
	struct conf cfg;
	const struct conf_rule *r;
	const struct conf_service *s;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.malformed, CONF_MALFORMED_PASS);
	assert_int_equal(cfg.filter.default_action, CONF_ACTION_ALLOW);
	assert_int_equal(cfg.filter.n_rules, 1);
	r = &cfg.filter.rules[0];
	assert_string_equal(r->name, "");
	assert_false(r->has_src);
	assert_false(r->has_dst);
	assert_int_equal(r->proto, 0);
	assert_int_equal(r->sport_lo, 0);
	assert_int_equal(r->sport_hi, 65535);
	assert_int_equal(r->dport_lo, 0);
	assert_int_equal(r->dport_hi, 65535);
	assert_int_equal(r->priority, 0);
	assert_int_equal(r->tcp_flags, 0);
	assert_int_equal(r->tcp_flags_mask, 0);
	assert_false(r->has_icmp_type);
	assert_int_equal(r->action, CONF_ACTION_DENY);
	assert_int_equal(cfg.filter.exempt, CONF_EXEMPT_NDP | CONF_EXEMPT_MANAGEMENT);
	assert_int_equal(cfg.n_services, 1);
	s = &cfg.services[0];
	assert_int_equal(s->port, 0);
	assert_int_equal(s->proto, IPPROTO_UDP);
	assert_int_equal(s->forward, CONF_FORWARD_L2DSR);
	assert_false(s->has_encap_src4);
	assert_false(s->has_encap_src6);
	assert_int_equal(s->drain_timeout_s, 0);
	assert_int_equal(s->table_size, SLUICE_TABLE_SIZE_DEFAULT);
	assert_int_equal(s->n_backends, 1);
	assert_int_equal(s->backends[0].weight, CONF_WEIGHT_DEFAULT);
	assert_int_equal(s->backends[0].state, CONF_BACKEND_ACTIVE);
	assert_flow_defaults(&cfg.flows);
	conf_free(&cfg);
	assert_empty(&cfg);
}

static void test_settings_and_policy(void **state)
{
	static const char yaml[] = "settings: {malformed: drop}\nfilter: {default: deny}\n";
	static const char alert[] = "settings: {tamper: alert}\n";
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.malformed, CONF_MALFORMED_DROP);
	assert_int_equal(cfg.filter.default_action, CONF_ACTION_DENY);
	/* The daemon puts back what changed behind its back unless told to only say so. */
	assert_int_equal(cfg.tamper, CONF_TAMPER_REPAIR);
	conf_free(&cfg);
	assert_loads(alert, strlen(alert), &cfg);
	assert_int_equal(cfg.tamper, CONF_TAMPER_ALERT);
	conf_free(&cfg);
}

/* settings.macs in either style and case; an empty list or none at all is no MAC. */
static void test_settings_macs(void **state)
{
	static const char yaml[] =
		"settings:\n"
		"  macs: [00:00:5e:00:01:01, 02:AB:cd:EF:00:09]\n";
	static const char block[] = "settings:\n  macs:\n    - 02:00:00:00:00:07\n";
	static const char none[] = "settings: {macs: []}\n", empty[] = "settings:\n  macs:\n";
	const uint8_t vrrp[6] = { 0x00, 0x00, 0x5e, 0x00, 0x01, 0x01 };
	const uint8_t mixed[6] = { 0x02, 0xab, 0xcd, 0xef, 0x00, 0x09 };
	const uint8_t seven[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x07 };
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.n_macs, 2);
	assert_memory_equal(cfg.macs[0].addr, vrrp, 6);
	assert_memory_equal(cfg.macs[1].addr, mixed, 6);
	assert_int_equal(cfg.macs[1].pos.line, 2);
	assert_int_equal(cfg.macs[1].pos.col, 29);
	conf_free(&cfg);
	assert_loads(block, strlen(block), &cfg);
	assert_int_equal(cfg.n_macs, 1);
	assert_memory_equal(cfg.macs[0].addr, seven, 6);
	conf_free(&cfg);
	assert_loads(none, strlen(none), &cfg);
	assert_int_equal(cfg.n_macs, 0);
	conf_free(&cfg);
	assert_loads(empty, strlen(empty), &cfg);
	assert_int_equal(cfg.n_macs, 0);
	conf_free(&cfg);
}

static void test_rule_fields(void **state)
{
	static const char yaml[] =
		"filter:\n"
		"  rules:\n"
		"    - {name: hi-ports, proto: udp, src: 10.200.0.0/24, dst: 192.0.2.10,\n"
		"       sport: 53, dport: 1024-65535, action: allow}\n"
		"    - {name: net6, dst: 2001:db8:ff00::/40, proto: icmpv6, action: deny}\n"
		"    - {name: any-v4, src: 0.0.0.0/0, proto: icmp, action: deny}\n"
		"    - {name: A.z_0-9, src: '::/0', proto: tcp, dport: 0-65535, action: deny}\n";
	struct conf cfg;
	const struct conf_rule *r;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.filter.n_rules, 4);
	r = &cfg.filter.rules[0];
	assert_string_equal(r->name, "hi-ports");
	assert_int_equal(r->proto, IPPROTO_UDP);
	assert_true(r->has_src);
	assert_addr(&r->src.addr, "10.200.0.0");
	assert_int_equal(r->src.prefix_len, 24);
	assert_true(r->has_dst);
	assert_addr(&r->dst.addr, "192.0.2.10");
	assert_int_equal(r->dst.prefix_len, 32);
	assert_int_equal(r->sport_lo, 53);
	assert_int_equal(r->sport_hi, 53);
	assert_int_equal(r->dport_lo, 1024);
	assert_int_equal(r->dport_hi, 65535);
	assert_int_equal(r->action, CONF_ACTION_ALLOW);
	assert_int_equal(r->pos.line, 3);
	assert_int_equal(r->pos.col, 7);

	r = &cfg.filter.rules[1];
	assert_false(r->has_src);
	assert_addr(&r->dst.addr, "2001:db8:ff00::");
	assert_int_equal(r->dst.prefix_len, 40);
	assert_int_equal(r->proto, IPPROTO_ICMPV6);
	assert_int_equal(r->pos.line, 5);

	r = &cfg.filter.rules[2];
	assert_addr(&r->src.addr, "0.0.0.0");
	assert_int_equal(r->src.prefix_len, 0);
	assert_int_equal(r->proto, IPPROTO_ICMP);

	r = &cfg.filter.rules[3];
	assert_string_equal(r->name, "A.z_0-9");
	assert_addr(&r->src.addr, "::");
	assert_int_equal(r->src.prefix_len, 0);
	assert_int_equal(r->dport_lo, 0);
	assert_int_equal(r->dport_hi, 65535);
	conf_free(&cfg);
}

/* Absent: a deny default spares both; [] spares nothing; otherwise what is listed. */
static void test_exempt(void **state)
{
	static const struct {
		const char *yaml;
		unsigned int exempt;
	} cases[] = {
		{ "filter: {default: deny}\n", CONF_EXEMPT_NDP | CONF_EXEMPT_MANAGEMENT },
		{ "filter: {default: deny, exempt: []}\n", 0 },
		{ "filter: {default: deny, exempt: [ndp]}\n", CONF_EXEMPT_NDP },
		{ "filter: {exempt: [management]}\n", CONF_EXEMPT_MANAGEMENT },
		{ "filter:\n  exempt:\n    - management\n    - ndp\n",
		  CONF_EXEMPT_NDP | CONF_EXEMPT_MANAGEMENT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf cfg;

		assert_loads(cases[i].yaml, strlen(cases[i].yaml), &cfg);
		assert_int_equal(cfg.filter.exempt, cases[i].exempt);
		conf_free(&cfg);
	}
}

/* Rules come out in match order: ascending priority, file order among equals. */
static void test_priority_order(void **state)
{
	static const char yaml[] =
		"filter:\n"
		"  rules:\n"
		"    - {name: a, priority: 10, action: deny}\n"
		"    - {name: b, action: allow}\n"
		"    - {name: c, priority: -5, action: deny}\n"
		"    - {name: d, priority: 10, action: allow}\n"
		"    - {name: e, action: count}\n"
		"    - {name: f, priority: -1000000, action: deny}\n"
		"    - {name: g, priority: 1000000, action: deny}\n"
		"    - {name: h, priority: -0, action: deny}\n";
	static const char *const order[] = { "f", "c", "b", "e", "h", "a", "d", "g" };
	static const int32_t priorities[] = { -1000000, -5, 0, 0, 0, 10, 10, 1000000 };
	static const unsigned int lines[] = { 8, 5, 4, 7, 10, 3, 6, 9 };
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.filter.n_rules, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_string_equal(cfg.filter.rules[i].name, order[i]);
		assert_int_equal(cfg.filter.rules[i].priority, priorities[i]);
		assert_int_equal(cfg.filter.rules[i].pos.line, lines[i]);
		assert_int_equal(cfg.filter.rules[i].pos.col, 7);
	}
	conf_free(&cfg);
}

static void test_tcp_flags(void **state)
{
	static const char yaml[] =
		"filter:\n"
		"  rules:\n"
		"    - {proto: tcp, tcp_flags: syn, action: count}\n"
		"    - {proto: tcp, tcp_flags: syn/syn|ack, action: count}\n"
		"    - {proto: tcp, tcp_flags: 'fin|syn|rst|psh|ack|urg|ece|cwr', action: count}\n"
		"    - {proto: tcp, tcp_flags: ack/syn|ack|rst, action: count}\n"
		"    - proto: tcp\n"
		"      tcp_flags: syn,ack/syn,ack,fin\n"
		"      action: count\n"
		"    - {proto: tcp, tcp_flags: cwr|ece/ece|cwr, dport: 443, action: deny}\n";
	static const uint8_t values[] = {
		CONF_TCP_SYN, CONF_TCP_SYN, 0xff, CONF_TCP_ACK, CONF_TCP_SYN | CONF_TCP_ACK,
		CONF_TCP_ECE | CONF_TCP_CWR,
	};
	static const uint8_t masks[] = {
		CONF_TCP_SYN, CONF_TCP_SYN | CONF_TCP_ACK, 0xff,
		CONF_TCP_SYN | CONF_TCP_ACK | CONF_TCP_RST,
		CONF_TCP_SYN | CONF_TCP_ACK | CONF_TCP_FIN, CONF_TCP_ECE | CONF_TCP_CWR,
	};
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.filter.n_rules, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(cfg.filter.rules[i].tcp_flags, values[i]);
		assert_int_equal(cfg.filter.rules[i].tcp_flags_mask, masks[i]);
		assert_false(cfg.filter.rules[i].has_icmp_type);
	}
	conf_free(&cfg);
}

/* Every ICMP and ICMPv6 type name, and numbers at both ends. */
static void test_icmp_type(void **state)
{
	static const struct {
		const char *proto;
		const char *type;
		uint8_t number;
	} cases[] = {
		{ "icmp", "echo-reply", 0 },
		{ "icmp", "dest-unreachable", 3 },
		{ "icmp", "redirect", 5 },
		{ "icmp", "echo-request", 8 },
		{ "icmp", "router-advertisement", 9 },
		{ "icmp", "router-solicitation", 10 },
		{ "icmp", "time-exceeded", 11 },
		{ "icmp", "parameter-problem", 12 },
		{ "icmp", "0", 0 },
		{ "icmp", "255", 255 },
		{ "icmpv6", "dest-unreachable", 1 },
		{ "icmpv6", "packet-too-big", 2 },
		{ "icmpv6", "time-exceeded", 3 },
		{ "icmpv6", "parameter-problem", 4 },
		{ "icmpv6", "echo-request", 128 },
		{ "icmpv6", "echo-reply", 129 },
		{ "icmpv6", "router-solicitation", 133 },
		{ "icmpv6", "router-advertisement", 134 },
		{ "icmpv6", "neighbour-solicitation", 135 },
		{ "icmpv6", "neighbour-advertisement", 136 },
		{ "icmpv6", "redirect", 137 },
		{ "icmpv6", "200", 200 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char yaml[160];
		struct conf cfg;
		const struct conf_rule *r;

		snprintf(yaml, sizeof(yaml), "filter:\n  rules:\n    - {proto: %s, icmp_type: %s, action: deny}\n",
			 cases[i].proto, cases[i].type);
		assert_loads(yaml, strlen(yaml), &cfg);
		r = &cfg.filter.rules[0];
		assert_true(r->has_icmp_type);
		assert_int_equal(r->icmp_type, cases[i].number);
		assert_int_equal(r->proto, strcmp(cases[i].proto, "icmp") == 0 ? IPPROTO_ICMP :
									 IPPROTO_ICMPV6);
		assert_int_equal(r->tcp_flags_mask, 0);
		conf_free(&cfg);
	}
}

/* Actions, and the token bucket of rate-limit with the default burst worked out. */
static void test_actions_and_limits(void **state)
{
	static const char yaml[] =
		"filter:\n"
		"  default: deny\n"
		"  rules:\n"
		"    - {name: allowed, action: allow}\n"
		"    - {name: denied, action: deny}\n"
		"    - {name: counted, action: count}\n"
		"    - {name: per-sec, action: rate-limit, rate: 1000/s}\n"
		"    - {name: per-min, action: rate-limit, rate: 100/min, per: source}\n"
		"    - {name: per-hour, action: rate-limit, rate: 1/h, per: rule}\n"
		"    - {name: bursty, action: rate-limit, rate: 1000000000/s, burst: 1000000}\n"
		"    - {name: fastest, action: rate-limit, rate: 1000000000/s}\n"
		"    - {name: odd-min, action: rate-limit, rate: 61/min, burst: 1}\n"
		"    - {name: hour-round, action: rate-limit, rate: 7201/h}\n";
	static const struct {
		enum conf_action action;
		uint32_t packets, per_seconds, burst;
		enum conf_limit_scope scope;
	} want[] = {
		{ CONF_ACTION_ALLOW, 0, 0, 0, CONF_LIMIT_RULE },
		{ CONF_ACTION_DENY, 0, 0, 0, CONF_LIMIT_RULE },
		{ CONF_ACTION_COUNT, 0, 0, 0, CONF_LIMIT_RULE },
		{ CONF_ACTION_RATE_LIMIT, 1000, 1, 1000, CONF_LIMIT_RULE },
		{ CONF_ACTION_RATE_LIMIT, 100, 60, 2, CONF_LIMIT_SOURCE },
		{ CONF_ACTION_RATE_LIMIT, 1, 3600, 1, CONF_LIMIT_RULE },
		{ CONF_ACTION_RATE_LIMIT, 1000000000, 1, 1000000, CONF_LIMIT_RULE },
		{ CONF_ACTION_RATE_LIMIT, 1000000000, 1, 1000000000, CONF_LIMIT_RULE },
		{ CONF_ACTION_RATE_LIMIT, 61, 60, 1, CONF_LIMIT_RULE },
		{ CONF_ACTION_RATE_LIMIT, 7201, 3600, 3, CONF_LIMIT_RULE },
	};
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.filter.default_action, CONF_ACTION_DENY);
	assert_int_equal(cfg.filter.n_rules, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct conf_rule *r = &cfg.filter.rules[i];

		assert_int_equal(r->action, want[i].action);
		assert_int_equal(r->limit.packets, want[i].packets);
		assert_int_equal(r->limit.per_seconds, want[i].per_seconds);
		assert_int_equal(r->limit.burst, want[i].burst);
		assert_int_equal(r->limit.scope, want[i].scope);
	}
	conf_free(&cfg);
}

static void test_longest_name(void **state)
{
	char yaml[256];
	char name[CONF_NAME_LEN];
	struct conf cfg;

	(void)state;
	memset(name, 'n', CONF_NAME_LEN - 1);
	name[CONF_NAME_LEN - 1] = '\0';
	snprintf(yaml, sizeof(yaml), "filter:\n  rules:\n    - {name: %s, action: deny}\n", name);
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_string_equal(cfg.filter.rules[0].name, name);
	conf_free(&cfg);
}

static void test_service_fields(void **state)
{
	static const char yaml[] =
		"services:\n"
		"  - name: web6\n"
		"    vip: 2001:db8::10\n"
		"    port: 443\n"
		"    proto: tcp\n"
		"    forward: l2dsr\n"
		"    table_size: 1048573\n"
		"    drain_timeout: 10m\n"
		"    backends:\n"
		"      - {addr: fd00:200::11, weight: 1}\n"
		"      - {addr: fd00:200::12, weight: 1000000, state: draining}\n"
		"      - {addr: fd00:200::13, state: active}\n";
	struct conf cfg;
	const struct conf_service *s;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.n_services, 1);
	s = &cfg.services[0];
	assert_string_equal(s->name, "web6");
	assert_addr(&s->vip, "2001:db8::10");
	assert_int_equal(s->port, 443);
	assert_int_equal(s->proto, IPPROTO_TCP);
	assert_int_equal(s->forward, CONF_FORWARD_L2DSR);
	assert_int_equal(s->table_size, SLUICE_TABLE_SIZE_MAX);
	assert_int_equal(s->drain_timeout_s, 600);
	assert_false(s->has_encap_src4);
	assert_false(s->has_encap_src6);
	assert_int_equal(s->pos.line, 2);
	assert_int_equal(s->pos.col, 5);
	assert_int_equal(s->n_backends, 3);
	assert_addr(&s->backends[0].addr, "fd00:200::11");
	assert_int_equal(s->backends[0].weight, CONF_WEIGHT_MIN);
	assert_int_equal(s->backends[0].pos.line, 10);
	assert_int_equal(s->backends[0].pos.col, 9);
	assert_addr(&s->backends[1].addr, "fd00:200::12");
	assert_int_equal(s->backends[1].weight, CONF_WEIGHT_MAX);
	assert_int_equal(s->backends[1].state, CONF_BACKEND_DRAINING);
	assert_int_equal(s->backends[2].state, CONF_BACKEND_ACTIVE);
	conf_free(&cfg);
}

/* Every way of writing a duration, as drain_timeout and as udp_idle_timeout. */
static void test_durations(void **state)
{
	static const struct {
		const char *text;
		uint32_t seconds;
	} forms[] = {
		{ "0", 0 }, { "0s", 0 }, { "0m", 0 }, { "0h", 0 }, { "1", 1 }, { "90", 90 },
		{ "30s", 30 }, { "5m", 300 }, { "1h", 3600 }, { "'45'", 45 }, { "007s", 7 },
		{ "604800", 604800 }, { "604800s", 604800 }, { "10080m", 604800 },
		{ "168h", 604800 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct text t = { 0 };
		struct conf cfg;

		text_add(&t, "flows:\n  udp_idle_timeout: %s\n", forms[i].text);
		text_add(&t, SERVICE "    drain_timeout: %s\n    backends: [{addr: 10.0.0.1}]\n",
			 forms[i].text);
		assert_loads(t.buf, t.len, &cfg);
		assert_int_equal(cfg.flows.udp_idle_timeout_s, forms[i].seconds);
		assert_int_equal(cfg.services[0].drain_timeout_s, forms[i].seconds);
		conf_free(&cfg);
		free(t.buf);
	}
}

static void test_health(void **state)
{
	static const char yaml[] = SERVICE "    health: {check: http, port: 8080, path: /healthz,"
		" expect: 204, interval: 5s, timeout: 2s, rise: 1, fall: 4, established: keep}\n"
		"    backends: [{addr: 10.0.0.1}]\n"
		"  - name: db\n    vip: 192.0.2.11\n    proto: tcp\n"
		"    health: {check: tcp, port: 5432}\n    backends: [{addr: 10.0.0.2}]\n"
		"  - name: plain\n    vip: 192.0.2.12\n    proto: tcp\n"
		"    backends: [{addr: 10.0.0.3}]\n";
	const struct conf_health *h;
	struct conf cfg;

	(void)state;
	assert_loads(yaml, sizeof(yaml) - 1, &cfg);
	h = &cfg.services[0].health;
	assert_int_equal(h->check, CONF_CHECK_HTTP);
	assert_int_equal(h->port, 8080);
	assert_string_equal(h->path, "/healthz");
	assert_int_equal(h->expect, 204);
	assert_int_equal(h->interval_s, 5);
	assert_int_equal(h->timeout_s, 2);
	assert_int_equal(h->rise, 1);
	assert_int_equal(h->fall, 4);
	assert_true(h->keep_established);
	h = &cfg.services[1].health;
	assert_int_equal(h->check, CONF_CHECK_TCP);
	assert_int_equal(h->port, 5432);
	assert_int_equal(h->interval_s, CONF_HEALTH_INTERVAL_DEFAULT);
	assert_int_equal(h->timeout_s, CONF_HEALTH_TIMEOUT_DEFAULT);
	assert_int_equal(h->rise, CONF_HEALTH_RISE_DEFAULT);
	assert_int_equal(h->fall, CONF_HEALTH_FALL_DEFAULT);
	assert_false(h->keep_established);
	assert_int_equal(cfg.services[2].health.check, CONF_CHECK_NONE);
	conf_free(&cfg);
}

static void test_http_defaults(void **state)
{
	static const char yaml[] = SERVICE "    health: {check: http, port: 80}\n"
		"    backends: [{addr: 10.0.0.1}]\n";
	struct conf cfg;

	(void)state;
	assert_loads(yaml, sizeof(yaml) - 1, &cfg);
	assert_string_equal(cfg.services[0].health.path, "/");
	assert_int_equal(cfg.services[0].health.expect, 200);
	conf_free(&cfg);
}

/* Every mistake of a file at once, by position, whatever section holds it. */
static void test_every_mistake_reported(void **state)
{
	static const char yaml[] =
		"services:\n"
		"  - name: a\n"
		"    vip: 192.0.2.1\n"
		"    porto: 80\n"
		"    proto: tcp\n"
		"    backends: [{addr: 10.0.0.1}]\n"
		"  - {name: b, vip: 192.0.2.300, proto: tcp, backends: [{addr: 10.0.0.1}]}\n"
		"  - {name: c, vip: 192.0.2.3, proto: tcp, backends: [{addr: 10.0.0.1, weight: 0},\n"
		"                                                    {addr: 10.0.0.2, state: up}]}\n"
		"filter:\n"
		"  default: dny\n"
		"  rules:\n"
		"    - {action: deny, dport: 99999, proto: tcp}\n"
		"    - {action: allow}\n"
		"    - {action: alow}\n"
		"flows: {size: 3}\n"
		"bogus: 1\n";
	static const char *const want[] = {
		"t.yaml:4:5: unknown key 'porto' in a service; did you mean 'port'?",
		"t.yaml:7:20: vip '192.0.2.300' is not an IPv4 or IPv6 address",
		"t.yaml:8:79: weight 0 is out of range 1..1000000",
		"t.yaml:9:77: unknown state 'up'",
		"t.yaml:11:12: unknown default 'dny'; did you mean 'deny'?",
		"t.yaml:13:29: dport 99999 is out of range 0..65535",
		"t.yaml:15:16: unknown action 'alow'; did you mean 'allow'?",
		"t.yaml:16:15: size 3 is out of range 1024..67108864",
		"t.yaml:17:1: unknown key 'bogus' at the top level",
	};
	char err[CONF_ERR_LEN], *line, *next;
	struct conf cfg;
	size_t i = 0;

	(void)state;
	assert_int_equal(conf_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &cfg, err,
					  sizeof(err)), -1);
	assert_empty(&cfg);
	for (line = err; line; line = next, i++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (i >= sizeof(want) / sizeof(want[0]) || strncmp(line, want[i], strlen(want[i])))
			fail_msg("line %zu: expected \"%s\", got \"%s\"", i + 1,
				 i < sizeof(want) / sizeof(want[0]) ? want[i] : "(none)", line);
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
}

/* A file wrong everywhere: the first 20 mistakes by position, then how many more. */
static void test_mistakes_capped(void **state)
{
	struct text t = { 0 };
	char err[CONF_ERR_LEN];
	struct conf cfg;
	size_t lines = 1;

	(void)state;
	text_add(&t, "filter:\n  rules:\n");
	for (int i = 0; i < 70; i++)
		text_add(&t, "    - {action: nope%d}\n", i);
	assert_int_equal(conf_load_buffer("t.yaml", t.buf, t.len, &cfg, err, sizeof(err)), -1);
	for (const char *c = err; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 21);
	assert_non_null(strstr(err, "t.yaml:3:16: unknown action 'nope0'"));
	assert_non_null(strstr(err, "t.yaml:22:16: unknown action 'nope19'"));
	assert_null(strstr(err, "'nope20'"));
	assert_non_null(strstr(err, "\nt.yaml: 50 more mistakes not shown"));
	free(t.buf);
}

static void test_metrics(void **state)
{
	static const char none[] = "metrics:\n";
	static const char v4[] = "metrics:\n  listen: 127.0.0.1:9444\n";
	static const char v6[] = "metrics: {listen: '[::1]:65535'}\n";
	static const char any[] = "metrics: {listen: '0.0.0.0:1'}\n";
	char text[CONF_LISTEN_STR_LEN];
	struct conf cfg;

	(void)state;
	assert_loads(none, strlen(none), &cfg);
	assert_false(cfg.metrics.listen_set);
	conf_free(&cfg);
	assert_loads(v4, strlen(v4), &cfg);
	assert_true(cfg.metrics.listen_set);
	assert_int_equal(cfg.metrics.listen.addr.family, AF_INET);
	assert_int_equal(cfg.metrics.listen.port, 9444);
	assert_string_equal(conf_listen_str(&cfg.metrics.listen, text), "127.0.0.1:9444");
	conf_free(&cfg);
	assert_loads(v6, strlen(v6), &cfg);
	assert_int_equal(cfg.metrics.listen.addr.family, AF_INET6);
	assert_int_equal(cfg.metrics.listen.port, 65535);
	assert_string_equal(conf_listen_str(&cfg.metrics.listen, text), "[::1]:65535");
	conf_free(&cfg);
	/* The unspecified address listens on every address of the host. */
	assert_loads(any, strlen(any), &cfg);
	assert_string_equal(conf_listen_str(&cfg.metrics.listen, text), "0.0.0.0:1");
	conf_free(&cfg);
}

static void test_announce(void **state)
{
	static const char none[] = "announce:\n";
	static const char given[] = "announce: {table: 200, protocol: 201, drain: 2m}\n";
	static const char defaults[] = "announce:\n  table: 4294967295\n  protocol: 255\n";
	static const char zero[] = "announce: {table: 1, protocol: 5, drain: 0}\n";
	struct conf cfg;

	(void)state;
	assert_loads(none, strlen(none), &cfg);
	assert_false(cfg.announce.set);
	conf_free(&cfg);
	assert_loads(given, strlen(given), &cfg);
	assert_true(cfg.announce.set);
	assert_int_equal(cfg.announce.table, 200);
	assert_int_equal(cfg.announce.protocol, 201);
	assert_int_equal(cfg.announce.drain_s, 120);
	conf_free(&cfg);
	assert_loads(defaults, strlen(defaults), &cfg);
	assert_int_equal(cfg.announce.table, 4294967295u);
	assert_int_equal(cfg.announce.protocol, 255);
	assert_int_equal(cfg.announce.drain_s, CONF_ANNOUNCE_DRAIN_DEFAULT);
	conf_free(&cfg);
	/* No drain at all: a stop withdraws and exits at once. */
	assert_loads(zero, strlen(zero), &cfg);
	assert_int_equal(cfg.announce.table, 1);
	assert_int_equal(cfg.announce.protocol, 5);
	assert_int_equal(cfg.announce.drain_s, 0);
	conf_free(&cfg);
}

static void test_flows(void **state)
{
	static const char full[] =
		"flows:\n"
		"  size: 1048576\n"
		"  udp_idle_timeout: 5m\n"
		"  new_flow_guard: 250000\n";
	static const char least[] = "flows: {size: 1024, udp_idle_timeout: 0, new_flow_guard: 0}\n";
	static const char most[] =
		"flows: {size: 67108864, udp_idle_timeout: 168h, new_flow_guard: 1000000000}\n";
	static const char only_size[] = "flows:\n  size: 131072\n";
	static const char only_guard[] = "flows:\n  new_flow_guard: 5000\n";
	struct conf cfg;

	(void)state;
	assert_loads(full, strlen(full), &cfg);
	assert_int_equal(cfg.flows.size, 1048576);
	assert_int_equal(cfg.flows.udp_idle_timeout_s, 300);
	assert_int_equal(cfg.flows.new_flow_guard, 250000);
	conf_free(&cfg);

	/* 0 turns the UDP idle timeout and the guard off. */
	assert_loads(least, strlen(least), &cfg);
	assert_int_equal(cfg.flows.size, SLUICE_FLOW_ENTRIES_MIN);
	assert_int_equal(cfg.flows.udp_idle_timeout_s, 0);
	assert_int_equal(cfg.flows.new_flow_guard, 0);
	conf_free(&cfg);

	assert_loads(most, strlen(most), &cfg);
	assert_int_equal(cfg.flows.size, SLUICE_FLOW_ENTRIES_MAX);
	assert_int_equal(cfg.flows.udp_idle_timeout_s, 7 * 24 * 3600);
	assert_int_equal(cfg.flows.new_flow_guard, 1000000000);
	conf_free(&cfg);

	/* Keys left out keep their defaults. */
	assert_loads(only_size, strlen(only_size), &cfg);
	assert_int_equal(cfg.flows.size, 131072);
	assert_int_equal(cfg.flows.udp_idle_timeout_s, CONF_FLOWS_UDP_IDLE_DEFAULT);
	assert_int_equal(cfg.flows.new_flow_guard, CONF_FLOWS_GUARD_DEFAULT);
	conf_free(&cfg);
	assert_loads(only_guard, strlen(only_guard), &cfg);
	assert_int_equal(cfg.flows.size, SLUICE_FLOW_ENTRIES);
	assert_int_equal(cfg.flows.udp_idle_timeout_s, CONF_FLOWS_UDP_IDLE_DEFAULT);
	assert_int_equal(cfg.flows.new_flow_guard, 5000);
	conf_free(&cfg);
}

static void assert_cidr(const struct conf_cidr *got, const char *addr, unsigned int len)
{
	assert_addr(&got->addr, addr);
	assert_int_equal(got->prefix_len, len);
}

/* Every family pairing ipip carries: 4-in-4, 4-in-6 and 6-in-6. */
static void test_ipip_services(void **state)
{
	static const char yaml[] =
		"services:\n"
		"  - name: v4\n"
		"    vip: 192.0.2.10\n"
		"    proto: tcp\n"
		"    forward: ipip\n"
		"    encap_source: 10.255.0.0/24\n"
		"    backends: [{addr: 10.0.0.1}, {addr: 10.0.0.2}]\n"
		"  - name: both\n"
		"    vip: 192.0.2.11\n"
		"    proto: udp\n"
		"    port: 53\n"
		"    forward: ipip\n"
		"    encap_source: ['fd00:255::/64', 10.255.1.0/26]\n"
		"    drain_timeout: 1h\n"
		"    backends:\n"
		"      - {addr: 10.0.0.1}\n"
		"      - {addr: 'fd00::1', state: draining}\n"
		"  - name: v4-in-v6\n"
		"    vip: 192.0.2.12\n"
		"    proto: tcp\n"
		"    forward: ipip\n"
		"    encap_source: [fd00:255::/96]\n"
		"    backends: [{addr: 'fd00::2'}]\n"
		"  - name: v6\n"
		"    vip: 2001:db8::10\n"
		"    proto: tcp\n"
		"    forward: ipip\n"
		"    encap_source:\n"
		"      - fd00:255:1::/112\n"
		"      - 10.255.2.0/24\n"
		"    backends: [{addr: 'fd00::3'}]\n"
		"  - name: one-source\n"
		"    vip: 192.0.2.13\n"
		"    proto: tcp\n"
		"    forward: ipip\n"
		"    encap_source: 10.255.3.7\n"
		"    backends: [{addr: 10.0.0.1}]\n";
	struct conf cfg;
	const struct conf_service *s;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.n_services, 5);
	s = &cfg.services[0];
	assert_int_equal(s->forward, CONF_FORWARD_IPIP);
	assert_true(s->has_encap_src4);
	assert_false(s->has_encap_src6);
	assert_cidr(&s->encap_src4, "10.255.0.0", 24);
	assert_int_equal(s->drain_timeout_s, 0);
	assert_int_equal(s->n_backends, 2);

	s = &cfg.services[1];
	assert_int_equal(s->forward, CONF_FORWARD_IPIP);
	assert_true(s->has_encap_src4);
	assert_true(s->has_encap_src6);
	assert_cidr(&s->encap_src4, "10.255.1.0", 26);
	assert_cidr(&s->encap_src6, "fd00:255::", 64);
	assert_int_equal(s->drain_timeout_s, 3600);
	assert_addr(&s->backends[0].addr, "10.0.0.1");
	assert_addr(&s->backends[1].addr, "fd00::1");
	assert_int_equal(s->backends[1].state, CONF_BACKEND_DRAINING);

	s = &cfg.services[2];
	assert_false(s->has_encap_src4);
	assert_true(s->has_encap_src6);
	assert_cidr(&s->encap_src6, "fd00:255::", 96);
	assert_addr(&s->vip, "192.0.2.12");
	assert_addr(&s->backends[0].addr, "fd00::2");

	s = &cfg.services[3];
	assert_true(s->has_encap_src4);
	assert_true(s->has_encap_src6);
	assert_cidr(&s->encap_src6, "fd00:255:1::", 112);
	assert_cidr(&s->encap_src4, "10.255.2.0", 24);

	/* A plain address: every flow gets that one source. */
	s = &cfg.services[4];
	assert_cidr(&s->encap_src4, "10.255.3.7", 32);
	conf_free(&cfg);
}

/*
 * The same address may serve several services as long as packets can tell them
 * apart: another protocol, another port, or a port-0 catch-all beside a specific
 * port (the specific port wins).
 */
static void test_vip_sharing(void **state)
{
	static const char yaml[] =
		"services:\n"
		"  - {name: web, vip: 192.0.2.10, port: 80, proto: tcp, backends: [{addr: 10.0.0.1}]}\n"
		"  - {name: dns, vip: 192.0.2.10, port: 53, proto: udp, backends: [{addr: 10.0.0.1}]}\n"
		"  - {name: tls, vip: 192.0.2.10, port: 443, proto: tcp, backends: [{addr: 10.0.0.1}]}\n"
		"  - {name: rest, vip: 192.0.2.10, proto: tcp, backends: [{addr: 10.0.0.2}]}\n"
		"  - {name: rest-udp, vip: 192.0.2.10, port: 0, proto: udp, backends: [{addr: 10.0.0.2}]}\n"
		"  - {name: dns53, vip: 192.0.2.11, port: 53, proto: udp, backends: [{addr: 10.0.0.1}]}\n";
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.n_services, 6);
	assert_int_equal(cfg.services[3].port, 0);
	assert_int_equal(cfg.services[4].port, 0);
	assert_int_equal(cfg.services[4].proto, IPPROTO_UDP);
	conf_free(&cfg);
}

/* YAML anchors let several services share one backend list. */
static void test_shared_backend_list(void **state)
{
	static const char yaml[] =
		"services:\n"
		"  - name: http\n"
		"    vip: 192.0.2.10\n"
		"    port: 80\n"
		"    proto: tcp\n"
		"    backends: &pool\n"
		"      - {addr: 10.0.0.1, weight: 7}\n"
		"      - {addr: 10.0.0.2}\n"
		"  - {name: https, vip: 192.0.2.10, port: 443, proto: tcp, backends: *pool}\n";
	struct conf cfg;

	(void)state;
	assert_loads(yaml, strlen(yaml), &cfg);
	assert_int_equal(cfg.n_services, 2);
	assert_int_equal(cfg.services[1].n_backends, 2);
	assert_addr(&cfg.services[1].backends[1].addr, "10.0.0.2");
	assert_int_equal(cfg.services[1].backends[0].weight, 7);
	conf_free(&cfg);
}

static void test_error_message_truncated_safely(void **state)
{
	static const char yaml[] = "colour: blue\n";
	struct conf cfg;
	char err[16];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_int_equal(conf_load_buffer("t.yaml", yaml, strlen(yaml), &cfg, err, sizeof(err)),
			 -1);
	assert_string_equal(err, "t.yaml:1:1: unk");
}

/* ---- The capacity of the data plane ---- */

static void add_rules(struct text *t, size_t n)
{
	text_add(t, "filter:\n  rules:\n");
	for (size_t i = 0; i < n; i++)
		text_add(t, "    - {proto: tcp, dport: %zu, action: deny}\n", i);
}

static void test_rule_limit(void **state)
{
	struct text t = { 0 };
	struct conf cfg;
	char where[32], message[96];

	(void)state;
	add_rules(&t, SLUICE_MAX_RULES);
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.filter.n_rules, SLUICE_MAX_RULES);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	add_rules(&t, SLUICE_MAX_RULES + 1);
	/* Rule i (0-based) sits on line 3 + i. */
	snprintf(where, sizeof(where), "%d:7", 3 + SLUICE_MAX_RULES);
	snprintf(message, sizeof(message), "too many filter rules: sluice holds at most %d",
		 SLUICE_MAX_RULES);
	assert_refused(t.buf, t.len, where, message);
	free(t.buf);
}

/* n rules of which every `every`-th counts, the others deny. */
static void add_count_rules(struct text *t, size_t n, size_t every)
{
	text_add(t, "filter:\n  rules:\n");
	for (size_t i = 0; i < n; i++)
		text_add(t, "    - {proto: udp, dport: %zu, action: %s}\n", i,
			 i % every == 0 ? "count" : "deny");
}

static void test_count_rule_limit(void **state)
{
	struct text t = { 0 };
	struct conf cfg;
	char where[32], message[96];

	(void)state;
	add_count_rules(&t, 3 * SLUICE_MAX_COUNT_RULES, 3);
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.filter.n_rules, 3 * SLUICE_MAX_COUNT_RULES);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	add_count_rules(&t, 3 * SLUICE_MAX_COUNT_RULES + 1, 3);
	/* The count rule past the limit is rule 3 * MAX (0-based), on line 3 + 3 * MAX. */
	snprintf(where, sizeof(where), "%d:7", 3 + 3 * SLUICE_MAX_COUNT_RULES);
	snprintf(message, sizeof(message),
		 "too many rules with action count: sluice holds at most %d",
		 SLUICE_MAX_COUNT_RULES);
	assert_refused(t.buf, t.len, where, message);
	free(t.buf);
}

/*
 * A large rule set of every kind, named and in no priority order: it loads and comes
 * out sorted. (Its load time is measured in bench/, not asserted here.)
 */
static void test_ten_thousand_rules(void **state)
{
	const size_t n = 10000;
	struct text t = { 0 };
	struct conf cfg;

	(void)state;
	text_add(&t, "filter:\n  default: deny\n  rules:\n");
	for (size_t i = 0; i < n; i++) {
		int priority = (int)(i * 7919 % 2001) - 1000;

		switch (i % 4) {
		case 0:
			text_add(&t, "    - {name: r%zu, priority: %d, proto: tcp, src: 10.%zu.%zu.0/24, "
				 "dport: %zu, tcp_flags: syn/syn|ack, action: deny}\n",
				 i, priority, i >> 8 & 0xff, i & 0xff, i % 65536);
			break;
		case 1:
			text_add(&t, "    - {name: r%zu, priority: %d, proto: udp, dst: 2001:db8:%zx::/48, "
				 "sport: 1024-65535, action: rate-limit, rate: %zu/s, per: source}\n",
				 i, priority, i, i + 1);
			break;
		case 2:
			text_add(&t, "    - {name: r%zu, priority: %d, proto: icmpv6, "
				 "icmp_type: echo-request, action: allow}\n", i, priority);
			break;
		default:
			text_add(&t, "    - {name: r%zu, priority: %d, proto: icmp, icmp_type: %zu, "
				 "action: %s}\n", i, priority, i % 256, i % 1000 == 3 ? "count" : "allow");
			break;
		}
	}
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.filter.n_rules, n);
	for (size_t i = 1; i < n; i++) {
		const struct conf_rule *a = &cfg.filter.rules[i - 1], *b = &cfg.filter.rules[i];

		assert_true(a->priority < b->priority ||
			    (a->priority == b->priority && a->pos.line < b->pos.line));
	}
	conf_free(&cfg);
	free(t.buf);
}

static void add_services(struct text *t, size_t n)
{
	text_add(t, "services:\n");
	for (size_t i = 0; i < n; i++)
		text_add(t, "  - {name: s%zu, vip: 192.0.2.10, port: %zu, proto: udp, "
			 "backends: [{addr: 10.0.0.1}]}\n", i, i + 1);
}

static void test_service_limit(void **state)
{
	struct text t = { 0 };
	struct conf cfg;
	char where[32];

	(void)state;
	add_services(&t, SLUICE_CONF_SERVICES);
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.n_services, SLUICE_CONF_SERVICES);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	add_services(&t, SLUICE_CONF_SERVICES + 1);
	snprintf(where, sizeof(where), "%d:5", 2 + SLUICE_CONF_SERVICES);
	assert_refused(t.buf, t.len, where, "too many services: sluice holds at most 1024");
	free(t.buf);
}

/* Two services with `first` and `second` backends, one per line. */
static void add_two_pools(struct text *t, size_t first, size_t second, const char *table_size)
{
	text_add(t, "services:\n");
	text_add(t, "  - {name: a, vip: 192.0.2.10, proto: tcp, %s backends: [\n", table_size);
	for (size_t i = 0; i < first; i++)
		text_add(t, "      {addr: 10.1.%zu.%zu},\n", i >> 8, i & 0xff);
	text_add(t, "    ]}\n");
	text_add(t, "  - {name: b, vip: 192.0.2.11, proto: tcp, backends: [\n");
	for (size_t i = 0; i < second; i++)
		text_add(t, "      {addr: 10.2.%zu.%zu},\n", i >> 8, i & 0xff);
	text_add(t, "    ]}\n");
}

/* Backends are counted over all services: SLUICE_CONF_BACKENDS in all. */
static void test_backend_limit(void **state)
{
	const size_t first = 5000, second = SLUICE_CONF_BACKENDS - first;
	struct text t = { 0 };
	struct conf cfg;
	char where[32];

	(void)state;
	add_two_pools(&t, first, second, "");
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.services[0].n_backends + cfg.services[1].n_backends,
			 SLUICE_CONF_BACKENDS);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	add_two_pools(&t, first, second + 1, "");
	/* Line 1 services, 2 a, first backends, 1 closing, 1 b: the extra one is b's last. */
	snprintf(where, sizeof(where), "%zu:7", 1 + 1 + first + 1 + 1 + second + 1);
	assert_refused(t.buf, t.len, where,
		       "too many backends: sluice holds at most 8191 across all services");
	free(t.buf);
}

/* At least 10 slots per backend, draining ones included, so Maglev's shares stay even. */
static void test_table_size_must_hold_backends(void **state)
{
	struct text t = { 0 };
	struct conf cfg;

	(void)state;
	add_two_pools(&t, 25, 1, "table_size: 251,");
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.services[0].table_size, 251);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	add_two_pools(&t, 26, 1, "table_size: 251,");
	assert_refused(t.buf, t.len, "2:56",
		       "table_size 251 is below 10 x the 26 backends of service 'a': Maglev spreads flows evenly only with at least 10 slots per backend; the smallest valid table_size is 263");
	free(t.buf);

	t = (struct text){ 0 };
	add_two_pools(&t, 26, 1, "table_size: 263,");
	assert_loads(t.buf, t.len, &cfg);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	text_add(&t, BACKENDS);
	for (int i = 0; i < 26; i++)
		text_add(&t, "      - {addr: 10.0.0.%d%s}\n", i + 1, i % 2 ? ", state: draining" : "");
	text_add(&t, "    table_size: 257\n");
	assert_refused(t.buf, t.len, "32:17",
		       "table_size 257 is below 10 x the 26 backends of service 'web'");
	free(t.buf);

	/* The default table holds up to 6553 backends; past that, table_size is needed. */
	t = (struct text){ 0 };
	add_two_pools(&t, 6553, 1, "");
	assert_loads(t.buf, t.len, &cfg);
	assert_int_equal(cfg.services[0].table_size, SLUICE_TABLE_SIZE_DEFAULT);
	conf_free(&cfg);
	free(t.buf);

	t = (struct text){ 0 };
	add_two_pools(&t, 6554, 1, "");
	assert_refused(t.buf, t.len, "2:55",
		       "service 'a' has 6554 backends, too many for the default table_size 65537: Maglev spreads flows evenly only with at least 10 slots per backend; set table_size to at least 65543");
	free(t.buf);

	t = (struct text){ 0 };
	add_two_pools(&t, 6554, 1, "table_size: 65543,");
	assert_loads(t.buf, t.len, &cfg);
	conf_free(&cfg);
	free(t.buf);
}

/* ---- Files ---- */

static char *temp_file(const char *content, size_t len)
{
	char *path = strdup("/tmp/sluice-conf-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	close(fd);
	return path;
}

static void test_missing_file(void **state)
{
	struct conf cfg;
	char err[CONF_ERR_LEN];

	(void)state;
	assert_int_equal(conf_load_file("/nonexistent/sluice.yaml", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/sluice.yaml: No such file or directory");
	assert_empty(&cfg);
}

static void test_directory_is_not_a_file(void **state)
{
	struct conf cfg;
	char err[CONF_ERR_LEN], want[CONF_ERR_LEN];

	(void)state;
	assert_int_equal(conf_load_file(examples_dir, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: Is a directory", examples_dir);
	assert_string_equal(err, want);
	assert_empty(&cfg);
}

static void test_file_errors_name_the_file(void **state)
{
	static const char yaml[] = "filter:\n  default: nope\n";
	char *path = temp_file(yaml, strlen(yaml));
	struct conf cfg;
	char err[CONF_ERR_LEN], want[CONF_ERR_LEN];

	(void)state;
	assert_int_equal(conf_load_file(path, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:2:12: unknown default 'nope'; expected allow or deny", path);
	assert_string_equal(err, want);
	unlink(path);
	free(path);
}

static void test_huge_file_refused(void **state)
{
	const size_t len = (16u << 20) + 1;
	char *big = malloc(len);
	char *path;
	struct conf cfg;
	char err[CONF_ERR_LEN];

	(void)state;
	assert_non_null(big);
	memset(big, '\n', len);
	path = temp_file(big, len);
	free(big);
	assert_int_equal(conf_load_file(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than 16 MiB"));
	assert_empty(&cfg);
	/* One byte less is only blank lines: an empty config. */
	assert_int_equal(truncate(path, (off_t)len - 1), 0);
	assert_int_equal(conf_load_file(path, &cfg, err, sizeof(err)), 0);
	conf_free(&cfg);
	unlink(path);
	free(path);
}

/* "filter:" then n nested flow sequences around one value. */
static char *nested(size_t n, size_t *len)
{
	char *yaml = malloc(2 * n + 16);
	size_t i, at;

	if (!yaml)
		abort();
	at = (size_t)sprintf(yaml, "filter: ");
	for (i = 0; i < n; i++)
		yaml[at++] = '[';
	yaml[at++] = '1';
	for (i = 0; i < n; i++)
		yaml[at++] = ']';
	yaml[at++] = '\n';
	*len = at;
	return yaml;
}

static void test_deep_nesting_refused(void **state)
{
	size_t len;
	char *yaml;

	(void)state;
	/* The 64th sequence is the 65th level under the top mapping. */
	yaml = nested(64, &len);
	assert_refused(yaml, len, "1:72", "nested more than 64 levels deep");
	free(yaml);
	/* 100,000 levels: refused at the same place, before libyaml builds anything. */
	yaml = nested(100000, &len);
	assert_refused(yaml, len, "1:72", "nested more than 64 levels deep");
	free(yaml);
	/* 63 levels pass the bound (and are then refused for what filter holds). */
	yaml = nested(63, &len);
	assert_refused(yaml, len, "1:9", "filter");
	free(yaml);
}

static void test_too_many_values_refused(void **state)
{
	const size_t n = 1000000;	/* values in the list: with the rest, too many */
	char *yaml = malloc(2 * n + 16);
	size_t i, at;

	(void)state;
	if (!yaml)
		abort();
	at = (size_t)sprintf(yaml, "x: [");
	for (i = 0; i < n; i++) {
		yaml[at++] = '1';
		yaml[at++] = ',';
	}
	yaml[at - 1] = ']';
	yaml[at++] = '\n';
	/*
	 * The mapping, its key and the list are nodes 1 to 3, so value k is node k + 3:
	 * node 1,000,001 is value 999,998, at column 5 + 2 * 999,997.
	 */
	assert_refused(yaml, at, "1:1999999", "more than 1000000 values in one file");
	free(yaml);
}

/* ---- The shipped examples ---- */

static void load_example(const char *file, struct conf *cfg)
{
	char path[4096], err[CONF_ERR_LEN];

	snprintf(path, sizeof(path), "%s/%s", examples_dir, file);
	if (conf_load_file(path, cfg, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

static void assert_lab_backends(const struct conf_service *s)
{
	static const char *const addrs[] = { "10.200.0.11", "10.200.0.12", "10.200.0.13" };

	assert_int_equal(s->n_backends, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_addr(&s->backends[i].addr, addrs[i]);
		assert_int_equal(s->backends[i].weight, 100);
		assert_int_equal(s->backends[i].state, CONF_BACKEND_ACTIVE);
	}
}

/* The demo and the lab tests rely on exactly this topology. */
static void test_lab_example(void **state)
{
	struct conf cfg;
	const struct conf_rule *r;

	(void)state;
	load_example("lab.yaml", &cfg);
	assert_int_equal(cfg.malformed, CONF_MALFORMED_PASS);
	assert_int_equal(cfg.filter.default_action, CONF_ACTION_ALLOW);
	assert_int_equal(cfg.filter.n_rules, 3);
	r = cfg.filter.rules;
	assert_string_equal(r[0].name, "no-redis");
	assert_int_equal(r[0].proto, IPPROTO_TCP);
	assert_int_equal(r[0].dport_lo, 6379);
	assert_int_equal(r[0].dport_hi, 6379);
	assert_false(r[0].has_src);
	assert_int_equal(r[0].action, CONF_ACTION_DENY);
	assert_string_equal(r[1].name, "ssh-lab");
	assert_int_equal(r[1].proto, IPPROTO_TCP);
	assert_int_equal(r[1].dport_lo, 22);
	assert_int_equal(r[1].dport_hi, 22);
	assert_true(r[1].has_src);
	assert_addr(&r[1].src.addr, "10.200.0.0");
	assert_int_equal(r[1].src.prefix_len, 24);
	assert_int_equal(r[1].action, CONF_ACTION_ALLOW);
	assert_string_equal(r[2].name, "ssh-others");
	assert_int_equal(r[2].dport_lo, 22);
	assert_false(r[2].has_src);
	assert_int_equal(r[2].action, CONF_ACTION_DENY);

	assert_int_equal(cfg.n_services, 2);
	assert_string_equal(cfg.services[0].name, "web");
	assert_addr(&cfg.services[0].vip, "192.0.2.10");
	assert_int_equal(cfg.services[0].port, 80);
	assert_int_equal(cfg.services[0].proto, IPPROTO_TCP);
	assert_int_equal(cfg.services[0].forward, CONF_FORWARD_L2DSR);
	assert_int_equal(cfg.services[0].table_size, 65537);
	assert_lab_backends(&cfg.services[0]);
	assert_string_equal(cfg.services[1].name, "dns");
	assert_addr(&cfg.services[1].vip, "192.0.2.10");
	assert_int_equal(cfg.services[1].port, 53);
	assert_int_equal(cfg.services[1].proto, IPPROTO_UDP);
	assert_int_equal(cfg.services[1].table_size, 251);
	assert_lab_backends(&cfg.services[1]);
	conf_free(&cfg);
}

static void test_edge_example(void **state)
{
	struct conf cfg;
	const struct conf_service *web6 = NULL, *api = NULL;
	size_t draining = 0, v6_rules = 0, v4_rules = 0, ranges = 0, counts = 0, per_source = 0;
	size_t flags = 0, icmp_types = 0;

	(void)state;
	load_example("edge.yaml", &cfg);
	for (size_t i = 0; i < cfg.n_services; i++) {
		if (strcmp(cfg.services[i].name, "web-v6") == 0)
			web6 = &cfg.services[i];
		if (strcmp(cfg.services[i].name, "api") == 0)
			api = &cfg.services[i];
		for (size_t j = 0; j < cfg.services[i].n_backends; j++)
			draining += cfg.services[i].backends[j].state == CONF_BACKEND_DRAINING;
	}
	assert_non_null(web6);
	assert_addr(&web6->vip, "2001:db8::10");
	assert_int_equal(web6->n_backends, 3);
	assert_addr(&web6->backends[0].addr, "fd00:200::11");
	assert_addr(&web6->backends[1].addr, "fd00:200::12");
	assert_addr(&web6->backends[2].addr, "fd00:200::13");
	assert_int_equal(web6->drain_timeout_s, 600);
	assert_true(draining > 0);
	/* ipip with both outer families: IPv4 in IPv4 and IPv4 in IPv6. */
	assert_non_null(api);
	assert_int_equal(api->forward, CONF_FORWARD_IPIP);
	assert_true(api->has_encap_src4);
	assert_true(api->has_encap_src6);
	assert_cidr(&api->encap_src4, "10.255.0.0", 24);
	assert_cidr(&api->encap_src6, "fd00:255::", 64);
	assert_int_equal(api->drain_timeout_s, 300);
	assert_int_equal(api->backends[0].addr.family, AF_INET);
	assert_int_equal(api->backends[2].addr.family, AF_INET6);
	assert_int_equal(cfg.flows.size, 1048576);
	assert_int_equal(cfg.flows.udp_idle_timeout_s, 30);
	assert_int_equal(cfg.flows.new_flow_guard, 200000);
	for (size_t i = 0; i < cfg.filter.n_rules; i++) {
		const struct conf_rule *r = &cfg.filter.rules[i];
		int family = r->has_src ? r->src.addr.family : r->has_dst ? r->dst.addr.family : 0;

		v6_rules += family == AF_INET6;
		v4_rules += family == AF_INET;
		ranges += r->dport_lo != r->dport_hi && (r->dport_lo != 0 || r->dport_hi != 65535);
		counts += r->action == CONF_ACTION_COUNT;
		per_source += r->action == CONF_ACTION_RATE_LIMIT && r->limit.scope == CONF_LIMIT_SOURCE;
		flags += r->tcp_flags_mask != 0;
		icmp_types += r->has_icmp_type;
	}
	assert_true(v6_rules > 0);
	assert_true(v4_rules > 0);
	assert_true(ranges > 0);
	assert_true(counts > 0);
	assert_true(per_source > 0);
	assert_true(flags > 0);
	assert_true(icmp_types > 0);
	assert_int_equal(cfg.filter.exempt, CONF_EXEMPT_DEFAULT);
	/* Written last, matched first. */
	assert_string_equal(cfg.filter.rules[0].name, "pmtu-v6");
	assert_true(cfg.filter.rules[0].priority < 0);
	conf_free(&cfg);
}

/* The fleet's file: every node runs it, announcing through BIRD (fleet/bird-*.conf). */
static void test_fleet_example(void **state)
{
	struct conf cfg;

	(void)state;
	load_example("fleet/sluice.yaml", &cfg);
	assert_true(cfg.announce.set);
	assert_int_equal(cfg.announce.table, 200);
	assert_int_equal(cfg.announce.protocol, 201);
	assert_int_equal(cfg.n_services, 2);
	assert_int_equal(cfg.services[0].health.check, CONF_CHECK_TCP);
	assert_int_equal(cfg.services[1].forward, CONF_FORWARD_IPIP);
	conf_free(&cfg);
}

static void test_every_example_validates(void **state)
{
	DIR *dir = opendir(examples_dir);
	struct dirent *e;
	size_t seen = 0;

	(void)state;
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		struct conf cfg;

		if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		load_example(e->d_name, &cfg);
		assert_true(cfg.n_services > 0);
		conf_free(&cfg);
		seen++;
	}
	closedir(dir);
	assert_true(seen >= 2);
}

int main(int argc, char **argv)
{
	const size_t n_errors = sizeof(error_cases) / sizeof(error_cases[0]);
	const struct CMUnitTest valid[] = {
		cmocka_unit_test(test_nothing_is_an_empty_config),
		cmocka_unit_test(test_defaults_filled_in),
		cmocka_unit_test(test_settings_and_policy),
		cmocka_unit_test(test_settings_macs),
		cmocka_unit_test(test_rule_fields),
		cmocka_unit_test(test_exempt),
		cmocka_unit_test(test_priority_order),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_icmp_type),
		cmocka_unit_test(test_actions_and_limits),
		cmocka_unit_test(test_longest_name),
		cmocka_unit_test(test_service_fields),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_flows),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_http_defaults),
		cmocka_unit_test(test_ipip_services),
		cmocka_unit_test(test_vip_sharing),
		cmocka_unit_test(test_shared_backend_list),
		cmocka_unit_test(test_error_message_truncated_safely),
	};
	const struct CMUnitTest limits[] = {
		cmocka_unit_test(test_rule_limit),
		cmocka_unit_test(test_count_rule_limit),
		cmocka_unit_test(test_ten_thousand_rules),
		cmocka_unit_test(test_service_limit),
		cmocka_unit_test(test_backend_limit),
		cmocka_unit_test(test_table_size_must_hold_backends),
	};
	const struct CMUnitTest files[] = {
		cmocka_unit_test(test_every_mistake_reported),
		cmocka_unit_test(test_mistakes_capped),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_announce),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory_is_not_a_file),
		cmocka_unit_test(test_file_errors_name_the_file),
		cmocka_unit_test(test_huge_file_refused),
		cmocka_unit_test(test_deep_nesting_refused),
		cmocka_unit_test(test_too_many_values_refused),
		cmocka_unit_test(test_lab_example),
		cmocka_unit_test(test_edge_example),
		cmocka_unit_test(test_fleet_example),
		cmocka_unit_test(test_every_example_validates),
	};
	struct CMUnitTest *errors;
	int failed;

	if (argc != 2) {
		fprintf(stderr, "usage: %s EXAMPLES_DIR\n", argv[0]);
		return 2;
	}
	examples_dir = argv[1];
	errors = calloc(n_errors, sizeof(*errors));
	if (!errors)
		return 1;
	/* One named test per mistake, so a failure says which one. */
	for (size_t i = 0; i < n_errors; i++) {
		errors[i].name = error_cases[i].name;
		errors[i].test_func = test_error_case;
		errors[i].initial_state = (void *)&error_cases[i];
	}
	const struct test_part parts[] = {
		{ errors, n_errors },
		{ valid, sizeof(valid) / sizeof(valid[0]) },
		{ limits, sizeof(limits) / sizeof(limits[0]) },
		{ files, sizeof(files) / sizeof(files[0]) },
	};
	failed = run_one_group("conf", parts, sizeof(parts) / sizeof(parts[0]));
	free(errors);
	return failed ? 1 : 0;
}
