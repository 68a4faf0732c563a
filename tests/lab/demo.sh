#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The demo, from a fresh Debian 12 machine (as root): install what is missing, build,
# then show sluice on the two labs of tests/lab/lab.sh, one after the other, and clean
# everything up however the demo ends.
# - l2dsr: attach sluice to the sluice node with conf/examples/lab.yaml, send real
#   requests from the client and show which backend answered each, show a denied port
#   being dropped, print status and stats.
# - ipip: the ipip topology with conf/examples/ipip-lab.yaml: TCP and UDP flows to
#   every kind of VIP (IPv4 in IPv4, IPv6 in IPv6, IPv4 in IPv6, backends behind the
#   node's second port) and which backend answered each, a backend's decap counters,
#   path MTU discovery through the encapsulation, status and the counters that moved.
set -uo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$LAB_DIR/../.." && pwd)

if ((EUID != 0)); then
	echo "demo: run as root (it loads XDP programs and makes network namespaces)" >&2
	exit 2
fi
"$TOP/tests/deps.sh" || exit 1
echo "== building"
"$TOP/tests/build.sh" || exit 1

SLUICE=$TOP/build/cli/sluice
CONFIG=$TOP/conf/examples/lab.yaml
# shellcheck source=tests/lab/lab.sh
source "$LAB_DIR/lab.sh"

sluice()
{
	echo "lb# sluice $*" >&2
	lab_exec lb "$SLUICE" "$@"
}

# probe ARGS...: servers/lab_probe.py on the client.
probe()
{
	lab_exec client env LAB_TIMEOUT="$LAB_TIMEOUT" python3 "$LAB_DIR/servers/lab_probe.py" "$@"
}

# answers PROTO VIP PORT: the backends that answered 8 new flows from the client, on
# one line. The source ports are fixed, so every run shows the same spread.
answers()
{
	probe flows "$1" "$2" "$3" 30000 8 | awk '{ print $2 }' | paste -sd ' '
}

# vip_answers VIP WHAT: 8 TCP flows to VIP:80 and 8 UDP flows to VIP:53.
vip_answers()
{
	printf '  %-13s %s\n' "$1" "$2"
	printf '    tcp/80  %s\n' "$(answers tcp "$1" 80)"
	printf '    udp/53  %s\n' "$(answers udp "$1" 53)"
}

# route_to ADDR: what the client's kernel holds for its route to ADDR, on one line.
route_to()
{
	echo "client# ip route get $1" >&2
	echo "  $(lab_exec client ip route get "$1" | tr -s ' \n' ' ')"
}

# Either lab: lab_down removes whichever is up.
cleanup()
{
	# A second Ctrl-C must not cut the cleanup short.
	trap '' INT TERM
	echo "== cleaning up"
	lab_exec lb "$SLUICE" detach eth0 >/dev/null 2>&1
	lab_down
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== lab: client 10.200.0.2, sluice node 10.200.0.3, backends be1..be3 10.200.0.11-13"
lab_up || exit 1

echo "== attaching sluice to the sluice node's eth0 with $(basename "$CONFIG")"
sluice attach eth0 -f "$CONFIG" || exit 1

echo "== 12 TCP connections from the client to the VIP $LAB_VIP4:80"
for i in $(seq 1 12); do
	printf '  connection %2d answered by %s\n' "$i" "$(lab_request "$LAB_VIP4" 80 || echo NOTHING)"
done
echo "== 6 UDP requests to $LAB_VIP4:53"
for i in $(seq 1 6); do
	printf '  request %d answered by %s\n' "$i" "$(lab_udp_request "$LAB_VIP4" 53 || echo NOTHING)"
done

echo "== the filter: tcp/22 on the sluice node is allowed from the lab, tcp/6379 is denied"
printf '  tcp/22   -> %s\n' "$(lab_request "${LAB_IP4[lb]}" 22 || echo 'no answer')"
printf '  tcp/6379 -> %s\n' "$(lab_request "${LAB_IP4[lb]}" 6379 2>/dev/null ||
	echo 'no answer: dropped by rule no-redis')"

echo "== status"
sluice status eth0
echo "== stats"
sluice stats eth0

echo "== tearing the l2dsr lab down"
sluice detach eth0 || exit 1
lab_down

CONFIG=$TOP/conf/examples/ipip-lab.yaml
echo "== ipip lab: the same segment, and behind lb's second port eth1 (10.201.0.3) be4 and be5"
echo "   (10.201.0.14, .15); every backend strips sluice's outer header with sluice decap"
lab_up ipip || exit 1

echo "== attaching sluice to the sluice node's eth0 with $(basename "$CONFIG")"
# Without a line per backend: status lists them below.
sluice attach eth0 -f "$CONFIG" | grep -v ': backend .* added' || exit 1

echo "== 8 TCP and 8 UDP flows to each VIP: which backend answered each"
vip_answers "$LAB_VIP4" "IPv4 in IPv4 to be1-be3, back out eth0 (XDP_TX)"
vip_answers "$LAB_VIP6" "IPv6 in IPv6 to be1-be3 (XDP_TX)"
vip_answers "${LAB_VIPS4[1]}" "IPv4 in IPv6 to be1, be2 (XDP_TX), be4 behind eth1 (XDP_REDIRECT)"
vip_answers "${LAB_VIPS4[2]}" "IPv4 in IPv4 to be4, be5 behind eth1 (XDP_REDIRECT)"

echo "== be1 strips the outer headers in XDP: no tunnel device"
echo "be1# sluice decap status eth0" >&2
lab_exec be1 "$SLUICE" decap status eth0

echo "== path MTU: the client's 1500-byte packets do not fit once sluice adds 20 bytes of IPv4;"
echo "   sluice answers them with ICMP \"fragmentation needed\" (MTU 1480) from the VIP"
route_to "$LAB_VIP4"
read -r name bytes < <(probe upload "$LAB_VIP4" 9000 204800)
printf '  a 200 KB upload to %s:9000 in full-size packets: %s received %s bytes\n' \
	"$LAB_VIP4" "${name:-nobody}" "${bytes:-no}"
route_to "$LAB_VIP4"
printf '  lb_too_big: %s packets answered with ICMP\n' \
	"$(lab_exec lb "$SLUICE" stats eth0 | awk '$1 == "lb_too_big" { print $2; exit }')"

echo "== status"
sluice status eth0
echo "== stats: the counters that moved, and each service (without its backends)"
sluice stats eth0 | awk '/^([|`]-|├─|└─)/ { next }
{
	numbers = nonzero = 0
	for (i = 2; i <= NF; i++)
		if ($i ~ /^[0-9]+$/) {
			numbers++
			nonzero += $i != 0
		}
}
!numbers || nonzero'
