#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The demo (tests/lab/demo.sh), run as a user runs it, and what a user reads in its
# output checked: every request answered and spread over the backends, the denied port dropped,
# every kind of ipip VIP answered, path MTU learnt through the encapsulation, and
# nothing left behind afterwards.
set -uo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/tap.sh
source "$LAB_DIR/../tap.sh"
: "${LAB_PREFIX:=sl}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT

has() { grep -qE -- "$1" "$out" || { echo "  the demo's output lacks /$1/" >&2; false; }; }
lacks() { ! grep -qE -- "$1" "$out" || { echo "  the demo's output has /$1/" >&2; false; }; }
# backends_on PATTERN: the backends named on the lines matching PATTERN.
backends_on() { grep -E -- "$1" "$out" | grep -oE 'be[0-9]' | sort -u | xargs; }

"$LAB_DIR/demo.sh" >"$out" 2>&1
rc=$?
((rc == 0)) || sed 's/^/  | /' "$out" >&2
check "the demo exits 0" test "$rc" -eq 0
check "  every l2dsr request was answered" lacks "answered by NOTHING"
# 12 new connections miss one of three backends now and then ((2/3)^12 each): two
# backends show the balancing without making the test a lottery.
check "  TCP connections were spread over the backends" \
	test "$(backends_on 'connection .* answered by' | wc -w)" -ge 2
check "  UDP requests reached backends" has "request 1 answered by be[123]"
check "  tcp/22 answered on the node, tcp/6379 dropped by its rule" \
	eval 'has "tcp/22 +-> lb-ssh" && has "tcp/6379 -> no answer: dropped by rule no-redis"'
check "  status shows the pins and the services" eval 'has "^pins: " && has "^web +192.0.2.10 +80 +tcp +l2dsr"'
check "  every ipip VIP answered, from all five backends" eval '
	lacks "(tcp/80|udp/53) .*(NOTHING|no answer)" &&
	test "$(backends_on "^    (tcp/80|udp/53) ")" = "be1 be2 be3 be4 be5"'
check "  the 200 KB upload went through whole" has "be[0-9] received 204800 bytes"
check "  sluice answered too-big packets with ICMP" has "lb_too_big: [1-9][0-9]* packets"
check "  nothing of the demo's namespaces is left" \
	eval '! ip netns list | grep -q "^$LAB_PREFIX-"'
tap_done
