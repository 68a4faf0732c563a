#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A fleet behind BGP, with real TCP: a client behind a router running BIRD, three
# sluice nodes each running `sluice run` with the same file (conf/examples/fleet/),
# lb and lb2 with BIRD, lb3 with FRR (zebra, bgpd, bfdd), their configs from the
# same folder. The router's route to each VIP (an l2dsr and an ipip service) has a
# next hop per node that announces it, and new connections land on every node. 100
# long-lived connections then live through: one node whose checks see every backend
# of a service down (it withdraws that VIP alone, the others keep it; it comes
# back); a graceful stop (the node's routes leave the router, it forwards through
# the drain, the data plane stays); a daemon SIGKILL (nothing withdrawn, the BGP
# session stays, a restart adopts the routes without a flap); a hard failure of a
# BIRD node and of the FRR node (BFD, through the nodes' deny-by-default filter,
# drops each from the router well within BGP's hold time; connections through it go
# on after TCP retransmits); every node back. Not one connection may break or
# change backend. Failover times, connections lost per scenario and ECMP evenness
# are printed as TAP comments.
LAB_TOPOLOGY=bgp
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

FLEET=$TOP/conf/examples/fleet
NODES=(lb lb2 lb3)
# The router's BGP session to each node (bird-router.conf).
declare -A SESSION=([lb]=lb1 [lb2]=lb2 [lb3]=lb3)
WEB=$LAB_VIP4
API=192.0.2.11
# The example's drain: long enough for the router to move away on a busy machine.
DRAIN=5
declare -A DAEMON=()
POOL_PID=

# The node that runs FRR instead of BIRD, and where FRR's daemons are.
FRR_NODE=lb3
FRR_BIN=/usr/lib/frr
FRR_DIR=$TEST_TMP/frr-$FRR_NODE

command -v bird >/dev/null && command -v birdc >/dev/null ||
	bail_out "BIRD 2 is missing (tests/deps.sh installs bird2)"
[[ -x $FRR_BIN/bgpd && -x $FRR_BIN/bfdd && -x $FRR_BIN/zebra ]] && command -v vtysh >/dev/null ||
	bail_out "FRR is missing (tests/deps.sh installs frr)"

# The fleet's files as the lab runs them: BIRD and FRR log to a file each.
fleet_configs()
{
	cp "$FLEET/sluice.yaml" "$TEST_TMP/sluice.yaml" &&
	grep -q "drain: ${DRAIN}s" "$TEST_TMP/sluice.yaml" || return 1
	sed "s|^log syslog all;|log \"$TEST_TMP/bird-router.log\" all;|" \
		"$FLEET/bird-router.conf" >"$TEST_TMP/bird-router.conf" &&
	for node in "${NODES[@]}"; do
		[[ $node == "$FRR_NODE" ]] && continue
		sed "s|^log syslog all;|log \"$TEST_TMP/bird-$node.log\" all;|" \
			"$FLEET/bird-node.conf" >"$TEST_TMP/bird-$node.conf" || return 1
	done
	# FRR's daemons drop root for its user, which must reach their directory.
	chmod 711 "$TEST_TMP" && mkdir "$FRR_DIR" && : >"$FRR_DIR/empty.conf" &&
	sed "s|^log syslog informational|log file $FRR_DIR/frr.log informational|" \
		"$FLEET/frr-node.conf" >"$FRR_DIR/frr.conf" &&
	chown -R frr:frr "$FRR_DIR"
}

# bird_start NODE: BIRD in NODE's namespace, in the foreground (so the test owns
# its pid), with a control socket of its own.
bird_start()
{
	local conf=$TEST_TMP/bird-$1.conf

	lab_spawn "$1" bird -f -c "$conf" -s "$TEST_TMP/bird-$1.ctl" -P "$TEST_TMP/bird-$1.pid"
}

# frr_start NODE: zebra, bfdd and bgpd in NODE's namespace, in the foreground, with
# sockets and pid files of their own; then vtysh loads the integrated config into
# them, as FRR's init script does.
frr_start()
{
	local d common=(-u frr -g frr -P 0 --vty_socket "$FRR_DIR" -f "$FRR_DIR/empty.conf")

	lab_spawn "$1" "$FRR_BIN/zebra" "${common[@]}" -i "$FRR_DIR/zebra.pid" \
		-z "$FRR_DIR/zserv.api"
	lab_spawn "$1" "$FRR_BIN/bfdd" "${common[@]}" -i "$FRR_DIR/bfdd.pid" \
		-z "$FRR_DIR/zserv.api" --bfdctl "$FRR_DIR/bfdd.sock"
	lab_spawn "$1" "$FRR_BIN/bgpd" "${common[@]}" -i "$FRR_DIR/bgpd.pid" \
		-z "$FRR_DIR/zserv.api"
	for d in zebra bfdd bgpd; do
		wait_for 10 test -S "$FRR_DIR/$d.vty" || return 1
	done
	lab_exec "$1" vtysh --vty_socket "$FRR_DIR" --config_dir "$FRR_DIR" -b >&2
}

vtysh_on()
{
	local node=$1

	shift
	lab_exec "$node" vtysh --vty_socket "$FRR_DIR" -c "$*"
}

birdc_on()
{
	local node=$1

	shift
	lab_exec "$node" birdc -s "$TEST_TMP/bird-$node.ctl" "$@"
}

daemon_start()
{
	nsenter --net="/run/netns/$(lab__ns "$1")" "$SLUICE" run eth0 -f "$TEST_TMP/sluice.yaml" \
		>>"$TEST_TMP/daemon-$1.log" 2>&1 &
	DAEMON[$1]=$!
	TEST_PIDS+=("$!")
}

bgp_cleanup()
{
	local node

	[[ -n $POOL_PID ]] && kill "$POOL_PID" 2>/dev/null
	# No drain at the end: nothing routes to the lab any more.
	for node in "${!DAEMON[@]}"; do
		kill -KILL "${DAEMON[$node]}" 2>/dev/null
	done
	lab_test_cleanup
}

# wait_for SECONDS CMD...: until CMD succeeds; fails after SECONDS.
wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# via VIP: the router's next hops for VIP, by node name, sorted, space-separated.
via()
{
	lab_exec router ip -j route show exact "$1/32" | python3 -c '
import json, sys
names = {"10.200.0.3": "lb", "10.200.0.4": "lb2", "10.200.0.5": "lb3"}
hops = []
for r in json.load(sys.stdin):
    for h in r.get("nexthops", [r]):
        if "gateway" in h:
            hops.append(names.get(h["gateway"], h["gateway"]))
print(" ".join(sorted(hops)))'
}

# via_is VIP NODES: the router's next hops for VIP are exactly NODES.
via_is()
{
	local got

	got=$(via "$1")
	[[ $got == "$2" ]] || { echo "  $1 via '$got', expected '$2'" >&2; return 1; }
}

# announced NODE VIP: NODE's table 200 holds its protocol-201 route to VIP.
announced()
{
	[[ -n $(lab_exec "$1" ip route show table 200 proto 201 exact "$2/32") ]]
}

# status_json NODE: NODE's `sluice status --json`, into $TEST_TMP/status-NODE.json.
status_json()
{
	lab_exec "$1" "$SLUICE" status eth0 --json >"$TEST_TMP/status-$1.json"
}

# py_json NODE EXPR: a Python expression over NODE's status (s), printed.
py_json()
{
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$TEST_TMP/status-$1.json" "$2"
}

# new_flows NODE: flows Maglev placed on NODE's services so far.
new_flows()
{
	lab_exec "$1" "$SLUICE" stats eth0 --json |
		python3 -c 'import json, sys; print(sum(s["new_flows"] for s in json.load(sys.stdin)["services"]))'
}

# The pool of long-lived connections (servers/conn_pool.py) on the client, a
# coprocess: commands on its stdin, answers on its stdout.
pool_start()
{
	coproc POOLP { exec nsenter --net="/run/netns/$(lab__ns client)" python3 \
		"$LAB_DIR/servers/conn_pool.py"; }
	POOL_PID=$POOLP_PID
	POOL_IN=${POOLP[1]}
	POOL_OUT=${POOLP[0]}
}

# pool COMMAND...: one command to the pool; its JSON answer in $POOL.
pool()
{
	echo "$*" >&"$POOL_IN" && IFS= read -r -t 40 -u "$POOL_OUT" POOL && [[ -n $POOL ]]
}

pool_get() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$POOL" "$1"; }

# connections_hold WHAT [TIMEOUT]: every connection still echoes, from its own
# backend, within TIMEOUT seconds (default 3; TCP retransmits after a failover
# need more); records what WHAT lost.
declare -a LOSSES=()
connections_hold()
{
	pool check "$(echo "$1" | tr -c 'a-z0-9\n' '-')" "${2:-3}" || return 1
	echo "  $1: $POOL" >&2
	LOSSES+=("$1: $(pool_get broken) lost, $(pool_get moved) moved, slowest echo $(pool_get slowest) s")
	[[ $(pool_get alive) == 100 && $(pool_get broken) == 0 && $(pool_get moved) == 0 ]]
}

# FRR's own checker on both FRR files (the lab runs the node's; the router here
# is BIRD).
frr_checks()
{
	local f

	for f in frr-node.conf frr-router.conf; do
		vtysh --dryrun -f "$FLEET/$f" >&2 || { echo "  $f refused" >&2; return 1; }
	done
}
check "FRR's checker (vtysh --dryrun) accepts frr-node.conf and frr-router.conf" frr_checks

trap bgp_cleanup EXIT
trap 'exit 130' INT TERM
lab_up >/dev/null || bail_out "the lab did not come up"
fleet_configs || bail_out "cannot write the fleet's configs"
for node in router "${NODES[@]}"; do
	[[ $node == "$FRR_NODE" ]] || bird_start "$node"
done
frr_start "$FRR_NODE" || bail_out "FRR did not start on $FRR_NODE"
for node in "${NODES[@]}"; do
	daemon_start "$node"
done

# --- The fleet comes up ---------------------------------------------------------

all_announce()
{
	local node

	for node in "${NODES[@]}"; do
		announced "$node" "$WEB" && announced "$node" "$API" || return 1
	done
}
check "every node announces both VIPs in table 200, protocol 201" wait_for 20 all_announce
# fleet_diag: what the router and BIRD say, when the router lacks what it should have.
fleet_diag()
{
	{
		birdc_on router show protocols
		lab_exec router ip route
		tail -n 20 "$TEST_TMP/bird-router.log"
		vtysh_on "$FRR_NODE" show ip bgp summary
		tail -n 20 "$FRR_DIR/frr.log"
	} 2>&1 | sed 's/^/  | /' >&2
}
three_hops() { via_is "$WEB" "lb lb2 lb3" && via_is "$API" "lb lb2 lb3"; }
check "the router's route to each VIP has three next hops, one per node" wait_for 20 three_hops
three_hops 2>/dev/null || { fleet_diag; bail_out "the router did not learn the VIPs from every node"; }

same_digests()
{
	local node svc ref

	for node in "${NODES[@]}"; do
		status_json "$node" || return 1
	done
	for svc in web api; do
		ref=$(py_json lb "next(x for x in s['services'] if x['name'] == '$svc')['table_digest']")
		echo "  $svc: digest $ref" >&2
		[[ $ref =~ ^[0-9a-f]{32}$ ]] || return 1
		for node in lb2 lb3; do
			[[ $(py_json "$node" "next(x for x in s['services'] if x['name'] == '$svc')['table_digest']") == "$ref" ]] ||
				return 1
		done
	done
}
check "every node shows the same table digest for each service" same_digests
status_announces()
{
	lab_exec lb "$SLUICE" status eth0 >"$TEST_TMP/status-lb.txt" &&
	grep -qE "announce: table 200, protocol 201, drain $DRAIN s" "$TEST_TMP/status-lb.txt" &&
	grep -qE "^    $WEB +announced$" "$TEST_TMP/status-lb.txt" &&
	grep -qE "^    $API +announced$" "$TEST_TMP/status-lb.txt" || {
		sed 's/^/  | /' "$TEST_TMP/status-lb.txt" >&2
		return 1
	}
}
check "status says what the daemon announces" status_announces

# New connections, 150 a VIP from fixed source ports, through the router's ECMP.
spread_over_nodes()
{
	local node before=() after=() total=0 n i=0 answered

	for node in "${NODES[@]}"; do
		before+=("$(new_flows "$node")")
	done
	{
		lab_exec client python3 "$LAB_DIR/servers/lab_probe.py" flows tcp "$WEB" 80 31000 150
		lab_exec client python3 "$LAB_DIR/servers/lab_probe.py" flows tcp "$API" 80 32000 150
	} >"$TEST_TMP/spread"
	answered=$(grep -cE ' be[123]$' "$TEST_TMP/spread")
	for node in "${NODES[@]}"; do
		n=$(($(new_flows "$node") - before[i]))
		after+=("$node $n")
		total=$((total + n))
		i=$((i + 1))
	done
	EVENNESS="300 new connections, $answered answered; new flows per node: ${after[*]}"
	echo "  $EVENNESS" >&2
	((answered == 300 && total == 300)) || return 1
	for n in "${after[@]}"; do
		((${n#* } > 0)) || return 1
	done
}
check "300 new connections are all answered and land on all three nodes" spread_over_nodes
echo "# ECMP: ${EVENNESS:-not measured} (even: 100 each)"

pool_start || bail_out "cannot start the connection pool"
open_pool()
{
	pool open "$WEB" 80 50 40000 && echo "  web: $POOL" >&2 && [[ $(pool_get opened) == 50 ]] &&
	pool open "$API" 80 50 41000 && echo "  api: $POOL" >&2 && [[ $(pool_get opened) == 50 ]]
}
check "100 long-lived connections open across the fleet (50 l2dsr, 50 ipip)" open_pool
check "  and each echoes from the backend that greeted it" connections_hold "opened"

# --- Health differs on one node --------------------------------------------------

# lb3's checks of web (TCP port 80) find no route; the data plane is untouched.
lab_exec lb3 ip rule add ipproto tcp dport 80 table 100 &&
	lab_exec lb3 ip route add unreachable default table 100 ||
	bail_out "cannot cut lb3's health checks"
start=$(now)
check "lb3, whose checks see every web backend down, withdraws web's VIP" \
	wait_for 15 eval '! announced lb3 $WEB'
echo "# health: lb3 withdrew web $(since "$start") s after its checks began to fail" \
	"(rise/fall 2 x 1 s)"
check "  the router keeps web via lb and lb2, and api via all three" \
	wait_for 5 eval 'via_is $WEB "lb lb2" && via_is $API "lb lb2 lb3"'
why_not()
{
	status_json lb3 &&
	[[ $(py_json lb3 "[v['reason'] for v in s['daemon']['announce']['vips'] if v['vip'] == '$WEB'][0]") == \
		"no backend takes new flows: web: 3 down, 0 draining, 0 unresolved" ]] &&
	[[ $(py_json lb3 "[v['announced'] for v in s['daemon']['announce']['vips'] if v['vip'] == '$API'][0]") == True ]]
}
check "  lb3's status --json says why web is not announced" why_not
lab_exec lb3 "$SLUICE" status eth0 | grep -E "^    $WEB" | sed 's/^/  | /' >&2
keeps_table()
{
	status_json lb || return 1
	[[ $(py_json lb3 "next(x for x in s['services'] if x['name'] == 'web')['table_digest']") == \
	   $(py_json lb "next(x for x in s['services'] if x['name'] == 'web')['table_digest']") ]]
}
check "  lb3 keeps web's table (every backend down keeps them all): same digest as lb" keeps_table
check "  every connection holds, on its backend" connections_hold "health down on lb3"
lab_exec lb3 ip rule del ipproto tcp dport 80 table 100
lab_exec lb3 ip route del unreachable default table 100
start=$(now)
check "lb3's checks pass again: web is announced again, via all three nodes" \
	wait_for 15 eval 'via_is $WEB "lb lb2 lb3"'
echo "# health: lb3 announced web again $(since "$start") s after its checks passed"
check "  every connection holds, on its backend" connections_hold "health back on lb3"

# --- Graceful stop ----------------------------------------------------------------

start=$(now)
kill -TERM "${DAEMON[lb]}"
check "graceful stop of lb: its routes leave the router" \
	wait_for 5 eval 'via_is $WEB "lb2 lb3" && via_is $API "lb2 lb3"'
withdraw_s=$(since "$start")
echo "# graceful stop: the router dropped lb $withdraw_s s after SIGTERM"
check "  lb's daemon forwards on through the drain" kill -0 "${DAEMON[lb]}"
stopping()
{
	status_json lb && [[ $(py_json lb "s['daemon']['announce']['stopping']") == True ]]
}
check "  status says it is stopping" stopping
check "  every connection holds, on its backend" connections_hold "graceful stop of lb"
drained()
{
	local rc=0

	wait "${DAEMON[lb]}" || rc=$?
	unset 'DAEMON[lb]'
	echo "  the daemon exited $rc after $(since "$start") s" >&2
	((rc == 0))
}
check "  the daemon exits 0 once the drain is over" drained
still_attached()
{
	status_json lb && [[ $(py_json lb "s['program']['attached']") == True ]] &&
	! announced lb "$WEB" && ! announced lb "$API"
}
check "  leaving the data plane attached and nothing in table 200" still_attached

# --- Daemon SIGKILL ---------------------------------------------------------------

kill -KILL "${DAEMON[lb2]}"
wait "${DAEMON[lb2]}" 2>/dev/null
unset 'DAEMON[lb2]'
killed_keeps()
{
	announced lb2 "$WEB" && announced lb2 "$API" &&
	birdc_on router show protocols "${SESSION[lb2]}" | grep -q Established &&
	via_is "$WEB" "lb2 lb3" && via_is "$API" "lb2 lb3"
}
sleep 3
check "daemon SIGKILL on lb2: its routes stay, its BGP session stays up, the router keeps it" \
	killed_keeps
check "  every connection holds, on its backend" connections_hold "SIGKILL of lb2's daemon"
# A restart adopts the routes: the router never loses lb2 meanwhile.
never_flaps()
{
	local end=$((SECONDS + 4)) bad=0 before

	before=$(wc -l <"$TEST_TMP/daemon-lb2.log")
	daemon_start lb2
	while ((SECONDS < end)); do
		via_is "$WEB" "lb2 lb3" && via_is "$API" "lb2 lb3" || bad=$((bad + 1))
		sleep 0.05
	done
	tail -n +"$((before + 1))" "$TEST_TMP/daemon-lb2.log" >"$TEST_TMP/daemon-lb2.new"
	((bad == 0)) && grep -q "running" "$TEST_TMP/daemon-lb2.new" &&
	! grep -qE "announced|withdrew" "$TEST_TMP/daemon-lb2.new"
}
check "  a new daemon adopts them: no withdrawal, no re-announcement, no flap" never_flaps

# --- Hard failures ----------------------------------------------------------------

# bfd_up: the router's BFD session to every node is up, and each node's to it.
bfd_up()
{
	local node

	birdc_on router show bfd sessions >"$TEST_TMP/bfd-router" || return 1
	sed 's/^/  | /' "$TEST_TMP/bfd-router" >&2
	for node in "${NODES[@]}"; do
		grep -qE "^${LAB_IP4[$node]//./\\.} +eth0 +Up " "$TEST_TMP/bfd-router" || return 1
	done
	for node in "${NODES[@]}"; do
		[[ $node == "$FRR_NODE" ]] && continue
		birdc_on "$node" show bfd sessions | grep -qE "^${LAB_IP4[router]//./\\.} +eth0 +Up " ||
			return 1
	done
	vtysh_on "$FRR_NODE" show bfd peers brief >"$TEST_TMP/bfd-frr" || return 1
	sed 's/^/  | /' "$TEST_TMP/bfd-frr" >&2
	grep -qE "${LAB_IP4[$FRR_NODE]//./\\.} +${LAB_IP4[router]//./\\.} +up" "$TEST_TMP/bfd-frr"
}
check "BFD sessions are up between the router and every node (BIRD and FRR)" \
	wait_for 10 bfd_up

# gone_from_router NODE: the router's routes to the VIPs have no next hop via NODE
# (polled with ip alone, so that the failover is timed to a few tens of ms).
gone_from_router()
{
	! ip -n "$(lab__ns router)" route show exact "$WEB/32" | grep -q "via ${LAB_IP4[$1]} " &&
	! ip -n "$(lab__ns router)" route show exact "$API/32" | grep -q "via ${LAB_IP4[$1]} "
}

# hard_failure NODE OTHERS: NODE's link goes down; BFD, not BGP's hold time (3 s),
# drops it from the router.
hard_failure()
{
	local start

	start=$(now)
	echo "  $1 link down at $(date +%T.%N)" >&2
	ip -n "$(lab__ns "$1")" link set dev eth0 down || return 1
	wait_for 15 gone_from_router "$1" || return 1
	FAILOVER=$(since "$start")
	via_is "$WEB" "$2" && via_is "$API" "$2" || return 1
	birdc_on router show protocols all "${SESSION[$1]}" >"$TEST_TMP/session" || return 1
	grep -E "State|Last error" "$TEST_TMP/session" | sed 's/^/  | /' >&2
	grep -q "Last error: .*BFD session down" "$TEST_TMP/session" &&
	awk -v t="$FAILOVER" 'BEGIN { exit !(t < 3) }'
}
check "hard failure of lb2 (BIRD, link down): BFD drops it from the router" \
	hard_failure lb2 "lb3"
echo "# failover with BFD (100 ms x 3), BIRD node: ${FAILOVER:-none} s from link down to the router's new route"
check "  every connection goes on after TCP retransmits, on its backend" \
	connections_hold "hard failure of lb2 (BIRD)" 20
lab_exec lb2 ip link set dev eth0 up
check "lb2's link comes back: it is announced again" \
	wait_for 20 eval 'via_is $WEB "lb2 lb3" && via_is $API "lb2 lb3"'
check "  every connection holds, on its backend" connections_hold "lb2 back" 10

FAILOVER=
check "hard failure of lb3 (FRR, link down): BFD drops it from the router" \
	hard_failure lb3 "lb2"
echo "# failover with BFD (100 ms x 3), FRR node: ${FAILOVER:-none} s from link down to the router's new route"
check "  every connection goes on after TCP retransmits, on its backend" \
	connections_hold "hard failure of lb3 (FRR)" 20
lab_exec lb3 ip link set dev eth0 up

# --- Back -------------------------------------------------------------------------

daemon_start lb
check "lb's daemon starts again and every node is announced again" \
	wait_for 25 eval 'via_is $WEB "lb lb2 lb3" && via_is $API "lb lb2 lb3"'
check "  every connection holds, on its backend" connections_hold "every node back" 10
check "  and the three nodes still hold the same tables" same_digests

for line in "${LOSSES[@]}"; do
	echo "# connections: $line"
done
lab_test_done
