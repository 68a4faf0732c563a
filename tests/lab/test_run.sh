#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `sluice run`, the daemon, with real traffic: it adopts an attached node without a
# blip; a backend whose server dies takes no new flows within fall x interval (+1
# interval) while no other connection breaks, and takes flows again after rise
# checks; a bad file written over the good one is refused and traffic flows on, the
# fixed file applies; files it includes are watched as it is (a glob gaining or
# losing a file too); an apply killed inside its commit is finished by the daemon
# from its journal; SIGKILL and a restart go unnoticed by a long-lived
# connection; with `established: keep`, a connection to a backend that goes down
# stays on it while new flows avoid it; a backend that never answers ARP (l2dsr,
# or an ipip backend's next hop) is left out without stalling the reload, and
# comes in by itself when it answers; a new metrics address is taken up at reload,
# one that cannot be bound keeps the old; SIGTERM leaves the data plane forwarding.
# Every mistake a user can make on the command line gets its clear error.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

INTERVAL=1
FALL=2
RISE=2
DAEMON_PID=

# write_config FILE [EXTRA_BACKEND]: web health-checked over TCP, dns unchecked, api
# and kept over HTTP (kept keeps a down backend's established flows); with $IPIP,
# tunnel's one ipip backend behind a next hop. The filter's default is $DEFAULT,
# with the VIP's ports allowed; metrics listen on $LISTEN_PORT.
DEFAULT=allow
IPIP=
METRICS_PORT=9455
LISTEN_PORT=$METRICS_PORT
KEPT_PORT=7000
TUNNEL_BACKEND=10.201.0.5
TUNNEL_HOP=10.200.0.21

# scrape [PORT]: the daemon's /metrics, from the node itself, into $TEST_TMP/scrape.prom.
scrape()
{
	lab_exec lb python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode())' \
		"http://127.0.0.1:${1:-$METRICS_PORT}/metrics" >"$TEST_TMP/scrape.prom"
}

# scraped_value SAMPLE: its value in a fresh scrape (SAMPLE: name and labels, exactly).
scraped_value()
{
	scrape && awk -v s="$1" '$1 == s { print $2 }' "$TEST_TMP/scrape.prom"
}

# now_ms: a clock for the figures this test reports.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
since() { awk -v t="$1" -v n="$(now_ms)" 'BEGIN { printf "%.2f", (n - t) / 1000 }'; }

# scraped SAMPLE VALUE-REGEX: a fresh scrape has SAMPLE (name and labels) at a value.
scraped()
{
	scrape && grep -qE "^$1 $2\$" "$TEST_TMP/scrape.prom" || {
		echo "  no '$1 $2' in:" >&2
		grep -F "${1%%\{*}" "$TEST_TMP/scrape.prom" | sed 's/^/  | /' >&2
		return 1
	}
}

write_config()
{
	{
		printf 'metrics: {listen: "127.0.0.1:%s"}\n' "$LISTEN_PORT"
		printf 'filter:\n  default: %s\n  rules:\n' "$DEFAULT"
		printf '    - {proto: tcp, dst: %s, dport: 80, action: allow}\n' "$LAB_VIP4"
		printf '    - {proto: udp, dst: %s, dport: 53, action: allow}\n' "$LAB_VIP4"
		printf 'services:\n'
		printf '  - name: web\n    vip: %s\n    port: 80\n    proto: tcp\n' "$LAB_VIP4"
		printf '    health: {check: tcp, port: 80, interval: %ss, timeout: 1s, ' "$INTERVAL"
		printf 'rise: %s, fall: %s}\n' "$RISE" "$FALL"
		printf '    backends:\n'
		printf '      - {addr: 10.200.0.11}\n      - {addr: 10.200.0.12}\n'
		printf '      - {addr: 10.200.0.13}\n'
		[[ -n ${2-} ]] && printf '      - {addr: %s}\n' "$2"
		printf '  - name: dns\n    vip: %s\n    port: 53\n    proto: udp\n' "$LAB_VIP4"
		printf '    backends: [{addr: 10.200.0.11}, {addr: 10.200.0.12}]\n'
		printf '  - name: api\n    vip: %s\n    port: 8080\n    proto: tcp\n' "$LAB_VIP4"
		printf '    health: {check: http, port: 8081, path: /healthz, interval: 1s, '
		printf 'rise: 1, fall: 1}\n'
		printf '    backends: [{addr: 10.200.0.11}, {addr: 10.200.0.12}]\n'
		printf '  - name: kept\n    vip: %s\n    port: %s\n    proto: tcp\n' "$LAB_VIP4" "$KEPT_PORT"
		printf '    health: {check: http, port: 8082, interval: 1s, rise: 1, fall: 1, '
		printf 'established: keep}\n'
		printf '    backends: [{addr: 10.200.0.11}, {addr: 10.200.0.12}]\n'
		if [[ -n $IPIP ]]; then
			printf '  - name: tunnel\n    vip: %s\n    port: 9000\n    proto: tcp\n' "$LAB_VIP4"
			printf '    forward: ipip\n    encap_source: 10.255.0.0/16\n'
			printf '    backends: [{addr: %s}]\n' "$TUNNEL_BACKEND"
		fi
	} >"$1.new" && mv "$1.new" "$1"
}

stop_daemon()
{
	[[ -n $DAEMON_PID ]] || return 0
	kill "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

run_cleanup()
{
	stop_daemon
	lab_conn_close long
	lab_conn_close kept
	[[ -n ${NOTIFY_PID-} ]] && kill "$NOTIFY_PID" 2>/dev/null
	lab_test_cleanup
}

# start_daemon: sluice run in lb's namespace, its log in $TEST_TMP/daemon.log, systemd's
# notifications (READY=1, STATUS=) in $TEST_TMP/notify.log.
start_daemon()
{
	# nsenter execs sluice in place: $! is the daemon itself, for the signals below.
	NOTIFY_SOCKET="$TEST_TMP/notify" nsenter --net="/run/netns/$(lab__ns lb)" \
		"$SLUICE" run eth0 -f "$TEST_TMP/run.yaml" >>"$TEST_TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
}

# wait_for SECONDS CMD...: until CMD succeeds; fails after SECONDS.
wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

daemon_says() { grep -qF -- "$1" "$TEST_TMP/daemon.log"; }
status_says() { sluice status | grep -qE -- "$1"; }
# daemon_json PYTHON_EXPR: true when the expression holds of status --json's "daemon" (d).
daemon_json()
{
	sluice status --json | python3 -c 'import json, sys
root = json.load(sys.stdin)
d = root["daemon"]
if eval(sys.argv[1]):
	sys.exit(0)
print("  daemon:", [(b["service"], b["addr"], b["health"], b["reason"]) for b in d.get("backends", [])], file=sys.stderr)
sys.exit(1)' "$1"
}
ready_count() { grep -c '^READY=1' "$TEST_TMP/notify.log" 2>/dev/null; }
ready_more_than() { (($(ready_count) > $1)); }
health_of() # SERVICE ADDR
{
	sluice status --json | python3 -c 'import json, sys
d = json.load(sys.stdin)["daemon"]
print(next(b["health"] for b in d.get("backends", []) if b["service"] == sys.argv[1] and b["addr"] == sys.argv[2]))' "$1" "$2"
}
is_health() { [[ $(health_of "$1" "$2") == "$3" ]]; }

still_echoes()
{
	round=$((${round:-0} + 1))
	lab_conn_send long "ping-$round" && [[ $(lab_conn_read long) == "ping-$round" ]]
}

# new_flows_avoid BE N: N new connections, none to BE, every one answered.
new_flows_avoid()
{
	spread "$2" lab_request "$LAB_VIP4" 80 >"$TEST_TMP/spread"
	cat "$TEST_TMP/spread" >&2
	! grep -qE " ($1|no-answer)$" "$TEST_TMP/spread"
}

# no_reply NODE SOCAT_ADDRESS: a TCP connection from NODE gets no answer.
no_reply() { ! lab_exec "$1" timeout 3 socat -T1 - "$2" </dev/null 2>/dev/null | grep -q .; }

new_flows_reach() { spread "$2" lab_request "$LAB_VIP4" 80 | grep -q " $1$"; }

server_stop() # BE
{
	local pid start

	read -r pid start <"$(lab__run_dir)/$1-tcp-80.pid"
	[[ $(lab__starttime "$pid") == "$start" ]] && kill "$pid"
}

server_start() # BE
{
	lab__serve "$1" tcp-80 socat TCP6-LISTEN:80,ipv6only=0,reuseaddr,fork \
		SYSTEM:"echo $1; exec cat"
	lab_wait_tcp "$1" "${LAB_IP4[$1]}" 80
}

# ---- mistakes on the command line: exit 2, a clear message, nothing started ----
write_config "$TEST_TMP/run.yaml"
check "run without -f is a usage error" expect_exit 2 "$SLUICE" run eth0
check "... that says -f is required" output_has "-f CONFIG is required"
check "run with an unknown mode" expect_exit 2 "$SLUICE" run eth0 -f "$TEST_TMP/run.yaml" --mode turbo
check "... names it" output_has "unknown mode 'turbo' (native or generic)"
check "run with two interfaces" expect_exit 2 "$SLUICE" run eth0 eth1 -f "$TEST_TMP/run.yaml"
check "... says too many arguments" output_has "too many arguments"
check "run with a missing file" expect_exit 2 "$SLUICE" run eth0 -f "$TEST_TMP/none.yaml"
check "... says it cannot read it" output_has "cannot read $TEST_TMP/none.yaml: No such file"
printf 'services:\n  - name: web\n    vip: 192.0.2.10\n    proto: tcp\n    health: {check: tcp, port: 80, fall: 0}\n    backends: [{addr: 10.200.0.11}]\n' >"$TEST_TMP/bad-health.yaml"
check "run with a bad health key is refused" expect_exit 2 "$SLUICE" run eth0 -f "$TEST_TMP/bad-health.yaml"
check "... at its FILE:LINE:COL" output_has "$TEST_TMP/bad-health.yaml:5:42: fall 0 is out of range 1..100"
check "run on an interface that does not exist" expect_exit 1 "$SLUICE" run nosuch0 -f "$TEST_TMP/run.yaml"
check "... names it" output_has "no interface nosuch0"

# ---- adopt an attached node without a blip ----
lab_test_up "$TEST_TMP/run.yaml"
trap run_cleanup EXIT
# api's health endpoints on be1 and be2 answer what $TEST_TMP/api-BE says.
# kept's: health endpoints on 8082 that answer what $TEST_TMP/kept-BE says, and an
# echo server. All started before any is waited for.
for be in be1 be2; do
	lab__serve "$be" http-8081 python3 "$LAB_DIR/servers/http_status.py" 8081 "$TEST_TMP/api-$be"
	lab__serve "$be" http-8082 python3 "$LAB_DIR/servers/http_status.py" 8082 "$TEST_TMP/kept-$be"
	lab__serve "$be" tcp-$KEPT_PORT socat TCP6-LISTEN:$KEPT_PORT,ipv6only=0,reuseaddr,fork \
		SYSTEM:"echo $be; exec cat"
done
for be in be1 be2; do
	for port in 8081 8082 "$KEPT_PORT"; do
		lab__wait_listen "$be" "$port" || bail_out "nothing listens on $be:$port"
	done
done
python3 "$LAB_DIR/servers/notify_sink.py" "$TEST_TMP/notify" "$TEST_TMP/notify.log" &
NOTIFY_PID=$!
prog_before=$(sluice status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["program"]["id"])')
lab_conn_open long "$LAB_VIP4" 80
pinned=$(lab_conn_read long)
echo "# long-lived connection on $pinned" >&2
victim=be1
[[ $pinned == be1 ]] && victim=be2
start_daemon
check "run adopts the attached node and says READY=1" wait_for 10 ready_more_than 0
check "... the same program stays attached" daemon_json "root['program']['id'] == $prog_before"
check "... its first apply changed nothing" daemon_says "eth0: no changes"
check "... the connection opened before it still echoes" still_echoes
check "status shows the daemon's pid" status_says "daemon: pid [0-9]+"
check "status --json: running, its config, last reload applied" \
	daemon_json "d['running'] and d['config'] == '$TEST_TMP/run.yaml' and d['last_reload']['result'] == 'applied'"
check "systemd was told the daemon's status" grep -q '^STATUS=eth0: 4 services, 9 backends' "$TEST_TMP/notify.log"
check "health checks find every web backend up" wait_for $((RISE * INTERVAL + 3)) is_health web 10.200.0.11 up

# ---- a backend's server dies, then comes back ----
server_stop "$victim"
killed=$(now_ms)
check "the dead backend is down within fall x interval + 1 interval" \
	wait_for $(((FALL + 1) * INTERVAL + 1)) is_health web "${LAB_IP4[$victim]}" down
echo "# detection: $victim's server killed -> down in $(since "$killed") s (fall $FALL, interval ${INTERVAL}s)" >&2
check "... the reason is logged (refused)" daemon_says "backend ${LAB_IP4[$victim]} is down: $FALL checks failed, the last refused"
check "... new connections avoid it and are all answered" new_flows_avoid "$victim" 30
check "... the connection to another backend never noticed" still_echoes
victim_up="sluice_backend_up\\{interface=\"eth0\",service=\"web\",backend=\"${LAB_IP4[$victim]}\"\\}"
check "... /metrics says it is down" scraped "$victim_up" 0
check "... and counts its refused checks" scraped \
	"sluice_health_checks_total\\{interface=\"eth0\",service=\"web\",backend=\"${LAB_IP4[$victim]}\",result=\"refused\"\\}" "[1-9][0-9]*"
server_start "$victim"
restarted=$(now_ms)
check "the restarted backend is up again after rise checks" \
	wait_for $(((RISE + 1) * INTERVAL + 1)) is_health web "${LAB_IP4[$victim]}" up
echo "# detection: $victim's server restarted -> up in $(since "$restarted") s (rise $RISE, interval ${INTERVAL}s)" >&2
check "... and takes new flows" new_flows_reach "$victim" 30
check "... /metrics says it is up" scraped "$victim_up" 1
check "the daemon's /metrics passes promtool check metrics" \
	eval 'scrape && promtool check metrics <"$TEST_TMP/scrape.prom"'
check "... with the data plane's counters, run time and the daemon's applies" eval '
	grep -qE "^sluice_backend_packets_total\{.*service=\"web\".* [1-9]" "$TEST_TMP/scrape.prom" &&
	grep -qE "^sluice_program_runs_total\{interface=\"eth0\"\} [1-9]" "$TEST_TMP/scrape.prom" &&
	grep -qE "^sluice_applies_total\{interface=\"eth0\",result=\"applied\"\} [1-9]" "$TEST_TMP/scrape.prom" &&
	grep -qE "^sluice_health_check_duration_seconds_count\{interface=\"eth0\"\} [1-9]" "$TEST_TMP/scrape.prom"'
check "... and answers 404 elsewhere" eval '! lab_exec lb python3 -c "import urllib.request
urllib.request.urlopen(\"http://127.0.0.1:$METRICS_PORT/other\", timeout=3)" 2>/dev/null'
check "... the long connection still echoes" still_echoes

# ---- HTTP checks: a status other than expect takes a backend down ----
check "http checks find api's backends up" wait_for 5 is_health api 10.200.0.12 up
echo 503 >"$TEST_TMP/api-be1"
check "an HTTP 503 takes the backend down" wait_for 4 is_health api 10.200.0.11 down
check "... logged with the status" daemon_says "service api: backend 10.200.0.11 is down: 1 checks failed, the last HTTP 503"
check "... status says why" status_says "^api +10.200.0.11 +down +HTTP 503"
check "... it is out of api's table, the other stays" \
	daemon_json "[[b['addr'] for b in s['backends']] for s in root['services'] if s['name'] == 'api'] == [['10.200.0.12']]"
echo 503 >"$TEST_TMP/api-be2"
check "when every backend is down, all of them take flows again (logged)" \
	wait_for 4 daemon_says "service api: every backend is down; all of them keep taking flows"
check "... both are in api's table" \
	wait_for 3 daemon_json "[len(s['backends']) for s in root['services'] if s['name'] == 'api'] == [2]"
rm -f "$TEST_TMP/api-be1" "$TEST_TMP/api-be2"
check "answering 200 again brings them up" wait_for 4 is_health api 10.200.0.11 up

# ---- established: keep: a connection stays on a backend that goes down ----
check "kept's backends are up" wait_for 5 eval 'is_health kept 10.200.0.11 up && is_health kept 10.200.0.12 up'
lab_conn_open kept "$LAB_VIP4" "$KEPT_PORT"
kept_on=$(lab_conn_read kept)
kept_other=be1
[[ $kept_on == be1 ]] && kept_other=be2
echo "# kept's long-lived connection on $kept_on" >&2
kept_echoes()
{
	kept_round=$((${kept_round:-0} + 1))
	lab_conn_send kept "kept-$kept_round" && [[ $(lab_conn_read kept) == "kept-$kept_round" ]]
}
kept_new_flows_on() # BE N: N new connections to kept, every one answered by BE
{
	spread "$2" lab_request "$LAB_VIP4" "$KEPT_PORT" >"$TEST_TMP/spread"
	cat "$TEST_TMP/spread" >&2
	[[ $(awk '{ print $2 }' "$TEST_TMP/spread") == "$1" ]]
}
echo 503 >"$TEST_TMP/kept-$kept_on"
check "established: keep: the connection's backend goes down" \
	wait_for 4 is_health kept "${LAB_IP4[$kept_on]}" down
check "... it drains: still in kept's table, draining" wait_for 3 daemon_json \
	"[b['state'] for s in root['services'] if s['name'] == 'kept' for b in s['backends'] if b['addr'] == '${LAB_IP4[$kept_on]}'] == ['draining']"
check "... the long-lived connection to it still echoes" kept_echoes
check "... new connections all go to the other backend" kept_new_flows_on "$kept_other" 20
check "... and the connection still echoes after them" kept_echoes
rm -f "$TEST_TMP/kept-$kept_on"
check "... back up, it takes new flows again" eval 'wait_for 4 is_health kept "${LAB_IP4[$kept_on]}" up &&
	spread 20 lab_request "$LAB_VIP4" "$KEPT_PORT" | grep -q " $kept_on\$"'
check "... the connection still echoes" kept_echoes
lab_conn_close kept

# ---- SIGHUP reloads ----
kill -HUP "$DAEMON_PID"
check "SIGHUP reloads the file" wait_for 5 daemon_says "reloading $TEST_TMP/run.yaml (SIGHUP)"

# ---- a bad file over the good one is refused; fixing it applies it ----
printf 'services:\n  - name: web\n    vip: 192.0.2.10\n    port: eighty\n' >"$TEST_TMP/run.yaml"
check "a bad file written over the good one is refused at its FILE:LINE:COL" \
	wait_for 5 daemon_says "$TEST_TMP/run.yaml:4:11: port 'eighty' is not a whole number"
check "... status says the last reload was refused" status_says "last reload .*: refused: .*run.yaml:4:11"
check "... traffic keeps flowing to every backend" new_flows_avoid no-such-backend 20
check "... the long connection still echoes" still_echoes
write_config "$TEST_TMP/run.yaml"
check "fixing the file applies it" wait_for 5 daemon_json "d['last_reload']['result'] == 'applied'"

# ---- included files are watched too: one written, one a glob gains, one it loses ----
included_rules_are() # NAMES...: the live filter's rules named inc-* are exactly these
{
	sluice status --json | python3 -c 'import json, sys
names = sorted(r["name"] for r in json.load(sys.stdin)["rules"] if r["name"].startswith("inc-"))
sys.exit(0 if names == sorted(sys.argv[1:]) else print("  rules:", names, file=sys.stderr) or 1)' "$@"
}
include_rule() # FILE NAME PORT: an included file of one rule
{
	printf 'filter:\n  rules:\n    - {name: %s, proto: tcp, dst: %s, dport: %s, action: deny}\n' \
		"$2" "$LAB_VIP4" "$3" >"$1.new" && mv "$1.new" "$1"
}
mkdir -p "$TEST_TMP/rules.d"
include_rule "$TEST_TMP/rules.d/a.yaml" inc-a 81
{ cat "$TEST_TMP/run.yaml"; printf 'include: rules.d/*.yaml\n'; } >"$TEST_TMP/run.yaml.new" &&
	mv "$TEST_TMP/run.yaml.new" "$TEST_TMP/run.yaml"
check "a file that includes rules.d/*.yaml applies its rule" wait_for 5 included_rules_are inc-a
printf 'filter:\n  rules:\n    - {name: inc-a2, proto: tcp, dst: %s, dport: 82, action: deny}\n' \
	"$LAB_VIP4" >"$TEST_TMP/rules.d/a.yaml"
check "writing the included file in place reloads" wait_for 5 included_rules_are inc-a2
check "... and the log names the file that changed" \
	daemon_says "reloading $TEST_TMP/run.yaml ($TEST_TMP/rules.d/a.yaml changed)"
include_rule "$TEST_TMP/rules.d/b.yaml" inc-b 83
check "a new file the glob matches reloads" wait_for 5 included_rules_are inc-a2 inc-b
rm "$TEST_TMP/rules.d/b.yaml"
check "removing it reloads without its rule" wait_for 5 included_rules_are inc-a2
reloads=$(scraped_value 'sluice_reloads_total{interface="eth0",result="applied"}')
echo "not a rule file" >"$TEST_TMP/rules.d/notes.txt"
sleep 1
check "a file the glob does not match changes nothing" \
	test "$(scraped_value 'sluice_reloads_total{interface="eth0",result="applied"}')" = "$reloads"
printf 'filter:\n  rules:\n    - {name: inc-a2, proto: tcp, dport: eighty, action: deny}\n' \
	>"$TEST_TMP/rules.d/a.yaml"
check "a bad included file is refused at its FILE:LINE:COL" \
	wait_for 5 daemon_says "$TEST_TMP/rules.d/a.yaml:3:41: dport 'eighty' is not a port"
check "... and the running rules stay" included_rules_are inc-a2
write_config "$TEST_TMP/run.yaml"
check "the file without the include drops the included rules" wait_for 5 included_rules_are

# ---- an apply killed by hand inside its commit: the daemon finishes it from its
# journal within a second, no command needed. The daemon is stopped (SIGSTOP) while
# the apply is killed at one write point after another until one leaves the journal.
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"
include_rule "$TEST_TMP/killed-rule.yaml" inc-killed 84
{ cat "$TEST_TMP/run.yaml"; printf 'include: killed-rule.yaml\n'; } >"$TEST_TMP/killed.yaml"
kill -STOP "$DAEMON_PID"
journal_at=
for ((n = 1; n < 100; n++)); do
	lab_exec lb env SLUICE_FAULT_WRITE="$n" "$SLUICE" apply eth0 -f "$TEST_TMP/killed.yaml" \
		>"$TEST_TMP/out" 2>&1
	(($? == 137)) || break
	if [[ -e $PIN/journal ]]; then
		journal_at=$n
		break
	fi
done
kill -CONT "$DAEMON_PID"
check "an apply killed at write $journal_at leaves its journal" test -n "$journal_at"
check "... the daemon finishes it, no command run" wait_for 3 test ! -e "$PIN/journal"
check "... and says so" daemon_says "eth0: an interrupted apply was finished from its journal"
check "... the killed apply's config runs whole" included_rules_are inc-killed
check "... sealed: status finds nothing changed behind sluice's back" \
	daemon_json "not root.get('tampered')"
kill -HUP "$DAEMON_PID"
check "SIGHUP puts the daemon's own file back" wait_for 5 included_rules_are

# ---- SIGKILL, restart: a long-lived connection never notices ----
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
check "after SIGKILL status reports the daemon not running" status_says "daemon: not running"
check "... the data plane forwards on" new_flows_avoid no-such-backend 10
ready_before=$(ready_count)
: >"$TEST_TMP/daemon.log"
start_daemon
check "the restarted daemon is ready" wait_for 10 ready_more_than "$ready_before"
check "... its apply of the same file wrote nothing" daemon_says "eth0: no changes"
check "... the long connection never noticed" still_echoes

# ---- neighbours that never answered ARP: their backends are left out and the reload
# does not wait for them; they come in by themselves, no reload, when they answer ----
lab_exec lb sysctl -qw net.ipv4.conf.eth0.forwarding=1
lab_exec lb ip route add 10.201.0.0/24 via "$TUNNEL_HOP" dev eth0
IPIP=1
applied_lines() { grep -c "run.yaml applied" "$TEST_TMP/daemon.log"; }
applied_before=$(applied_lines)
t=$(now_ms)
write_config "$TEST_TMP/run.yaml" 10.200.0.20
check "a file with backends whose neighbours do not answer ARP applies" \
	wait_for 10 eval '(($(applied_lines) > applied_before))'
took=$(since "$t")
echo "# the reload with two silent neighbours took $took s (write to applied)" >&2
check "... at once, not waiting for them (under 2 s)" awk "BEGIN { exit !($took < 2) }"
check "... the l2dsr backend is left out" daemon_says "backend 10.200.0.20 left out until its neighbour answers"
check "... and the ipip backend behind its silent next hop" \
	daemon_says "service tunnel: backend $TUNNEL_BACKEND left out until its neighbour answers"
check "... both are reported unresolved" \
	eval 'is_health web 10.200.0.20 unresolved && is_health tunnel $TUNNEL_BACKEND unresolved'
check "... /metrics says so" \
	scraped "sluice_backend_unresolved\\{interface=\"eth0\",service=\"tunnel\",backend=\"$TUNNEL_BACKEND\"\\}" 1
reloads=$(scraped_value 'sluice_reloads_total{interface="eth0",result="applied"}')
check "... the other backends take new flows" new_flows_avoid no-such-backend 20
check "... the long connection still echoes" still_echoes
ip -n "$(lab__ns be3)" address add 10.200.0.20/24 dev eth0
check "when the l2dsr backend answers, it is in the service" \
	wait_for 10 daemon_json "any(b['addr'] == '10.200.0.20' for s in root['services'] for b in s['backends'])"
check "... and its health is checked" wait_for $((RISE * INTERVAL + 3)) is_health web 10.200.0.20 up
ip -n "$(lab__ns be2)" address add "$TUNNEL_HOP/24" dev eth0
check "when the ipip backend's next hop answers, the backend is in tunnel" \
	wait_for 10 daemon_json "[[b['addr'] for b in s['backends']] for s in root['services'] if s['name'] == 'tunnel'] == [['$TUNNEL_BACKEND']]"
check "... /metrics no longer counts it unresolved" \
	scraped "sluice_backend_unresolved\\{interface=\"eth0\",service=\"tunnel\",backend=\"$TUNNEL_BACKEND\"\\}" 0
check "... neither came in by a reload" \
	test "$(scraped_value 'sluice_reloads_total{interface="eth0",result="applied"}')" = "$reloads"

# ---- metrics: listen follows the file; an address that cannot be bound keeps the old ----
not_served() { ! scrape "$1" 2>/dev/null; }
LISTEN_PORT=9456
write_config "$TEST_TMP/run.yaml" 10.200.0.20
check "a reload with another metrics address serves there" wait_for 5 scrape 9456
check "... and no longer at the old one" wait_for 3 not_served "$METRICS_PORT"
METRICS_PORT=9456
lab_spawn lb socat TCP4-LISTEN:9457,bind=127.0.0.1 -
HOLDER=$LAB_SPAWNED
lab__wait_listen lb 9457 || bail_out "nothing holds 127.0.0.1:9457"
LISTEN_PORT=9457
write_config "$TEST_TMP/run.yaml" 10.200.0.20
check "a metrics address in use is logged with the kernel's reason" \
	wait_for 5 daemon_says "metrics: cannot listen on 127.0.0.1:9457: Address already in use"
check "... the reload still applied" daemon_json "d['last_reload']['result'] == 'applied'"
check "... the old listener still serves, and counts the failure" \
	scraped 'sluice_metrics_listen_failures_total\{interface="eth0"\}' 1
lab_stop "$HOLDER"
LISTEN_PORT=$METRICS_PORT

# ---- a deny default spares the checks' replies, and nothing else ----
DEFAULT=deny
write_config "$TEST_TMP/run.yaml" 10.200.0.20
check "a deny default applies" wait_for 5 daemon_json "root['rules'][-1]['action'] == 'deny'"
read -r checks_before downs_before < <(sluice status --json | python3 -c 'import json, sys
b = [x for x in json.load(sys.stdin)["daemon"]["backends"] if x["service"] == "web"]
print(sum(x["counts"]["checks"] for x in b), sum(x["counts"]["went_down"] for x in b))')
# Enough checks under the deny default for a fall to show: each web backend checked
# more than FALL times (the state the daemon reports lags by up to a second).
web_checks=$((4 * (FALL + 1)))
check "... the health checks still pass: every web backend stays up" eval '
	wait_for $(((FALL + 3) * INTERVAL + 3)) daemon_json \
		"sum(b[\"counts\"][\"checks\"] for b in d[\"backends\"] if b[\"service\"] == \"web\") >= $checks_before + $web_checks" &&
	daemon_json "all(b[\"health\"] == \"up\" for b in d[\"backends\"] if b[\"service\"] == \"web\") and sum(b[\"counts\"][\"went_down\"] for b in d[\"backends\"] if b[\"service\"] == \"web\") == $downs_before"'
check "... their replies are counted as spared" bash -c "nsenter --net=/run/netns/$(lab__ns lb) '$SLUICE' stats --json | python3 -c 'import json, sys; r = [x for x in json.load(sys.stdin)[\"rules\"] if x[\"name\"] == \"(health checks)\"]; sys.exit(0 if r and r[0][\"packets\"] > 0 else 1)'"
check "... new connections to the VIP are answered" new_flows_avoid no-such-backend 10
check "... from a backend, another source port is still denied" \
	no_reply be1 "TCP4:${LAB_IP4[lb]}:6379,sourceport=8081,connect-timeout=1"
check "... and from another host the check port is too" \
	no_reply client "TCP4:${LAB_IP4[lb]}:6379,sourceport=80,connect-timeout=1"
check "... the long connection still echoes" still_echoes

# ---- SIGTERM leaves the data plane forwarding ----
kill -TERM "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=
check "SIGTERM stops the daemon with exit 0" test "$rc" = 0
check "... sluice stays attached" daemon_json "root['program']['attached'] and not d['running']"
check "... new connections are still answered" new_flows_avoid no-such-backend 10
check "... the long connection still echoes" still_echoes
check "... status says no daemon runs" status_says "daemon: none"

lab_test_done
