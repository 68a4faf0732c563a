#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# sluice in several network namespaces at once, on one shared bpffs: two namespaces
# each attach sluice to their own eth0 with a different config, and every command run
# in one (status, stats, apply, detach, decap) sees and changes only that one's state,
# under its own pin directory. State a vanished namespace left behind is reported and
# pruned, and nothing live is.
#
# Topology, per namespace X of a, b, c: $P-X (eth0 10.250.0.1/24) <-veth-> $P-X-peer
# (eth0 10.250.0.2/24), nothing else; the peer connects to it and is the backend of X's service.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

P=${LAB_PREFIX}-ns
SPACES=(a b c)
declare -A pin decap

ns_cleanup()
{
	local x

	for x in "${SPACES[@]}"; do
		in_ns "$x" "$SLUICE" detach eth0 >/dev/null 2>&1
		in_ns "$x-peer" "$SLUICE" decap detach eth0 >/dev/null 2>&1
		ip netns del "$P-$x" 2>/dev/null
		ip netns del "$P-$x-peer" 2>/dev/null
	done
	rm -rf "$TEST_TMP"
}
trap ns_cleanup EXIT
trap 'exit 130' INT TERM

# in_ns X CMD...: CMD in namespace $P-X, keeping this mount namespace (and so bpffs).
in_ns()
{
	local ns=$P-$1

	shift
	nsenter --net="/run/netns/$ns" -- "$@"
}

ns_up()
{
	local x=$1

	ip netns add "$P-$x" && ip netns add "$P-$x-peer" &&
	ip -n "$P-$x" link add eth0 type veth peer name eth0 netns "$P-$x-peer" &&
	ip -n "$P-$x" addr add 10.250.0.1/24 dev eth0 &&
	ip -n "$P-$x-peer" addr add 10.250.0.2/24 dev eth0 &&
	ip -n "$P-$x" link set eth0 up && ip -n "$P-$x-peer" link set eth0 up &&
	ip -n "$P-$x" link set lo up && ip -n "$P-$x-peer" link set lo up
}

# config NAME VIP PROTO PORT [RULES...]: a config with one service backed by the peer.
config()
{
	local name=$1 vip=$2 proto=$3 port=$4 rule

	shift 4
	echo "filter:"
	echo "  default: allow"
	echo "  rules:"
	for rule in "$@"; do
		echo "    - $rule"
	done
	[[ $# -gt 0 ]] || echo "    []"
	cat <<-EOF
		services:
		  - name: $name
		    vip: $vip
		    port: $port
		    proto: $proto
		    forward: l2dsr
		    table_size: 251
		    backends:
		      - {addr: 10.250.0.2, weight: 100}
	EOF
}

# json_get X PYEXPR CMD...: CMD's JSON output in X, evaluated as `j` by PYEXPR.
json_get()
{
	local x=$1 expr=$2

	shift 2
	in_ns "$x" "$SLUICE" "$@" --json | python3 -c "import json, sys
j = json.load(sys.stdin)
print($expr)"
}

# reaches X: a TCP SYN from X's peer to port 7 of X gets through sluice to X's stack,
# which refuses it (RST); a dropped SYN times out instead.
reaches()
{
	in_ns "$1-peer" python3 -c 'import socket, sys
s = socket.create_connection
try:
	s(("10.250.0.1", 7), timeout=1)
except ConnectionRefusedError:
	sys.exit(0)
except OSError:
	sys.exit(1)'
}
no_xdp() { ! ip -n "$P-$1" link show dev eth0 | grep -q "prog/xdp"; }

for x in "${SPACES[@]}"; do
	ns_up "$x" || bail_out "namespace $P-$x did not come up"
done
config web-a 192.0.2.50 tcp 80 \
	"{name: no-echo, proto: tcp, dport: 7, action: deny}" >"$TEST_TMP/a.yaml"
config dns-b 192.0.2.60 udp 53 >"$TEST_TMP/b.yaml"
config web-a 192.0.2.50 tcp 80 >"$TEST_TMP/a2.yaml"
[[ -e /sys/fs/bpf/sluice/eth0 ]] && host_had_eth0=1 || host_had_eth0=0
for x in "${SPACES[@]}"; do
	pin[$x]=$(lab_pin_dir_of "$P-$x") || bail_out "cannot read $P-$x's cookie"
done

check "attach to eth0 in namespace a" expect_exit 0 in_ns a "$SLUICE" attach eth0 -f "$TEST_TMP/a.yaml"
check "attach to eth0 in namespace b, at the same time" \
	expect_exit 0 in_ns b "$SLUICE" attach eth0 -f "$TEST_TMP/b.yaml"
check "  a's maps under its own directory" test -e "${pin[a]}/services"
check "  b's maps under its own directory" test -e "${pin[b]}/services"
check "  the two directories differ" test "${pin[a]}" != "${pin[b]}"
check "  the initial namespace's eth0 directory is as it was" \
	test "$host_had_eth0" = "$([[ -e /sys/fs/bpf/sluice/eth0 ]] && echo 1 || echo 0)"

check "status in a: a's service only" expect_exit 0 in_ns a "$SLUICE" status
check "  (web-a)" output_matches "^web-a +192\.0\.2\.50 +80 +tcp "
check "  (not dns-b)" eval '! grep -q dns-b "$TEST_TMP/out"'
check "  names a's namespace and pins" output_has "pins: ${pin[a]} (network namespace $P-a)"
check "status in b: b's service only" expect_exit 0 in_ns b "$SLUICE" status
check "  (dns-b)" output_matches "^dns-b +192\.0\.2\.60 +53 +udp "
check "  (not web-a)" eval '! grep -q web-a "$TEST_TMP/out"'
check "status --json in b: netns.pins and netns.name" \
	test "$(json_get b 'j["netns"]["pins"], j["netns"]["name"], j["netns"]["initial"]' status)" \
	= "${pin[b]} $P-b False"

check "a's filter drops the peer's SYN to port 7" eval '! reaches a'
check "b's filter lets it through" reaches b
check "stats in a count the drop" \
	test "$(json_get a 'j["global"]["filter_drop"]["packets"] > 0' stats)" = True
check "stats in b count no drop" \
	test "$(json_get b 'j["global"]["filter_drop"]["packets"]' stats)" = 0

json_get b 'j["services"], j["rules"]' status >"$TEST_TMP/b-before"
check "apply in a (without the deny rule)" expect_exit 0 in_ns a "$SLUICE" apply -f "$TEST_TMP/a2.yaml"
check "  a now lets it through" reaches a
check "  b's services and rules did not change" eval '
	json_get b "j[\"services\"], j[\"rules\"]" status | cmp -s - "$TEST_TMP/b-before"'
check "apply in b without IFACE picks b's only eth0" \
	expect_exit 0 in_ns b "$SLUICE" apply -f "$TEST_TMP/b.yaml" --dry-run

check "detach in a" expect_exit 0 in_ns a "$SLUICE" detach eth0
check "  a's program and directory are gone" eval 'no_xdp a && [[ ! -e ${pin[a]} ]]'
check "  b is still attached, its directory whole" \
	eval '! no_xdp b && [[ -e ${pin[b]}/services ]]'
check "  status in b still works" expect_exit 0 in_ns b "$SLUICE" status eth0
check "  status in a: not attached" expect_exit 1 in_ns a "$SLUICE" status

for x in a b; do
	decap[$x]=$(lab_pin_dir_of "$P-$x-peer" decap-eth0)
done
check "decap attach on both peers' eth0" eval '
	in_ns a-peer "$SLUICE" decap attach eth0 >&2 && in_ns b-peer "$SLUICE" decap attach eth0 >&2'
check "  each under its own directory" eval '[[ -d ${decap[a]} && -d ${decap[b]} ]]'
check "decap status in a's peer lists only its eth0" \
	test "$(json_get a-peer 'len(j["interfaces"])' decap status)" = 1
check "decap detach in a's peer leaves b's peer's" eval '
	in_ns a-peer "$SLUICE" decap detach eth0 >&2 && [[ ! -e ${decap[a]} && -d ${decap[b]} ]]'

# c vanishes with sluice still attached: its pins stay in bpffs with nothing to use them.
check "attach in c, then delete c without detaching" eval '
	in_ns c "$SLUICE" attach eth0 -f "$TEST_TMP/a.yaml" >&2 &&
	ip netns del "$P-c" && ip netns del "$P-c-peer"'
leftover_listed()
{
	local i

	# The namespace's teardown, and with it the program's release, is asynchronous.
	for ((i = 0; i < 50; i++)); do
		in_ns b "$SLUICE" status >"$TEST_TMP/out" 2>&1
		grep -qF "leftover: ${pin[c]}: its network namespace is gone" "$TEST_TMP/out" &&
			return 0
		sleep 0.1
	done
	sed 's/^/  | /' "$TEST_TMP/out" >&2
	return 1
}
check "status in b reports c's leftover directory" leftover_listed
check "  and not b's own, nor the decap state of the live peer" eval '
	! grep -qF -e "leftover: ${pin[b]}" -e "leftover: ${decap[b]}" "$TEST_TMP/out"'
check "detach --prune with an IFACE: exit 2" expect_exit 2 in_ns b "$SLUICE" detach --prune eth0
check "detach --prune" expect_exit 0 in_ns b "$SLUICE" detach --prune
check "  removes c's directory" eval '[[ ! -e ${pin[c]} ]]'
check "  says so" output_has "removed ${pin[c]}"
check "  keeps b's, and the live peer's decap state" eval '
	[[ -e ${pin[b]}/services && -d ${decap[b]} ]] && ! no_xdp b && reaches b'
check "detach --prune again: nothing to do" expect_exit 0 in_ns b "$SLUICE" detach --prune
check "  says so" output_has "no leftover state"
check "detach in b" expect_exit 0 in_ns b "$SLUICE" detach eth0
check "  leaves no directory of b" eval '[[ ! -e ${pin[b]} ]]'

lab_test_done
