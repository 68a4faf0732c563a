#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Real TCP and UDP through sluice: flows spread over all three backends, the filter
# drops a denied port while the others pass, and the counters say what happened.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

lab_test_up

# Each answer names the backend; every new connection is a new flow.
spread 60 lab_request "$LAB_VIP4" 80 >"$TEST_TMP/tcp"
spread 30 lab_udp_request "$LAB_VIP4" 53 >"$TEST_TMP/udp"
sed 's/^/# tcp /' "$TEST_TMP/tcp"
sed 's/^/# udp /' "$TEST_TMP/udp"

backend_count()
{
	awk -v be="$2" '$2 == be { print $1 }' "$1"
}

every_backend_answered()
{
	local file=$1 min=$2 be n

	for be in be1 be2 be3; do
		n=$(backend_count "$file" "$be")
		((${n:-0} >= min)) || { echo "  $be answered ${n:-0} times" >&2; return 1; }
	done
	! grep -q no-answer "$file"
}

check "60 TCP connections to the VIP: all answered, each backend at least 8 times" \
	every_backend_answered "$TEST_TMP/tcp" 8
check "30 UDP requests to the VIP: all answered, each backend at least 3 times" \
	every_backend_answered "$TEST_TMP/udp" 3

port_answers()
{
	[[ $(lab_request "${LAB_IP4[lb]}" "$1" 2>/dev/null) == "$2" ]]
}

check "tcp/6379 on the sluice node is dropped (rule no-redis)" \
	no_answer "${LAB_IP4[lb]}" 6379
check "tcp/22 from the lab subnet passes (rule ssh-lab)" port_answers 22 lb-ssh

stat_of()
{
	sluice stats eth0 --json | python3 -c "
import json, sys
s = json.load(sys.stdin)
path = sys.argv[1].split('/')
node = s
for p in path:
    if isinstance(node, list):
        node = next(x for x in node if x.get('name', x.get('addr')) == p)
    else:
        node = node[p]
print(node)" "$1"
}

positive()
{
	local v

	v=$(stat_of "$1") || return 1
	((v > 0)) || { echo "  $1 = $v" >&2; return 1; }
}

check "stats: packets forwarded" positive global/lb_forward/packets
check "stats: rule no-redis counted the dropped SYNs" positive rules/no-redis/packets
check "stats: rule ssh-lab counted the allowed connection" positive rules/ssh-lab/packets
check "stats: filter drops counted" positive global/filter_drop/packets
for be in 10.200.0.11 10.200.0.12 10.200.0.13; do
	check "stats: service web backend $be forwarded packets" \
		positive "services/web/backends/$be/packets"
done
check "stats: service dns counted packets" positive services/dns/packets

status_lists_backends()
{
	sluice status eth0 >"$TEST_TMP/status" || return 1
	cat "$TEST_TMP/status"
	grep -c "10.200.0.1[123] " "$TEST_TMP/status" | grep -qx 6
}
check "status shows both services with their three backends" status_lists_backends

sluice detach eth0 >/dev/null
check "after detach, tcp/6379 answers again: the drop was sluice's" port_answers 6379 lb
check "after detach, the VIP no longer answers: the forwarding was sluice's" \
	no_answer "$LAB_VIP4" 80

lab_test_done
