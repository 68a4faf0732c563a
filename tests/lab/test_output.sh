#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# status and stats at scale: 100 services (names up to 21 characters, half of them
# IPv6) fit 80 columns on a terminal, through a pipe and with COLUMNS=80; -o, --sort,
# --service and --backend do what they say, and each wrong one gets its clear error;
# the JSON forms carry their schema version; stats --watch rates what happened in
# the interval from its first tick on, and picks up what an apply adds while it runs.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

python3 "$LAB_DIR/configs/many_services.py" 100 >"$TEST_TMP/many.yaml"
lab_test_up "$TEST_TMP/many.yaml"

# fits FILE: no line of FILE is wider than 80 columns (says which are).
fits()
{
	local wide

	wide=$(awk 'length($0) > 80 { n++ } END { print n + 0 }' "$1")
	((wide == 0)) || { awk 'length($0) > 80' "$1" | head -3 | sed 's/^/  | /' >&2; false; }
}

# json_expr FILE PYTHON-EXPR: EXPR holds for j, the JSON object in FILE.
json_expr()
{
	python3 -c 'import json, sys, time
j = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$1" "$2"
}

# --- wrong input: each its own error, exit 2 for the command line, 1 for the state ----
check "status -o with an unknown column: exit 2" expect_exit 2 sluice status -o NAME,BOGUS
check "  names it and lists the columns" \
	output_has "unknown column 'BOGUS' (columns: NAME, VIP, PORT, PROTO, FORWARD"
check "status -o with a column twice: exit 2" expect_exit 2 sluice status -o NAME,VIP,name
check "  says so" output_has "column NAME is listed twice"
check "status --sort with an unknown column: exit 2" expect_exit 2 sluice status --sort size
check "  names it" output_has "--sort: unknown column 'size'"
check "status --backend that is no address: exit 2" expect_exit 2 sluice status --backend 10.200.0.x
check "  says so" output_has "--backend '10.200.0.x' is not an IPv4 or IPv6 address"
check "status --service of no service: exit 1" expect_exit 1 sluice status --service dns-9B
check "  names it and the closest one" output_has "no service 'dns-9B' on eth0 (did you mean 'dns-98'?)"
check "status --backend of no backend: exit 1" expect_exit 1 sluice status --backend 10.200.0.99
check "  says so" output_has "no backend 10.200.0.99 on eth0"
check "status --service and --backend that match apart but not together: exit 1" \
	expect_exit 1 sluice status --service web-0 --backend fd00:200::11
check "  says so" output_has "no backend fd00:200::11 in service web-0 on eth0"
check "stats -o of a column of --watch only: exit 2" expect_exit 2 sluice stats -o NAME,PKT/S
check "  names it" output_has "unknown column 'PKT/S'"
check "stats --interval without --watch: exit 2" expect_exit 2 sluice stats --interval 2
check "  says it goes with --watch" output_has "--interval goes with --watch"
for bad in 0 0.05 abc 2s 3601; do
	check "stats --watch --interval $bad: exit 2" expect_exit 2 sluice stats --watch --interval "$bad"
	check "  says what it takes" output_has "--interval '$bad' is not a number of seconds from 0.1 to 3600"
done
check "stats --json --prometheus: exit 2" expect_exit 2 sluice stats --json --prometheus
check "stats --watch --service of no service: exit 1 at once" \
	expect_exit 1 lab_exec lb timeout 5 "$SLUICE" stats --watch --service nosuch
check "  says so" output_has "no service 'nosuch' on eth0"
check "status --help lists the columns" expect_exit 0 sluice status --help
check "  (SHARE, and MAC among those not shown by default)" \
	eval 'output_has "  SHARE     a backend'"'"'s share of the Maglev table (shown)" &&
	      output_matches "^  MAC +a backend.s MAC"'
check "stats --help lists the columns of --watch too" expect_exit 0 sluice stats --help
check "  (BYTES/S)" output_matches "^  BYTES/S +bytes per second"

# --- 80 columns ---------------------------------------------------------------------
for i in $(seq 1 30); do lab_request "$LAB_VIP4" 80 >/dev/null 2>&1; done
for cmd in status stats; do
	sluice "$cmd" >"$TEST_TMP/$cmd.pipe" 2>&1
	lab_exec lb env COLUMNS=80 "$SLUICE" "$cmd" >"$TEST_TMP/$cmd.80" 2>&1
	echo "# $cmd of 100 services: $(wc -l <"$TEST_TMP/$cmd.pipe") lines," \
		"$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$TEST_TMP/$cmd.pipe") columns"
	check "$cmd of 100 services through a pipe fits 80 columns" fits "$TEST_TMP/$cmd.pipe"
	check "$cmd of 100 services with COLUMNS=80 fits 80 columns" fits "$TEST_TMP/$cmd.80"
done
sed -n '/^NAME /,/^$/p' "$TEST_TMP/status.pipe" >"$TEST_TMP/services.table"
check "  the services table has every service and backend" \
	test "$(grep -cE '^[a-z][a-z0-9-]*-[0-9]+ ' "$TEST_TMP/services.table")" -eq 100 -a \
	     "$(grep -cE '^[|`]-(10\.200\.0\.|fd00:200::)1[123] ' "$TEST_TMP/services.table")" -eq 300
check "  totals come first" eval 'sed -n 6p "$TEST_TMP/status.pipe" |
	grep -q "^services: 100, backends: 300, filter rules: 4$"'
check "  a 21-character name and an IPv6 VIP stay in their columns" eval '
	hdr=$(grep -m1 "^NAME " "$TEST_TMP/status.pipe")
	row=$(grep -m1 "^recommendations-v2-11 " "$TEST_TMP/status.pipe")
	vip=${hdr%%VIP*}; port=${hdr%%PORT*}
	[[ ${row:${#vip}:12} == 2001:db8::10 && ${row:$((${#port} + 4)):1} == " " ]]'

# A real terminal of 80 columns: tmux runs status in it (`script` keeps what it
# prints), with three more columns than fit; through a pipe the same is wider.
TMUX_SOCKET="sluice-$LAB_PREFIX-$$"
tmux -L "$TMUX_SOCKET" new-session -d -s out -x 80 -y 40 \
	"nsenter --net=/run/netns/$(lab__ns lb) script -qfec '$SLUICE status -o +TABLE,SLOTS,ID' $TEST_TMP/status.tty >/dev/null"
for _ in $(seq 1 50); do
	tmux -L "$TMUX_SOCKET" has-session -t out 2>/dev/null || break
	sleep 0.1
done
tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1
sed -e '1d' -e '$d' -e 's/\r$//' "$TEST_TMP/status.tty" >"$TEST_TMP/status.term"
check "status with 3 columns more is wider than 80 through a pipe" \
	eval 'sluice status -o +TABLE,SLOTS,ID >"$TEST_TMP/wide" && ! fits "$TEST_TMP/wide"'
check "  but fits an 80-column terminal" \
	eval 'grep -q "^NAME .* ID" "$TEST_TMP/status.term" && fits "$TEST_TMP/status.term"'

# --- columns, filters, sorting --------------------------------------------------------
check "status -o NAME,MAC" expect_exit 0 sluice status -o NAME,MAC
check "  has just those two columns" output_matches "^NAME +MAC *$"
check "  and each backend's MAC" output_matches "^[|\`]-10\.200\.0\.11 +([0-9a-f]{2}:){5}[0-9a-f]{2}$"
check "status -o +ID adds ID to the shown columns" expect_exit 0 sluice status -o +id
check "  (last)" output_matches "^NAME +VIP +PORT +PROTO +FORWARD +WEIGHT +SHARE +STATE +ID$"
check "status --service dns-98" expect_exit 0 sluice status --service dns-98
check "  shows that service and its three backends only" \
	eval 'test "$(sed -n "/^NAME /,\$p" "$TEST_TMP/out" | wc -l)" -eq 5 && output_matches "^dns-98 "'
check "  and no rules" eval '! grep -q "filter rules (first match wins)" "$TEST_TMP/out"'
check "status --backend fd00:200:0::12 (any spelling of it)" \
	expect_exit 0 sluice status --backend fd00:200:0::12
check "  shows the 50 IPv6 services, each with that backend only" \
	eval 'test "$(grep -c "^[|\`]-fd00:200::12 " "$TEST_TMP/out")" -eq 50 &&
	      test "$(grep -cE "^[|\`]-" "$TEST_TMP/out")" -eq 50'
check "status --service web-0 --sort weight" expect_exit 0 sluice status --service web-0 --sort weight
check "  orders its backends heaviest first" eval '
	test "$(grep -oE "^[|\`]-10\.200\.0\.1[123]" "$TEST_TMP/out" | cut -c3- | xargs)" = \
		"10.200.0.13 10.200.0.12 10.200.0.11"'
check "stats --sort packets" expect_exit 0 sluice stats --sort packets
check "  puts dns-98, the one with traffic, first" \
	eval 'sed -n "/^NAME /{n;p;q}" "$TEST_TMP/out" | grep -qE "^dns-98 +[1-9]"'
check "stats --service dns-98 -o NAME,VIP,PORT,PROTO,PACKETS" \
	expect_exit 0 sluice stats --service dns-98 -o NAME,VIP,PORT,PROTO,PACKETS
check "  shows its address as the config has it" output_matches "^dns-98 +192\.0\.2\.10 +80 +tcp +[1-9]"

# --- JSON -------------------------------------------------------------------------------
sluice status --json >"$TEST_TMP/status.json"
check "status --json: schema_version 2, vip, port and proto apart, no rule counter slot" \
	json_expr "$TEST_TMP/status.json" 'j["schema_version"] == 2 and
	    j["services"][0]["vip"] == "192.0.2.10" and j["services"][0]["port"] == 1000 and
	    j["services"][0]["proto"] == "tcp" and j["services"][1]["vip"] == "2001:db8::10" and
	    all("counter" not in r for r in j["rules"])'
sluice stats --json --service dns-98 >"$TEST_TMP/stats.json"
check "stats --json: schema_version, interface, timestamp, the one service asked for" \
	json_expr "$TEST_TMP/stats.json" 'j["schema_version"] == 2 and j["interface"] == "eth0" and
	    abs(j["timestamp"] - time.time()) < 30 and [s["name"] for s in j["services"]] == ["dns-98"]
	    and j["services"][0]["port"] == 80 and j["services"][0]["packets"] > 0'
printf 'services:\n  - name: web\n    vip: 192.0.2.10\n    porto: 80\n    forwrd: l2dsr\n' \
	>"$TEST_TMP/bad.yaml"
check "validate --json of an unknown key: exit 2" \
	expect_exit 2 lab_exec lb "$SLUICE" validate --json -f "$TEST_TMP/bad.yaml"
cp "$TEST_TMP/out" "$TEST_TMP/validate.json"
check "  the error with its line and column, on stdout as JSON" \
	json_expr "$TEST_TMP/validate.json" 'j["valid"] is False and j["errors"][0]["line"] == 4 and
	    j["errors"][0]["column"] == 5 and "porto" in j["errors"][0]["message"] and
	    j["errors"][0]["file"].endswith("bad.yaml")'
check "  every mistake, one entry each, in the order of the file" \
	json_expr "$TEST_TMP/validate.json" 'len(j["errors"]) == 2 and j["errors"][1]["line"] == 5
	    and "forwrd" in j["errors"][1]["message"]'
check "apply --json --dry-run of the running file: nothing to change" \
	expect_exit 0 sluice apply --json --dry-run -f "$TEST_TMP/many.yaml"
cp "$TEST_TMP/out" "$TEST_TMP/apply.json"
check "  (result planned, no map updates)" json_expr "$TEST_TMP/apply.json" \
	'j["result"] == "planned" and j["map_updates"] == 0 and j["changes"] == [] and j["exit_code"] == 0'
check "apply --json of an invalid file: exit 2" expect_exit 2 sluice apply --json -f "$TEST_TMP/bad.yaml"
cp "$TEST_TMP/out" "$TEST_TMP/apply.json"
check "  the error among its messages, on stdout as JSON" json_expr "$TEST_TMP/apply.json" \
	'j["result"] == "refused" and j["exit_code"] == 2 and any("porto" in m for m in j["messages"])'

# --- stats --watch ------------------------------------------------------------------------
# Everything counted so far (30 requests and more) must not show as the first tick's rate.
before=$(sluice stats --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["global"]["rx"]["packets"])')
lab_exec lb timeout -s INT --preserve-status 2.7 "$SLUICE" stats --watch --json \
	>"$TEST_TMP/quiet.jsonl" 2>&1
echo "# rx before the watch: $before packets; first tick: $(head -c 300 "$TEST_TMP/quiet.jsonl")"
check "stats --watch --json: a line per second, each a JSON object" \
	eval 'test "$(wc -l <"$TEST_TMP/quiet.jsonl")" -eq 2 &&
	      python3 -c "import json, sys; [json.loads(l) for l in open(sys.argv[1])]" "$TEST_TMP/quiet.jsonl"'
check "  its first tick rates the last second, not everything counted before ($before packets)" \
	python3 -c 'import json, sys
t = json.loads(open(sys.argv[1]).readline())
dns = [s for s in t["services"] if s["name"] == "dns-98"][0]
sys.exit(not (t["schema_version"] == 2 and t["interface"] == "eth0" and 0.8 < t["interval"] < 1.3
	      and t["global"]["rx"]["packets_per_second"] < int(sys.argv[2]) / 4
	      and dns["packets_per_second"] == 0 and "bytes_per_second" in dns))' \
	"$TEST_TMP/quiet.jsonl" "$before"

# An apply while watching adds a service (udp/53, where the backends answer) and a rule.
sed -e 's/^  rules:$/  rules:\n    - {name: late-count, proto: udp, dport: 53, action: count}/' \
	"$TEST_TMP/many.yaml" >"$TEST_TMP/more.yaml"
cat >>"$TEST_TMP/more.yaml" <<'YAML'
  - name: late-dns
    vip: 192.0.2.10
    port: 53
    proto: udp
    table_size: 251
    backends:
      - {addr: 10.200.0.11, weight: 100}
YAML
lab_spawn lb sh -c 'exec "$0" stats eth0 --watch --json --interval 0.5 >"$1"' \
	"$SLUICE" "$TEST_TMP/late.jsonl"
watcher=$LAB_SPAWNED
sleep 1.2
check "an apply adding a service and a rule while stats --watch runs" \
	expect_exit 0 sluice apply -f "$TEST_TMP/more.yaml"
sent=0
for i in $(seq 1 40); do
	lab_udp_request "$LAB_VIP4" 53 >/dev/null 2>&1 && sent=$((sent + 1))
	sleep 0.05
done
sleep 1.2
lab_stop "$watcher" INT
echo "# $sent UDP requests to the new service while watching"
check "  the watch shows the new service's rate, never more than was sent" \
	python3 -c 'import json, sys
ticks = [json.loads(l) for l in open(sys.argv[1])]
rates = [(s["packets_per_second"] * t["interval"]) for t in ticks for s in t["services"]
	 if s["name"] == "late-dns"]
sys.exit(not (rates and max(rates) > 0 and sum(rates) <= int(sys.argv[2]) + 2))' \
	"$TEST_TMP/late.jsonl" "$sent"
check "  and the new rule's" python3 -c 'import json, sys
ticks = [json.loads(l) for l in open(sys.argv[1])]
sys.exit(not any(r["name"] == "late-count" and r["packets_per_second"] > 0
		 for t in ticks for r in t["rules"]))' "$TEST_TMP/late.jsonl"
lab_traffic 3
check "stats --watch for people while traffic runs" \
	expect_exit 0 lab_exec lb timeout -s INT --preserve-status 2.5 "$SLUICE" stats --watch
check "  a timestamped line of totals per tick, bytes per second too" \
	output_matches "^[0-9]{2}:[0-9]{2}:[0-9]{2} UTC eth0 \(1\.[0-9] s\): rx [0-9.]+ pkt/s, [0-9.]+ B/s$"
check "  the busy service and its backends with packets and bytes per second" \
	output_matches "^dns-98 +[0-9]+\.[0-9] +[0-9]+\.[0-9]"
check "  and fits 80 columns" fits "$TEST_TMP/out"

lab_test_done
