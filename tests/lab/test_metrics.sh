#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The metrics of a real node with traffic: `stats --prometheus` passes promtool,
# `stats --serve` answers HTTP as documented, and a real Prometheus server (in the
# sluice node's namespace, on its loopback) scrapes both it and the daemon's own
# /metrics (`sluice run` with `metrics: listen`): it sees forwarded packets at a
# non-zero rate from each, and the daemon's health of every backend. Every address
# or flag a user can get wrong gets its error.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

SERVE=127.0.0.1:9444
DAEMON=127.0.0.1:9445
PROM=127.0.0.1:9090

# http METHOD URL: from the sluice node; prints the status, the content type, the body.
http()
{
	lab_exec lb python3 -c '
import sys, urllib.request as u, urllib.error
opener = u.build_opener(u.ProxyHandler({}))
try:
    r = opener.open(u.Request(sys.argv[2], method=sys.argv[1]), timeout=5)
except urllib.error.HTTPError as e:
    r = e
print(r.status if hasattr(r, "status") else r.code)
print(r.headers.get("Content-Type"))
sys.stdout.write(r.read().decode())' "$1" "$2"
}

# wait_for WHAT CMD...: CMD succeeds within 20 s (by the clock, however slow CMD is).
wait_for()
{
	local what=$1 deadline=$((SECONDS + 20))

	shift
	until "$@" >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			echo "  $what: not within 20 s" >&2
			return 1
		fi
		sleep 0.5
	done
}

# metric_value FILE NAME LABEL-SUBSTRING: the value of the first matching sample.
metric_value()
{
	awk -v name="$1" -v want="$3" 'index($0, name "{") == 1 && index($0, want) {
		print $NF; exit }' "$2"
}

positive()
{
	awk -v v="$1" 'BEGIN { exit !(v > 0) }' || { echo "  '$1' is not > 0" >&2; return 1; }
}

lab_test_up

# --- stats --prometheus: once, for node_exporter's textfile collector --------------------
lab_traffic 3
wait "$TRAFFIC"
sluice stats eth0 --prometheus >"$TEST_TMP/once.prom"
check "stats --prometheus passes promtool check metrics" promtool check metrics <"$TEST_TMP/once.prom"
check "  counts forwarded packets" positive \
	"$(metric_value sluice_packets_total "$TEST_TMP/once.prom" 'counter="lb_forward"')"
check "  counts web's packets with interface, service and vip" positive \
	"$(metric_value sluice_service_packets_total "$TEST_TMP/once.prom" \
	   'interface="eth0",service="web",vip="192.0.2.10:80/tcp"')"
check "  counts new flows on a backend" positive \
	"$(metric_value sluice_backend_new_flows_total "$TEST_TMP/once.prom" 'service="web"')"
check "  gives the flow table's size" test \
	"$(metric_value sluice_flow_table_size "$TEST_TMP/once.prom" 'eth0')" -gt 0
check "  counts the rules" grep -q '^sluice_rule_packets_total{interface="eth0",rule="no-redis"} ' \
	"$TEST_TMP/once.prom"

# --- what a user can get wrong -----------------------------------------------------------
for bad in "127.0.0.1" "127.0.0.1:0" "127.0.0.1:65536" "::1:9444" "[::1:9444" \
	   "localhost:9444" "127.0.0.1:http"; do
	check "stats --serve '$bad' is a usage error" expect_exit 2 sluice stats eth0 --serve "$bad"
	check "  saying why" output_has "sluice stats: --serve '$bad'"
done
check "stats --serve without an address is a usage error" expect_exit 2 sluice stats eth0 --serve
check "stats --serve with --prometheus is a usage error" \
	expect_exit 2 sluice stats eth0 --prometheus --serve "$SERVE"
check "  saying they do not go together" output_has "do not go together"
check "stats --metrics (unknown flag) is a usage error" expect_exit 2 sluice stats eth0 --metrics
check "stats --serve on an address not on the node fails" \
	expect_exit 1 sluice stats eth0 --serve 10.9.9.9:9444
check "  with the kernel's reason" output_has "cannot listen on 10.9.9.9:9444: Cannot assign requested address"

# --- stats --serve: /metrics over HTTP -----------------------------------------------------
lab_spawn lb "$SLUICE" stats eth0 --serve "$SERVE"
SERVER=$LAB_SPAWNED
check "stats --serve answers" wait_for "the server" http GET "http://$SERVE/metrics"
http GET "http://$SERVE/metrics" >"$TEST_TMP/get"
check "  GET /metrics: 200 in the exposition format" \
	test "$(head -2 "$TEST_TMP/get" | tr '\n' ' ')" = "200 text/plain; version=0.0.4; charset=utf-8 "
tail -n +3 "$TEST_TMP/get" >"$TEST_TMP/served.prom"
check "  what it serves passes promtool check metrics" \
	promtool check metrics <"$TEST_TMP/served.prom"
http HEAD "http://$SERVE/metrics" >"$TEST_TMP/head"
check "  HEAD /metrics: 200, no body" test "$(wc -l <"$TEST_TMP/head")" -eq 2 -a \
	"$(head -1 "$TEST_TMP/head")" = 200
check "  GET /: 404" test "$(http GET "http://$SERVE/" | head -1)" = 404
check "  GET /metrics/x: 404" test "$(http GET "http://$SERVE/metrics/x" | head -1)" = 404
check "  POST /metrics: 405" test "$(http POST "http://$SERVE/metrics" | head -1)" = 405
check "a second --serve on the same port fails" expect_exit 1 sluice stats eth0 --serve "$SERVE"
check "  saying the port is in use" output_has "cannot listen on $SERVE: Address already in use"

# --- the daemon, on the same node: lab.yaml with web health-checked, and metrics ----------
{
	printf 'metrics: {listen: "%s"}\n' "$DAEMON"
	sed '/table_size: 65537/a\    health: {check: tcp, port: 80, interval: 1s, rise: 1}' "$LAB_CONFIG"
} >"$TEST_TMP/run.yaml"
lab_spawn lb "$SLUICE" run eth0 -f "$TEST_TMP/run.yaml"
RUN=$LAB_SPAWNED
check "sluice run serves its own /metrics" wait_for "the daemon's server" http GET "http://$DAEMON/metrics"
http GET "http://$DAEMON/metrics" | tail -n +3 >"$TEST_TMP/daemon.prom"
check "  what it serves passes promtool check metrics" promtool check metrics <"$TEST_TMP/daemon.prom"

# --- a real Prometheus scrapes both ---------------------------------------------------------
mkdir -p "$TEST_TMP/prom"
cat >"$TEST_TMP/prom/prometheus.yml" <<-YAML
	global:
	  scrape_interval: 1s
	  scrape_timeout: 1s
	scrape_configs:
	  - job_name: sluice
	    static_configs:
	      - targets: ['$SERVE']
	  - job_name: sluice-run
	    static_configs:
	      - targets: ['$DAEMON']
YAML
lab_spawn lb prometheus --config.file="$TEST_TMP/prom/prometheus.yml" \
	--storage.tsdb.path="$TEST_TMP/prom/data" --web.listen-address="$PROM" \
	--log.level=warn
PROMETHEUS=$LAB_SPAWNED

# query EXPR: the first value of an instant query, or nothing.
query()
{
	http GET "http://$PROM/api/v1/query?query=$(python3 -c \
		'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")" |
		tail -n +3 | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")'
}

# targets: what Prometheus says of its scrapes, when a check of it failed.
targets()
{
	http GET "http://$PROM/api/v1/targets" | tail -n +3 | python3 -c '
import json, sys
for t in json.load(sys.stdin)["data"]["activeTargets"]:
    print("  target", t["scrapeUrl"], t["health"], t["lastError"])' >&2
}

target_up()
{
	test "$(query "up{job=\"$1\"}")" = 1
}

# count_is EXPR N: an instant query's first value is N.
count_is()
{
	test "$(query "$1")" = "$2"
}

check "Prometheus scrapes stats --serve: the target is up" wait_for "the target up" target_up sluice
check "  and the daemon: its target is up" wait_for "the target up" target_up sluice-run
# both_rising EXPR: a rate above 0 from both targets, stats --serve and the daemon.
both_rising()
{
	count_is "count(rate($1[5s]) > 0)" 2
}

lab_traffic 20
for expr in 'sluice_service_packets_total{service="web"}' \
	    'sluice_packets_total{counter="lb_forward"}' 'sluice_program_runs_total'; do
	check "  both see a non-zero rate of $expr" wait_for "both rates above 0" both_rising "$expr"
done
check "  sluice-run: sluice_backend_up is 1 for each of web's three backends" \
	wait_for "three backends up" count_is 'sum(sluice_backend_up{job="sluice-run",service="web"})' 3
check "  sluice-run: and has no sample for dns's unchecked backends" \
	count_is 'count(sluice_backend_up{job="sluice-run",service="dns"}) or vector(0)' 0
((TEST_FAILED)) && targets
wait "$TRAFFIC"
check "Prometheus stops" lab_stop "$PROMETHEUS"
check "sluice run stops on SIGTERM, exit 0" lab_stop "$RUN"
check "stats --serve stops on SIGINT, exit 0" lab_stop "$SERVER" INT

lab_test_done
