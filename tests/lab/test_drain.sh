#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Draining: a long-lived TCP connection survives weight changes, a removal and
# re-addition of another backend, and `state: draining` of its own backend, while new
# flows avoid the draining backend; made active again, it takes new flows again. It
# also survives a change of table_size, after which new flows reach every backend.
# With drain_timeout, UDP flows and a TCP connection pinned to the draining backend stay
# there until the deadline and move after it (flow_expired), later applies keep the
# deadline, and status shows the drain and the time left.
# shellcheck source=tests/lab/lbtest.sh
source "$(dirname "$0")/lbtest.sh"

lb_config "$TEST_TMP/all.yaml" be1 be2 be3
lab_test_up "$TEST_TMP/all.yaml"

lab_conn_open long "$LAB_VIP4" 80
pinned=$(lab_conn_read long) || bail_out "the long-lived connection got no greeting"
echo "# long-lived connection landed on $pinned"
others=()
for be in be1 be2 be3; do
	[[ $be == "$pinned" ]] || others+=("$be")
done
o1=${others[0]} o2=${others[1]}

round=0
still_echoes()
{
	round=$((round + 1))
	lab_conn_send long "ping-$round" || return 1
	[[ $(lab_conn_read long) == "ping-$round" ]]
}

# avoided_by_new_flows BACKEND FIRST: 300 new UDP flows (source ports FIRST..) and 30
# new TCP connections: all answered, none by BACKEND.
avoided_by_new_flows()
{
	udp_flows "$2" 300 >"$TEST_TMP/udp" || return 1
	all_answered "$TEST_TMP/udp" || return 1
	spread 30 lab_request "$LAB_VIP4" 80 >"$TEST_TMP/tcp"
	if grep -qw -e "$1" -e no-answer "$TEST_TMP/tcp" || grep -qw "$1" "$TEST_TMP/udp"; then
		echo "  new flows reached $1 or got no answer:" >&2
		cat "$TEST_TMP/tcp" >&2
		awk '{ print $2 }' "$TEST_TMP/udp" | sort | uniq -c >&2
		return 1
	fi
}

# takes_new_flows BACKEND FIRST: of 300 new UDP flows (source ports FIRST..) BACKEND
# answers at least 60 (a third is its share; 60 is over 5 sigma below).
takes_new_flows()
{
	local n

	udp_flows "$2" 300 >"$TEST_TMP/udp" || return 1
	all_answered "$TEST_TMP/udp" || return 1
	n=$(answered_by "$TEST_TMP/udp" "$1")
	echo "  $1 answered $n of 300 new flows" >&2
	((n >= 60))
}

# status_table_size M: every service runs a table of M slots.
status_table_size()
{
	sluice status eth0 --json | python3 -c '
import json, sys
sizes = {s["table_size"] for s in json.load(sys.stdin)["services"]}
sys.exit(sizes != {int(sys.argv[1])})' "$1"
}

# spread_over_all FIRST: 300 new UDP flows, all answered, by each of be1..be3.
spread_over_all()
{
	local be

	udp_flows "$1" 300 >"$TEST_TMP/udp" || return 1
	all_answered "$TEST_TMP/udp" || return 1
	for be in be1 be2 be3; do
		(($(answered_by "$TEST_TMP/udp" "$be") > 0)) || return 1
	done
}

check "the connection echoes before any change" still_echoes

lb_config "$TEST_TMP/weights.yaml" "$pinned:300" "$o1:50" "$o2:100"
check "apply of new weights succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/weights.yaml"
check "the connection on $pinned survives the weight change" still_echoes

lb_config "$TEST_TMP/minus.yaml" "$pinned" "$o2"
check "apply removing $o1 succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/minus.yaml"
check "the connection survives the removal of $o1" still_echoes
check "apply adding $o1 back succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/all.yaml"
check "the connection survives the addition of $o1" still_echoes

# A new table size is a new Maglev table for each service: established flows stay.
lb_config "$TEST_TMP/small.yaml" table=251 be1 be2 be3
check "apply of table_size 251 succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/small.yaml"
check "  status shows the new size" status_table_size 251
check "the connection survives the table_size change" still_echoes
check "new flows on the 251-slot table reach all three backends" spread_over_all 23000
check "apply back to table_size 65537 succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/all.yaml"
check "the connection survives the change back" still_echoes

lb_config "$TEST_TMP/drain.yaml" "$pinned:100:draining" "$o1" "$o2"
check "apply draining $pinned succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/drain.yaml"
check "the connection on the draining $pinned survives" still_echoes
check "new UDP flows and TCP connections avoid the draining $pinned" \
	avoided_by_new_flows "$pinned" 21000

lb_config "$TEST_TMP/drain2.yaml" "$pinned:100:draining" "$o1:200" "$o2"
check "apply reweighting $o1 while $pinned drains succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/drain2.yaml"
check "the connection on the draining $pinned survives that too" still_echoes
check "  and new flows still avoid $pinned" avoided_by_new_flows "$pinned" 21300

check "apply making $pinned active again succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/all.yaml"
check "the connection survives the end of the drain" still_echoes
check "$pinned takes new flows again" takes_new_flows "$pinned" 21600
lab_conn_close long

# --- drain_timeout: flows of a draining backend move after the deadline ------------

# drain_left BACKEND: seconds of drain left for BACKEND of service dns (status --json).
drain_left()
{
	sluice status eth0 --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
svc = next(x for x in s["services"] if x["name"] == "dns")
b = next(b for b in svc["backends"] if b["addr"] == sys.argv[1])
print(b["drain_seconds_left"])' "${LAB_IP4[$1]}"
}

lb_config "$TEST_TMP/timeout.yaml" drain=4s be1 be2 be3
lb_config "$TEST_TMP/timeout-drain.yaml" drain=4s be1:100:draining be2 be3
lb_config "$TEST_TMP/timeout-drain2.yaml" drain=4s be1:100:draining be2:200 be3
check "apply with drain_timeout: 4s succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/timeout.yaml"
udp_flows 22000 300 >"$TEST_TMP/pinned"
all_answered "$TEST_TMP/pinned" || bail_out "UDP flows for the drain timeout got no answer"
on_be1=$(answered_by "$TEST_TMP/pinned" be1)
echo "# $on_be1 of 300 UDP flows pinned to be1"
# echoes ID TEXT: connection ID echoes TEXT.
echoes()
{
	lab_conn_send "$1" "$2" && [[ $(lab_conn_read "$1") == "$2" ]]
}

# conn_on BACKEND ID SPORT: connection ID from the first source port from SPORT whose
# flow lands on BACKEND.
conn_on()
{
	local be=$1 id=$2 sport=$3 got

	for ((; sport < $3 + 20; sport++)); do
		lab_conn_open "$id" "$LAB_VIP4" 80 "$sport" || return 1
		got=$(lab_conn_read "$id") || return 1
		[[ $got == "$be" ]] && return 0
		lab_conn_close "$id"
	done
	return 1
}
conn_on be1 onbe1 41000 || bail_out "no connection to be1 from 20 source ports"
expired_before=$(global_stat flow_expired)

check "apply draining be1 with a 4 s timeout succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/timeout-drain.yaml"
check "status shows be1 draining" expect_exit 0 sluice status eth0
check "  (the drain, with the time left)" output_matches "^[|\`]-10\.200\.0\.11 .* draining [0-9]+s\$"
left1=$(drain_left be1)
echo "# drain left right after the apply: ${left1}s"
check "  with a time left within the 4 s timeout" \
	awk -v l="$left1" 'BEGIN { exit !(l > 0 && l <= 4) }'

udp_flows 22000 300 >"$TEST_TMP/during"
left2=$(drain_left be1)
# Only meaningful if the deadline had not passed yet when the flows were sent: status
# tells (a slow machine could take longer than the timeout to get here).
if awk -v l="$left2" 'BEGIN { exit !(l > 0) }'; then
	check "before the deadline every flow keeps its backend, be1's too" \
		cmp "$TEST_TMP/pinned" "$TEST_TMP/during"
	check "  and no flow expired" test "$(global_stat flow_expired)" -eq "$expired_before"
	check "  and a TCP connection to be1 still echoes" echoes onbe1 early
else
	echo "# the deadline passed before the flows were sent: before-deadline check skipped"
fi

# More than a second later, a kept deadline shows at least a second less (the time left
# is rounded up); a restarted one would show the full 4 s again.
sleep 1.2
check "a later apply while be1 drains succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/timeout-drain2.yaml"
left3=$(drain_left be1)
check "  and keeps be1's deadline (time left $left2 s, 1.2 s later $left3 s)" \
	awk -v a="$left2" -v b="$left3" 'BEGIN { exit !(b <= a - 1) }'

# Past the deadline, by the time status gives (and a little more: the clock the data
# plane reads is coarse).
sleep "$(awk -v l="$left3" 'BEGIN { printf "%.1f", (l > 0 ? l : 0) + 0.5 }')"
check "past the deadline status says no time is left" \
	awk -v l="$(drain_left be1)" 'BEGIN { exit !(l == 0) }'
udp_flows 22000 300 >"$TEST_TMP/after"
moved_off_be1()
{
	awk 'NR == FNR { was[$1] = $2; next }
		was[$1] == "be1" && ($2 == "be1" || $2 == "-") { bad++; print "  " $1 " still on be1 or unanswered: " $2 }
		was[$1] != "be1" && $2 != was[$1] { bad++; print "  " $1 " moved off " was[$1] }
		END { exit bad > 0 }' "$TEST_TMP/pinned" "$TEST_TMP/after" >&2
}
check "after the deadline be1's flows moved, the others did not" moved_off_be1
expired=$(($(global_stat flow_expired) - expired_before))
echo "# flow_expired grew by $expired ($on_be1 flows were on be1)"
check "  counted as flow_expired, once per flow of be1" test "$expired" -eq "$on_be1"
# Its next packet goes to a backend that never heard of it, which resets it.
conn_moved()
{
	! echoes onbe1 late 2>/dev/null
}
check "a TCP connection to be1 is moved off it after the deadline too" conn_moved
lab_conn_close onbe1

check "apply making be1 active again succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/timeout.yaml"
check "be1 takes new flows again" takes_new_flows be1 22300
check "  and status no longer shows it draining" expect_exit 0 sluice status eth0
check "  (no backend draining)" test "$(grep -c draining "$TEST_TMP/out")" -eq 0

lab_test_done
