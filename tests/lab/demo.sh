#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The demo, from a fresh Debian 12 machine (as root): install what is missing, build,
# bring up the lab, attach sluice to the sluice node with conf/examples/lab.yaml, send
# real requests from the client and show which backend answered each, show a denied
# port being dropped, print status and stats, then clean everything up.
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

cleanup()
{
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
sluice status
echo "== stats"
sluice stats
