#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# A fleet: two sluice nodes, lb and lb2, given the same config build the same Maglev
# tables, slot for slot, even when lb got there through other applies and lb2's file
# lists the backends in another order; so the same flows (fixed source ports) reach
# the same backends through lb, through lb2, and through both at once behind the
# client's ECMP route, as a router in front of a fleet would spread them.
# shellcheck source=tests/lab/ipiplib.sh
source "$(dirname "$0")/ipiplib.sh"

CONF=$CONFIGS/ipip-fleet.yaml
FLOWS=200

# lb first serves each service with one more backend (the client's address, which
# answers ARP/NDP), then the fleet's file: its backend ids and table slots have a
# history that lb2's have not.
awk -v v4="${LAB_IP4[client]}" -v v6="${LAB_IP6[client]}" '
	pending { print "      - {addr: " ($0 ~ /addr: .fd00/ ? "\x27" v6 "\x27" : v4) "}"; pending = 0 }
	{ print }
	/^    backends:/ { pending = 1 }' "$CONF" >"$TEST_TMP/history.yaml"
# lb2's copy lists every service's backends in reverse order.
awk '/^      - \{addr/ { held[++n] = $0; next }
	{ while (n) print held[n--]; print }
	END { while (n) print held[n--] }' "$CONF" >"$TEST_TMP/reversed.yaml"

lab_test_up "$TEST_TMP/history.yaml"
VIP46=${LAB_VIPS4[1]}
check "lb: apply of the fleet's config after another one" \
	expect_exit 0 sluice apply eth0 -f "$CONF"
check "lb2: attach with the same config, backends listed in reverse order" \
	expect_exit 0 sluice_on lb2 attach eth0 -f "$TEST_TMP/reversed.yaml"

# tables NODE: per service, its table size and a digest of its active Maglev table
# read from the pinned maps, each slot named by its backend's address (ids are the
# node's own business); then the service's backends with weight, state and slots.
tables()
{
	local node=$1

	sluice_on "$node" status eth0 --json >"$TEST_TMP/status-$node.json" &&
	lab_exec "$node" bpftool -j map dump pinned "$(lab_pin_dir "$node")/maglev_tables" \
		>"$TEST_TMP/outer-$node.json" &&
	python3 - "$TEST_TMP/status-$node.json" "$TEST_TMP/outer-$node.json" <<-'EOF'
		import hashlib, json, subprocess, sys
		status = json.load(open(sys.argv[1]))
		inner = {int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little"):
		         int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little")
		         for e in json.load(open(sys.argv[2]))}
		for svc in sorted(status["services"], key=lambda s: s["name"]):
		    addr_of = {b["id"]: b["addr"] for b in svc["backends"]}
		    dump = json.loads(subprocess.check_output(
		        ["bpftool", "-j", "map", "dump", "id", str(inner[svc["table_slot"]])]))
		    slots = sorted((int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little"),
		                    int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little"))
		                   for e in dump)
		    slots = [addr_of.get(v, "?") for _, v in slots[:svc["table_size"]]]
		    digest = hashlib.sha256("\n".join(slots).encode()).hexdigest()[:16]
		    print(svc["name"], svc["forward"], "M=%d" % svc["table_size"], digest,
		          " ".join("%s/%s/%s/%s" % (b["addr"], b["weight"], b["state"], b["slots"])
		                   for b in sorted(svc["backends"], key=lambda b: b["addr"])))
	EOF
}
same_tables()
{
	tables lb >"$TEST_TMP/tables-lb" && tables lb2 >"$TEST_TMP/tables-lb2" || return 1
	sed 's/^/  lb:  /' "$TEST_TMP/tables-lb" >&2
	sed 's/^/  lb2: /' "$TEST_TMP/tables-lb2" >&2
	[[ $(wc -l <"$TEST_TMP/tables-lb") == 5 ]] &&
	cmp -s "$TEST_TMP/tables-lb" "$TEST_TMP/tables-lb2"
}
check "lb and lb2 hold the same Maglev table for every service, slot for slot" same_tables
ids_differ()
{
	python3 - "$TEST_TMP/status-lb.json" "$TEST_TMP/status-lb2.json" <<-'EOF'
		import json, sys
		ids = [{(s["name"], b["addr"]): b["id"] for s in json.load(open(f))["services"]
		        for b in s["backends"]} for f in sys.argv[1:]]
		sys.exit(0 if ids[0] != ids[1] else 1)
	EOF
}
check "  although their backend ids differ (lb's history is not lb2's)" ids_differ

# route_via NODE...: the client reaches every VIP through these sluice nodes (ECMP when
# several, hashing on ports so that each flow sticks to one node).
route_via()
{
	local vip hops4=() hops6=() node

	for node in "$@"; do
		hops4+=(nexthop via "${LAB_IP4[$node]}")
		hops6+=(nexthop via "${LAB_IP6[$node]}")
	done
	for vip in "${LAB_VIPS4[@]}"; do
		lab_exec client ip route replace "$vip/32" "${hops4[@]}" || return 1
	done
	for vip in "${LAB_VIPS6[@]}"; do
		lab_exec client ip -6 route replace "$vip/128" "${hops6[@]}" || return 1
	done
}
lab_exec client sysctl -q -w net.ipv4.fib_multipath_hash_policy=1 \
	net.ipv6.fib_multipath_hash_policy=1 || bail_out "cannot hash on ports"

# send_flows TAG: the fleet's flows, FLOWS per service, from fixed source ports; the
# answers (source port and backend) go to $TEST_TMP/TAG.
send_flows()
{
	{
		probe flows tcp "$LAB_VIP4" 80 20000 "$FLOWS" | sed 's/^/web4 /'
		probe flows udp "$LAB_VIP4" 53 21000 "$FLOWS" | sed 's/^/dns4 /'
		probe flows tcp "$LAB_VIP6" 80 22000 "$FLOWS" | sed 's/^/web6 /'
		probe flows udp "$VIP46" 53 23000 "$FLOWS" | sed 's/^/dns46 /'
		probe flows tcp "$VIP46" 80 24000 "$FLOWS" | sed 's/^/l2web /'
	} >"$TEST_TMP/$1"
}
forwarded()
{
	stat_of global/lb_forward/packets "$1"
}
all_answered()
{
	local n

	n=$(awk '$3 ~ /^be[123]$/' "$TEST_TMP/$1" | wc -l)
	value_is "flows answered by a backend" "$n" -eq $((5 * FLOWS)) || return 1
	# Every backend gets its share: no node sends everything one way.
	awk '{ print $1, $3 }' "$TEST_TMP/$1" | sort | uniq -c | sed 's/^/  /' >&2
	[[ $(awk '{ print $1, $3 }' "$TEST_TMP/$1" | sort -u | wc -l) == 15 ]]
}
same_backends()
{
	local moved

	moved=$(diff "$TEST_TMP/$1" "$TEST_TMP/$2" | grep -c '^>')
	value_is "flows that reached another backend" "$moved" -eq 0
}

route_via lb || bail_out "cannot route the VIPs via lb"
lb_before=$(forwarded lb)
send_flows via-lb
check "through lb: $((5 * FLOWS)) flows of 5 services all answered, by every backend" \
	all_answered via-lb

route_via lb2 || bail_out "cannot route the VIPs via lb2"
lb_mid=$(forwarded lb)
lb2_mid=$(forwarded lb2)
send_flows via-lb2
lb_after=$(forwarded lb)
lb2_after=$(forwarded lb2)
check "through lb2: all answered" all_answered via-lb2
crossed_lb2_only()
{
	value_is "packets lb forwarded in the first round" $((lb_mid - lb_before)) -gt 0 &&
	value_is "packets lb2 forwarded in the second" $((lb2_after - lb2_mid)) -gt 0 &&
	value_is "packets lb forwarded in the second" $((lb_after - lb_mid)) -eq 0
}
check "  and they crossed lb2, not lb" crossed_lb2_only
check "the same flows reached the same backends through lb and through lb2" \
	same_backends via-lb via-lb2

route_via lb lb2 || bail_out "cannot route the VIPs via lb and lb2"
send_flows via-ecmp
lb_ecmp=$(forwarded lb)
lb2_ecmp=$(forwarded lb2)
check "through both behind ECMP: all answered" all_answered via-ecmp
both_carried()
{
	echo "  lb forwarded $((lb_ecmp - lb_after)) packets, lb2 $((lb2_ecmp - lb2_after))" >&2
	value_is "packets lb forwarded" $((lb_ecmp - lb_after)) -gt 0 &&
	value_is "packets lb2 forwarded" $((lb2_ecmp - lb2_after)) -gt 0
}
check "  and both nodes carried some of them" both_carried
check "  and every flow reached the same backend as through lb alone" \
	same_backends via-lb via-ecmp

lab_test_done
