#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The filter with real traffic: rule sets swapped under a steady flow lose none of
# its packets; rate limits limit; a deny default keeps ARP, NDP and the operator's
# own session alive unless told otherwise; an apply that would cut that session
# needs --force; status shows what the rules compiled to, stats their hits; sluice
# monitor names the rule that dropped a packet, or the service that had no backend.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

LB4=10.200.0.3
LB6=fd00:200::3

# The lab's services, after a filter section read from stdin.
with_services()
{
	cat
	sed -n '/^services:/,$p' "$LAB_CONFIG"
}

# big_rules N: N deny rules that the lab's traffic never meets (prefixes outside it).
big_rules()
{
	local i

	for ((i = 0; i < $1; i++)); do
		case $((i % 4)) in
		0) printf '    - {proto: tcp, src: 172.%d.%d.0/24, dport: %d, action: deny}\n' \
			$((16 + i % 16)) $((i / 16 % 256)) $((1 + i % 1000)) ;;
		1) printf '    - {proto: udp, dst: 198.18.%d.%d, action: deny}\n' \
			$((i / 256 % 256)) $((i % 256)) ;;
		2) printf '    - {src: 172.31.%d.%d/32, dst: 198.19.0.0/16, action: deny}\n' \
			$((i / 256 % 256)) $((i % 256)) ;;
		*) printf '    - {proto: tcp, dport: %d-%d, tcp_flags: syn/syn|ack, action: deny}\n' \
			$((20000 + i)) $((20000 + i)) ;;
		esac
	done
}

with_services >"$TEST_TMP/small.yaml" <<'YAML'
filter:
  default: allow
  rules:
    - {name: no-redis, proto: tcp, dport: 6379, action: deny}
    - {name: dns-ok, proto: udp, dport: 53, src: 10.200.0.0/24, action: allow}
YAML
{
	printf 'filter:\n  default: allow\n  rules:\n'
	printf '    - {name: no-redis, proto: tcp, dport: 6379, action: deny}\n'
	big_rules 3000
	printf '    - {name: dns-ok, proto: udp, dport: 53, src: 10.200.0.0/24, action: allow}\n'
} | with_services >"$TEST_TMP/big.yaml"

lab_test_up "$TEST_TMP/small.yaml"

# --- atomic swaps under a steady flow ---------------------------------------------
lab_exec client python3 "$LAB_DIR/servers/udp_steady.py" "$LAB_VIP4" 53 8 \
	>"$TEST_TMP/steady" 2>&1 &
steady=$!
swaps=0 failed_swaps=0
sleep 0.3
while kill -0 "$steady" 2>/dev/null; do
	for cfg in big small; do
		if sluice apply eth0 -f "$TEST_TMP/$cfg.yaml" >"$TEST_TMP/swap" 2>&1; then
			swaps=$((swaps + 1))
		else
			failed_swaps=$((failed_swaps + 1))
			cat "$TEST_TMP/swap" >&2
		fi
	done
done
wait "$steady"
read -r _ sent _ answered <"$TEST_TMP/steady"
echo "# steady flow: ${sent:-?} sent, ${answered:-?} answered across $swaps rule-set swaps" >&2
check "rule sets of 3 and 3,002 rules swapped under traffic, every apply succeeded" \
	test "$swaps" -ge 6 -a "$failed_swaps" -eq 0
check "  the flow kept going (over 1,000 questions)" test "${sent:-0}" -gt 1000
check "  and no question of the allowed flow went unanswered" test "${answered:-x}" = "${sent:-y}"
check "  the filter dropped nothing" expect_exit 0 sluice stats eth0 --json
check "  (filter_drop stays 0)" python3 -c '
import json, sys
sys.exit(json.load(open(sys.argv[1]))["global"]["filter_drop"]["packets"] != 0)' "$TEST_TMP/out"
check "  the allowing rule counted the flow" python3 -c '
import json, sys
rules = {r["name"]: r for r in json.load(open(sys.argv[1]))["rules"]}
sys.exit(rules["dns-ok"]["packets"] < int(sys.argv[2]))' "$TEST_TMP/out" "${sent:-1}"

check "status shows the compiled filter" expect_exit 0 sluice status eth0
check "  its size and memory" output_has "filter compiled:"
check "status --json names the compiled maps" expect_exit 0 sluice status eth0 --json
check "  (table cells, prefixes, memory)" output_has '"memory_bytes"'
check "  the last set applied, 3 rules, is read from the fixed value" output_has '"hot_fixed":true'

# --- rate limits -------------------------------------------------------------------
with_services >"$TEST_TMP/limit.yaml" <<'YAML'
filter:
  rules:
    - {name: dns-limit, proto: udp, dport: 53, action: rate-limit, rate: 5/s, burst: 5, per: source}
YAML
check "a rate-limit rule applies" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/limit.yaml"
lab_exec client python3 "$LAB_DIR/servers/udp_steady.py" "$LAB_VIP4" 53 1 0.02 \
	>"$TEST_TMP/steady"
read -r _ sent _ answered <"$TEST_TMP/steady"
echo "# rate limit 5/s burst 5: ${sent:-?} sent, ${answered:-?} answered in 1 s" >&2
check "  of dozens of questions in a second, 5 to 12 answered (burst 5, then 5/s)" \
	test "${sent:-0}" -gt 30 -a "${answered:-0}" -ge 5 -a "${answered:-99}" -le 12
check "  stats shows what the limit dropped" expect_exit 0 sluice stats eth0
check "  (its LIMITED column)" output_matches "^dns-limit +[0-9]+ +[0-9]+ +[1-9][0-9]*$"
lab_exec client python3 "$LAB_DIR/servers/udp_steady.py" "$LAB_VIP4" 53 3 0.02 \
	>/dev/null 2>&1 &
steady=$!
check "stats --watch prints rates until interrupted" \
	expect_exit 0 lab_exec lb timeout -s INT --preserve-status 2.5 "$SLUICE" stats eth0 --watch
check "  and the rate of the rule that matches the flow" output_matches "^dns-limit +[1-9]"
wait "$steady"

# --- sluice monitor: why a packet was dropped ----------------------------------------
# The lab's config with every backend of dns draining: its table is empty, so a new
# flow to it has no backend.
awk '/name: dns/ { dns = 1 } dns && /weight: 100}/ { sub(/}$/, ", state: draining}") } 1' \
	"$LAB_CONFIG" >"$TEST_TMP/monitor.yaml"
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"
check "a config with dns's backends all draining applies" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/monitor.yaml"

# monitor_run NAME ARGS...: sluice monitor in the background until it exits, while the
# client sends what the rule no-redis denies and a new dns flow every 0.1 s.
monitor_run()
{
	local name=$1 mon i

	shift
	# Stopped after 15 s at most, so that a count never reached fails the checks.
	lab_exec lb timeout -s INT --preserve-status 15 "$SLUICE" monitor eth0 "$@" \
		>"$TEST_TMP/$name" 2>"$TEST_TMP/$name.err" &
	mon=$!
	for ((i = 0; i < 100; i++)); do
		kill -0 "$mon" 2>/dev/null || break
		lab_exec client socat -u - "TCP4:$LAB_VIP4:6379,connect-timeout=0.05" \
			</dev/null >/dev/null 2>&1
		echo q | lab_exec client socat -u - "UDP4-SENDTO:$LAB_VIP4:53" >/dev/null 2>&1
		sleep 0.1
	done
	wait "$mon"
}

# gate_is VALUE: the monitor's gate, as the data plane reads it.
gate_is()
{
	bpftool map dump pinned "$PIN/monitor_gate" | grep -q "\"monitor_gate\": $1\$"
}

check "monitor --drops --count 4 --pcap: exit 0" \
	monitor_run drops --drops --count 4 --pcap "$TEST_TMP/drops.pcap"
check "  names the rule that denied the packet" grep -Eq \
	"drop tcp 10\.200\.0\.2:[0-9]+ > 192\.0\.2\.10:6379 len [0-9]+: denied by rule no-redis$" \
	"$TEST_TMP/drops"
check "  and the service that had no backend" grep -Eq \
	"drop udp 10\.200\.0\.2:[0-9]+ > 192\.0\.2\.10:53 len [0-9]+: service dns has no backend$" \
	"$TEST_TMP/drops"
check "  four samples, every one a drop" test "$(grep -c ' drop ' "$TEST_TMP/drops")" -eq 4
check "  says how many it showed" grep -q "^sluice monitor: 4 samples shown" "$TEST_TMP/drops.err"
check "tcpdump -r reads the pcap back: the same four frames" \
	expect_exit 0 tcpdump -nr "$TEST_TMP/drops.pcap"
check "  the denied SYN and the datagram" \
	bash -c "grep -q '10.200.0.2.[0-9]* > 192.0.2.10.6379: Flags \[S\]' $TEST_TMP/out &&
		 grep -q '10.200.0.2.[0-9]* > 192.0.2.10.53: ' $TEST_TMP/out &&
		 test \$(grep -c '^[0-9]' $TEST_TMP/out) -eq 4"
check "the monitor is off once it stops: its gate reads 0" \
	gate_is 0

# --match, --json: only what the expression holds for, in sluice's names.
check "monitor --match 'rule no-redis' --json --count 2: exit 0" \
	monitor_run match --match "rule no-redis" --json --count 2
check "  two JSON lines, both the rule's drops" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 2, lines
for s in lines:
    assert (s["verdict"], s["reason"], s["rule"], s["proto"], s["dport"]) == \
        ("drop", "filter_drop", "no-redis", "tcp", 6379), s
    assert s["explanation"] == "denied by rule no-redis" and s["interface"] == "eth0", s' \
	"$TEST_TMP/match"

# Forwarded packets: the service and the backend that took them.
lab_exec lb timeout -s INT --preserve-status 15 "$SLUICE" monitor eth0 \
	--match "service web and dport 80" --count 1 \
	>"$TEST_TMP/fwd" 2>&1 &
mon=$!
for ((i = 0; i < 50; i++)); do
	kill -0 "$mon" 2>/dev/null || break
	lab_request "$LAB_VIP4" 80 >/dev/null 2>&1
	sleep 0.1
done
check "monitor of a forwarded request: exit 0" wait "$mon"
check "  names the service and its backend" grep -Eq \
	"^[0-9:.]+ tx tcp 10\.200\.0\.2:[0-9]+ > 192\.0\.2\.10:80 len [0-9]+: service web, to backend 10\.200\.0\.1[123]$" \
	"$TEST_TMP/fwd"

# The rate bounds what a flood costs; what it leaves out is counted and shown.
check "monitor --rate 1 --count 3 under steady drops (2 CPUs: over a second): exit 0" \
	monitor_run rate --drops --rate 1 --count 3
check "  tells how many packets it did not sample" grep -Eq \
	"^sluice monitor: 3 samples shown; [1-9][0-9]* packets not sampled" "$TEST_TMP/rate.err"

lab_exec lb timeout -s INT --preserve-status 2 "$SLUICE" monitor eth0 >/dev/null 2>&1 &
mon=$!
sleep 0.5
check "while a monitor runs its gate is set: 1000 a second per CPU" gate_is 1000
check "a second monitor of the same interface: exit 1" \
	expect_exit 1 sluice monitor eth0 --count 1
check "  says one runs already" output_has "another sluice monitor is running on eth0"
check "  the first stops on SIGINT: exit 0" wait "$mon"
check "  and turns sampling off" gate_is 0
check "--match naming a service eth0 lacks: exit 2" \
	expect_exit 2 sluice monitor eth0 --match "service nope"
check "  says so" output_has "sluice monitor: --match: eth0 has no service 'nope'"
check "  and leaves the monitor off" \
	gate_is 0

# --- a deny default spares ARP, NDP and the operator's session ----------------------
# resolves FAMILY ADDR: after a datagram to ADDR, the client has its link address.
resolves()
{
	local target=$2

	[[ $1 == 6 ]] && target="[$2]"
	lab_exec client ip "-$1" neigh flush dev eth0 >/dev/null 2>&1
	echo x | lab_exec client socat -u - "UDP$1-SENDTO:$target:9" >/dev/null 2>&1
	sleep 1.5
	lab_exec client ip "-$1" neigh show "$2" dev eth0 | grep -Eq 'REACHABLE|STALE|DELAY'
}

with_services >"$TEST_TMP/deny.yaml" <<'YAML'
filter:
  default: deny
  rules:
    - {name: web, proto: tcp, dport: 80, action: allow}
YAML
lab_exec lb socat TCP4-LISTEN:2222,reuseaddr,fork EXEC:cat >/dev/null 2>&1 &
lab_wait_tcp "$LB4" 2222 >/dev/null 2>&1
lab_conn_open mgmt "$LB4" 2222 40022
lab_conn_send mgmt hello
check "a session to the sluice node is up" test "$(lab_conn_read mgmt)" = hello
export_session="SSH_CONNECTION=10.200.0.2 40022 $LB4 2222"
check "a deny default applies from inside that session" \
	expect_exit 0 lab_exec lb env "$export_session" "$SLUICE" apply eth0 -f "$TEST_TMP/deny.yaml"
lab_conn_send mgmt still-here
check "  the session survives it" test "$(lab_conn_read mgmt)" = still-here
check "  a new connection to the same port is dropped" \
	expect_exit 1 lab_exec client socat -T 2 - "TCP4:$LB4:2222,connect-timeout=2" </dev/null
check "  ARP still resolves the node" resolves 4 "$LB4"
check "  NDP still resolves the node" resolves 6 "$LB6"
check "  stats counts the spared neighbour discovery" expect_exit 0 sluice stats eth0
check "  (neighbour discovery line)" output_has "(neighbour discovery)"

sed 's/^  default: deny/  default: deny\n  exempt: []/' "$TEST_TMP/deny.yaml" >"$TEST_TMP/strict.yaml"
check "exempt: [] with the session open is refused" \
	expect_exit 2 lab_exec lb env "$export_session" "$SLUICE" apply eth0 -f "$TEST_TMP/strict.yaml"
check "  with a warning naming the session" output_has "would deny your own session from 10.200.0.2 port 40022"
check "  and asking for --force" output_has "--force"
check "exempt: [] outside any session applies" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/strict.yaml"
check "  and then NDP is denied too" expect_exit 1 resolves 6 "$LB6"

{
	printf 'filter:\n  rules:\n'
	printf '    - {name: block-admin, src: 10.200.0.2/32, action: deny}\n'
} | with_services >"$TEST_TMP/block.yaml"
sluice apply eth0 -f "$TEST_TMP/deny.yaml" >/dev/null 2>&1
check "a rule that denies the operator's address is refused" \
	expect_exit 2 lab_exec lb env "$export_session" "$SLUICE" apply eth0 -f "$TEST_TMP/block.yaml"
check "  naming the rule and where it is" output_has "rule 'block-admin' at $TEST_TMP/block.yaml:3:7"
check "  and nothing changed" expect_exit 0 sluice status eth0
check "  (block-admin is not live)" bash -c "! grep -q block-admin $TEST_TMP/out"
check "with --force it applies" expect_exit 0 \
	lab_exec lb env "$export_session" "$SLUICE" apply eth0 --force -f "$TEST_TMP/block.yaml"
lab_conn_send mgmt gone
check "  and the session is cut, as asked" expect_exit 1 lab_conn_read mgmt
lab_conn_close mgmt

# --- mistakes in filter rules --------------------------------------------------------
printf 'filter:\n  rules:\n    - {proto: udp, tcp_flags: syn, action: deny}\n' >"$TEST_TMP/bad.yaml"
check "tcp_flags on udp: exit 2" expect_exit 2 sluice apply eth0 -f "$TEST_TMP/bad.yaml"
check "  at its line and column" output_has "$TEST_TMP/bad.yaml:3:31:"
printf 'filter:\n  rules:\n    - {proto: udp, action: rate-limit}\n' >"$TEST_TMP/bad.yaml"
check "rate-limit without rate: exit 2" expect_exit 2 sluice validate -f "$TEST_TMP/bad.yaml"
check "  says what is missing" output_has "no 'rate'"

lab_test_done
