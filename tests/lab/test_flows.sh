#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The flow table and what watches it, with real traffic:
# - stats count the new and active flows the test created, per service and backend;
# - flows.udp_idle_timeout: a UDP flow idle past the timeout is re-hashed
#   (flow_expired) and then follows the current Maglev table;
# - flows.new_flow_guard: a flood of spoofed SYNs into a small table (flows.size 1024)
#   does not evict an established connection's flow (flow_guard_skip counts what the
#   guard kept out); the same flood without the guard does;
# - sluice watch: a backend whose MAC changes keeps its traffic; without watch its
#   flows are blackholed until the next apply;
# - the mistakes a user can make in these settings are refused, nothing applied.
# shellcheck source=tests/lab/lbtest.sh
source "$(dirname "$0")/lbtest.sh"

IDLE=5		# flows.udp_idle_timeout, seconds
FLOOD=5000	# spoofed SYN flows, each sent twice (five times the table)

WATCH_PID=
flows_cleanup()
{
	if [[ -n $WATCH_PID ]]; then
		kill "$WATCH_PID" 2>/dev/null
		wait "$WATCH_PID" 2>/dev/null
	fi
	lab_test_cleanup
}

# flow_stat SERVICE [BACKEND] FIELD: new_flows or active_flows of a service or backend.
flow_stat()
{
	if (($# == 2)); then
		stat_json "next(x for x in s['services'] if x['name'] == '$1')['$2']"
	else
		stat_json "next(b for b in next(x for x in s['services'] if x['name'] == '$1')['backends'] if b['addr'] == '${LAB_IP4[$2]}')['$3']"
	fi
}

# stat_is WANT SERVICE [BACKEND] FIELD
stat_is()
{
	local want=$1 got

	shift
	got=$(flow_stat "$@") || return 1
	[[ $got == "$want" ]] || { echo "  $* = $got, expected $want" >&2; return 1; }
}

lb_config "$TEST_TMP/base.yaml" flows.size=1024 "flows.udp_idle_timeout=${IDLE}s" be1 be2 be3
lb_config "$TEST_TMP/heavy3.yaml" flows.size=1024 "flows.udp_idle_timeout=${IDLE}s" \
	be1 be2 be3:300
lab_test_up "$TEST_TMP/base.yaml"
trap flows_cleanup EXIT

# --- stats: new and active flows -----------------------------------------------------

# TCP first: UDP flows stop counting as active after IDLE seconds, and every check
# below reads one snapshot taken right after them, however long the checks take.
spread 30 lab_request "$LAB_VIP4" 80 >"$TEST_TMP/tcp"
udp_flows 20000 300 >"$TEST_TMP/udp"
sluice stats eth0 --json >"$TEST_TMP/stats.json"
STATS_SNAPSHOT=$TEST_TMP/stats.json
check "300 UDP flows all answered" all_answered "$TEST_TMP/udp"
echo "# udp: $(awk '{ print $2 }' "$TEST_TMP/udp" | sort | uniq -c | xargs)"
echo "# tcp: $(xargs <"$TEST_TMP/tcp")"
check "stats: dns counted 300 new flows" stat_is 300 dns new_flows
check "stats: dns counts 300 active flows" stat_is 300 dns active_flows
check "stats: web counted 30 new flows" stat_is 30 web new_flows
check "stats: web counts 30 active flows" stat_is 30 web active_flows
for be in be1 be2 be3; do
	n=$(answered_by "$TEST_TMP/udp" "$be")
	check "stats: dns backend $be counted its $n new flows" stat_is "$n" dns "$be" new_flows
	check "stats: dns backend $be counts its $n active flows" stat_is "$n" dns "$be" active_flows
	n=$(awk -v be="$be" '$2 == be { print $1 }' "$TEST_TMP/tcp")
	check "stats: web backend $be counted its ${n:-0} new flows" \
		stat_is "${n:-0}" web "$be" new_flows
	check "stats: web backend $be counts its ${n:-0} active flows" \
		stat_is "${n:-0}" web "$be" active_flows
done
STATS_SNAPSHOT=
check "sluice stats shows the flow counters" expect_exit 0 sluice stats eth0
check "  (new flows)" output_has "new"
check "  (active flows)" output_has "active"

# --- flows.udp_idle_timeout ------------------------------------------------------------

udp_flows 20000 300 >"$TEST_TMP/udp-a"
sent=$EPOCHREALTIME
check "apply making be3 three times heavier succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/heavy3.yaml"
expired_before=$(global_stat flow_expired)
udp_flows 20000 300 >"$TEST_TMP/udp-b"
# A flow's seen time is refreshed about once a second: the flows are surely not idle
# yet if less than IDLE - 2 seconds went by since they were last sent.
if awk -v a="$sent" -v b="$EPOCHREALTIME" -v t="$IDLE" 'BEGIN { exit !(b - a < t - 2) }'; then
	check "within the idle timeout every UDP flow keeps its backend" \
		cmp "$TEST_TMP/udp-a" "$TEST_TMP/udp-b"
	check "  and none expired" test "$(global_stat flow_expired)" -eq "$expired_before"
else
	echo "# the flows may have been idle too long already: within-timeout check skipped"
fi
sleep $((IDLE + 2))
check "past the idle timeout no UDP flow counts as active" stat_is 0 dns active_flows
expired_before=$(global_stat flow_expired)
udp_flows 20000 300 >"$TEST_TMP/udp-c"
check "idle UDP flows answered again" all_answered "$TEST_TMP/udp-c"
expired=$(($(global_stat flow_expired) - expired_before))
check "each of the 300 idle flows expired once (flow_expired +$expired)" test "$expired" -eq 300
moved=$(awk 'NR == FNR { was[$1] = $2; next } $2 != was[$1]' "$TEST_TMP/udp-a" "$TEST_TMP/udp-c" | wc -l)
echo "# after the idle timeout $moved of 300 flows changed backend (be3 now weighs 3/5)"
check "some flows followed the new weights to be3" \
	awk -v m="$moved" 'BEGIN { exit !(m > 0) }'
check "UDP flows count as active again" stat_is 300 dns active_flows

# What Maglev gives these flows on a fresh table with the same backends.
sluice detach eth0 >/dev/null
sluice attach eth0 -f "$TEST_TMP/heavy3.yaml" >/dev/null || bail_out "attach failed"
udp_flows 20000 300 >"$TEST_TMP/udp-fresh"
check "re-hashed flows went where Maglev sends them" cmp "$TEST_TMP/udp-c" "$TEST_TMP/udp-fresh"

# --- flows.new_flow_guard ----------------------------------------------------------------

# other_than BE: the lab backends but BE.
other_than()
{
	local be

	for be in be1 be2 be3; do
		[[ $be == "$1" ]] || echo "$be"
	done
}

# flood_then_drain ID GUARD: with new_flow_guard GUARD, a connection ID from source
# port SPORT, a flood of spoofed SYNs (each twice, as retransmitting senders do), then
# its backend drained: it goes on working only if the flood left its flow in the table.
flood_then_drain()
{
	local id=$1 guard=$2 sport=$3 be

	lb_config "$TEST_TMP/guard.yaml" flows.size=1024 "flows.new_flow_guard=$guard" be1 be2 be3
	sluice apply eth0 -f "$TEST_TMP/guard.yaml" >/dev/null || return 1
	lab_conn_open "$id" "$LAB_VIP4" 80 "$sport" || return 1
	be=$(lab_conn_read "$id") || return 1
	lab_conn_send "$id" before && lab_conn_read "$id" >/dev/null || return 1
	lab_exec client python3 "$LAB_DIR/servers/syn_flood.py" "$LAB_VIP4" 80 "$FLOOD" 2 >&2 ||
		return 1
	# shellcheck disable=SC2046 # one word per backend
	lb_config "$TEST_TMP/guard-drain.yaml" flows.size=1024 "flows.new_flow_guard=$guard" \
		"$be:100:draining" $(other_than "$be")
	sluice apply eth0 -f "$TEST_TMP/guard-drain.yaml" >/dev/null || return 1
	echo "# connection $id on $be, $be drained after the flood" >&2
}

still_echoes()
{
	lab_conn_send "$1" after && [[ $(lab_conn_read "$1") == after ]]
}

broken()
{
	! still_echoes "$1" 2>/dev/null
}

skip_before=$(global_stat flow_guard_skip)
flood_then_drain guarded 100 40000 || bail_out "could not set up the guarded flood"
skipped=$(($(global_stat flow_guard_skip) - skip_before))
echo "# guard 100/s: flow_guard_skip +$skipped over $((2 * FLOOD)) spoofed SYNs"
check "with the guard, the established connection survives the flood and its drain" \
	still_echoes guarded
check "  and the guard kept most SYNs out (flow_guard_skip +$skipped)" \
	test "$skipped" -ge $((FLOOD / 2))
lab_conn_close guarded

flood_then_drain unguarded 0 40001 || bail_out "could not set up the unguarded flood"
check "without the guard, the flood evicts the connection's flow: the drain breaks it" \
	broken unguarded
lab_conn_close unguarded

# --- sluice watch ----------------------------------------------------------------------

sluice apply eth0 -f "$TEST_TMP/base.yaml" >/dev/null || bail_out "apply of the base config failed"
udp_flows 23000 60 >"$TEST_TMP/mac-before"
all_answered "$TEST_TMP/mac-before" || bail_out "no answers before the MAC change"

# be1 takes a new MAC and makes itself heard: its next packet to lb comes after an ARP
# request from the new MAC, which updates lb's neighbour entry.
new_mac()
{
	lab_exec be1 ip link set dev eth0 address "$1" &&
	lab_exec be1 ip neigh flush dev eth0 &&
	lab_exec be1 bash -c "echo hello >/dev/udp/${LAB_IP4[lb]}/9"
}

# be1_mac_is MAC: status shows be1 with MAC (in both services), within LAB_WAIT s.
be1_mac_is()
{
	local deadline=$((EPOCHSECONDS + LAB_WAIT))

	until [[ $(sluice status eth0 --json | grep -c "\"mac\":\"$1\"") == 2 ]]; do
		((EPOCHSECONDS < deadline)) || { echo "  status never showed be1 at $1" >&2; return 1; }
		sleep 0.2
	done
}

# exec, so that $! is sluice itself (nsenter execs it), which SIGTERM must stop.
(exec nsenter --net="/run/netns/$LAB_PREFIX-lb" -- "$SLUICE" watch eth0 \
	>"$TEST_TMP/watch" 2>&1) &
WATCH_PID=$!
# It follows the neighbour table once it says what it watches.
for _ in $(seq 50); do
	grep -q "watching" "$TEST_TMP/watch" && break
	sleep 0.1
done
new_mac 02:00:00:00:01:11
check "with sluice watch, be1's new MAC reaches the backends map" be1_mac_is 02:00:00:00:01:11
udp_flows 23000 60 >"$TEST_TMP/mac-watch"
check "  and be1's flows still reach it" cmp "$TEST_TMP/mac-before" "$TEST_TMP/mac-watch"
kill -TERM "$WATCH_PID"
rc=0
wait "$WATCH_PID" || rc=$?
WATCH_PID=
check "sluice watch exits cleanly on SIGTERM" test "$rc" -eq 0
sed 's/^/# watch: /' "$TEST_TMP/watch"

new_mac 02:00:00:00:02:11
udp_flows 23000 60 >"$TEST_TMP/mac-nowatch"
lost=$(answered_by "$TEST_TMP/mac-nowatch" -)
echo "# without watch: $lost of $(answered_by "$TEST_TMP/mac-before" be1) be1 flows unanswered"
check "without watch, be1's flows are blackholed after its MAC changes" \
	test "$lost" -eq "$(answered_by "$TEST_TMP/mac-before" be1)"
check "an apply then picks up the new MAC" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/base.yaml"
check "  (and says so)" output_has "02:00:00:00:02:11"
udp_flows 23000 60 >"$TEST_TMP/mac-apply"
check "  and be1's flows reach it again" cmp "$TEST_TMP/mac-before" "$TEST_TMP/mac-apply"

# --- mistakes in these settings ---------------------------------------------------------

sluice status eth0 --json >"$TEST_TMP/before.json"
state_unchanged()
{
	sluice status eth0 --json >"$TEST_TMP/now.json" &&
		cmp -s "$TEST_TMP/before.json" "$TEST_TMP/now.json"
}

# refused WHAT FILE TEXT...: validate and apply refuse FILE (exit 2) with each TEXT in
# the message, and the live state stays as it was.
refused()
{
	local what=$1 file=$2 text

	shift 2
	check "validate refuses $what" expect_exit 2 sluice validate -f "$file"
	for text in "$@"; do
		check "  with '$text'" output_has "$text"
	done
	check "apply refuses $what" expect_exit 2 sluice apply eth0 -f "$file"
	check "  and changes nothing" state_unchanged
}

{
	printf 'services:\n  - name: many\n    vip: 192.0.2.20\n    port: 80\n    proto: tcp\n'
	printf '    table_size: 251\n    backends:\n'
	for i in $(seq 100 125); do
		printf '      - {addr: 10.200.0.%s, weight: 100}\n' "$i"
	done
} >"$TEST_TMP/small-table.yaml"
refused "table_size 251 for 26 backends" "$TEST_TMP/small-table.yaml" \
	"$TEST_TMP/small-table.yaml:6:" table_size

lb_config "$TEST_TMP/bad-idle.yaml" flows.udp_idle_timeout=5x be1
refused "udp_idle_timeout: 5x" "$TEST_TMP/bad-idle.yaml" "$TEST_TMP/bad-idle.yaml:2:" 5x
lb_config "$TEST_TMP/bad-drain.yaml" drain=-1s be1
refused "drain_timeout: -1s" "$TEST_TMP/bad-drain.yaml" "$TEST_TMP/bad-drain.yaml:" -1s
lb_config "$TEST_TMP/bad-size.yaml" flows.size=100 be1
refused "flows.size: 100 (below the minimum)" "$TEST_TMP/bad-size.yaml" \
	"$TEST_TMP/bad-size.yaml:2:" size

lb_config "$TEST_TMP/resize.yaml" flows.size=2048 be1 be2 be3
check "apply changing flows.size of the attached table is refused" \
	expect_exit 2 sluice apply eth0 -f "$TEST_TMP/resize.yaml"
check "  naming the setting and attach" output_has "flows.size"
check "  (says it is fixed at attach)" output_has "attach"
check "  and changes nothing" state_unchanged

lab_test_done
