#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Frames the bridge floods to the sluice node are not the node's. The client's route
# to the VIP points at a MAC that no port owns (as when the node it belonged to went
# down and the bridge forgot it): the bridge floods those frames to every port, lb's
# included. sluice must pass them to the kernel untouched and count them
# (other_host): no backend receives any of them from lb, nobody answers, and the
# bridge never learns a MAC on lb's port other than lb's own. Listed in
# settings.macs, the same MAC is lb's: then the frames are balanced, and still leave
# from lb's own MAC. When lb's interface changes its MAC, `sluice watch` makes the
# new one lb's. The data plane's counters add up throughout.
# shellcheck source=tests/lab/lbtest.sh
source "$(dirname "$0")/lbtest.sh"

NOBODY=02:00:00:00:99:99	# a MAC no port of the bridge has
RENAMED=02:00:00:00:99:03	# lb's MAC once it is changed
FLOWS=20
WATCH_PID=	# sluice watch's own
WATCH_JOB=	# the background job that runs it

ns_link_mac()
{
	ip -n "$(lab__ns "$1")" -br link show dev "$2" | awk '{ print $3 }'
}

# Frames to the VIP from the client go to MAC (its neighbour entry for lb, fixed).
client_sends_to()
{
	lab_exec client ip neigh replace "${LAB_IP4[lb]}" lladdr "$1" dev eth0 nud permanent
}

# IPv4 packets the backends' stacks took in (frames for another host never count).
backends_ip_in()
{
	local be sum=0 n

	for be in "${LAB_BACKENDS[@]}"; do
		n=$(lab_exec "$be" awk '/^Ip: [0-9]/ { print $4 }' /proc/net/snmp) || return 1
		sum=$((sum + n))
	done
	echo "$sum"
}

# The bridge's learnt entries (not its ports' own): "MAC PORT" per line.
learnt()
{
	lab_exec sw bridge fdb show br br0 | awk '!/permanent/ && $3 ~ /^[a-z0-9-]+$/ && $2 == "dev" { print $1, $3 }'
}

# Every MAC the bridge learnt on lb's port is one of lb's own (the arguments).
lb_port_holds_only()
{
	local bad

	learnt | sed 's/^/  fdb: /' >&2
	bad=$(learnt | awk -v mine=" $* " '$2 == "lb" && index(mine, " " $1 " ") == 0')
	[[ -z $bad ]] || { echo "  learnt on lb's port: $bad" >&2; return 1; }
}

never_learnt()
{
	! learnt | grep -q "^$1 "
}

# rx = other_host + non_ip + malformed + filter_drop + filter_pass
counters_add_up()
{
	stat_json "(lambda g: '%d %d' % (g['rx']['packets'], sum(g[k]['packets'] for k in
		('other_host', 'non_ip', 'malformed', 'filter_drop', 'filter_pass'))))(s['global'])" |
	{ read -r rx parts; echo "  rx $rx, parts $parts" >&2; ((rx == parts && rx > 0)); }
}

none_answered()
{
	local n

	n=$(awk '$2 != "-"' "$1" | wc -l)
	((n == 0)) || { echo "  $n flows of $1 were answered" >&2; return 1; }
}

stop_watch()
{
	if [[ -n $WATCH_PID ]]; then
		kill "$WATCH_PID" 2>/dev/null
		wait "$WATCH_JOB" 2>/dev/null
		WATCH_PID=
	fi
}

lab_test_up
trap 'stop_watch; lab_test_cleanup' EXIT
LB_MAC=$(ns_link_mac lb eth0)

check "a request to the VIP is answered" lab_request "$LAB_VIP4" 80
check "the bridge does not know $NOBODY" never_learnt "$NOBODY"

# -- flooded: another host's frames -----------------------------------------------------
client_sends_to "$NOBODY"
other_before=$(global_stat other_host)
forward_before=$(global_stat lb_forward)
in_before=$(backends_ip_in)
udp_flows 41000 "$FLOWS" >"$TEST_TMP/flooded"
check "flooded frames to $NOBODY are not answered" none_answered "$TEST_TMP/flooded"
check "nor do they reach any backend's stack" \
	test "$(backends_ip_in)" -eq "$in_before"
other=$(($(global_stat other_host) - other_before))
check "lb counted them as other_host (+$other, at least $FLOWS)" test "$other" -ge "$FLOWS"
check "and forwarded none of them (lb_forward unchanged)" \
	test "$(global_stat lb_forward)" -eq "$forward_before"
check "the counters add up: rx = other_host + non_ip + malformed + filter_drop + filter_pass" \
	counters_add_up
check "the bridge never learnt $NOBODY" never_learnt "$NOBODY"
check "lb's bridge port holds only lb's MAC" lb_port_holds_only "$LB_MAC"

# -- listed: the same MAC is lb's --------------------------------------------------------
sed "s/^  malformed: pass$/&\n  macs: [$NOBODY]/" "$LAB_CONFIG" >"$TEST_TMP/listed.yaml"
check "apply with settings.macs listing $NOBODY" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/listed.yaml"
check "status lists lb's MAC, then $NOBODY" \
	test "$(sluice status eth0 --json | python3 -c 'import json, sys
print(" ".join(json.load(sys.stdin)["macs"]))')" == "$LB_MAC $NOBODY"
other_before=$(global_stat other_host)
in_before=$(backends_ip_in)
udp_flows 42000 "$FLOWS" >"$TEST_TMP/listed"
check "frames to the listed MAC are balanced and answered" all_answered "$TEST_TMP/listed"
check "the backends' stacks took them in" test "$(backends_ip_in)" -ge $((in_before + FLOWS))
check "none of them counted as other_host" \
	test "$(global_stat other_host)" -eq "$other_before"
check "the bridge still never learnt $NOBODY (forwarded from lb's own MAC)" \
	never_learnt "$NOBODY"
check "lb's bridge port holds only lb's MAC" lb_port_holds_only "$LB_MAC"
check "the counters add up" counters_add_up

# -- lb's MAC changes: watch follows it ---------------------------------------------------
check "apply without settings.macs" expect_exit 0 sluice apply eth0 -f "$LAB_CONFIG"
# sluice's own pid, to stop it by: the shell that execs it writes it down first.
# shellcheck disable=SC2016 # expanded by the inner shell
lab_exec lb bash -c 'echo $$ >"$1"; exec "$2" watch eth0' watch "$TEST_TMP/watch.pid" \
	"$SLUICE" >"$TEST_TMP/watch" 2>&1 &
WATCH_JOB=$!
sleep 1
WATCH_PID=$(cat "$TEST_TMP/watch.pid")
ip -n "$(lab__ns lb)" link set dev eth0 address "$RENAMED"
client_sends_to "$RENAMED"
watch_saw()
{
	local i

	for ((i = 0; i < 30; i++)); do
		grep -q "MAC is $RENAMED now" "$TEST_TMP/watch" && return 0
		sleep 0.1
	done
	sed 's/^/  watch: /' "$TEST_TMP/watch" >&2
	return 1
}
check "watch saw lb's MAC change to $RENAMED" watch_saw
check "status shows $RENAMED as the interface's" \
	test "$(sluice status eth0 --json | python3 -c 'import json, sys
print(" ".join(json.load(sys.stdin)["macs"]))')" == "$RENAMED"
stop_watch
udp_flows 43000 "$FLOWS" >"$TEST_TMP/renamed"
check "frames to the new MAC are answered" all_answered "$TEST_TMP/renamed"
client_sends_to "$LB_MAC"
other_before=$(global_stat other_host)
udp_flows 44000 "$FLOWS" >"$TEST_TMP/old"
check "frames to the old MAC are another host's now" none_answered "$TEST_TMP/old"
check "and counted as other_host" test "$(global_stat other_host)" -ge $((other_before + FLOWS))
check "lb's bridge port holds only lb's MACs, old and new" \
	lb_port_holds_only "$LB_MAC" "$RENAMED"
check "the counters add up" counters_add_up

lab_test_done
