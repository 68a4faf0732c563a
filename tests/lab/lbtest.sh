#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# What the load-balancer lab tests (test_balance, test_drain, test_flows) share on top
# of testlib.sh: configs written from a short spec, many flows at once with their
# backend per flow, and the counters they read.
#
#   source "$(dirname "$0")/lbtest.sh"
#   lb_config FILE [KEY=VALUE...] BACKEND[:WEIGHT[:draining]]...
#   udp_flows FIRST COUNT >FILE     # "SPORT BACKEND" per flow, from the client
#   answered_by FILE BACKEND        # how many of them BACKEND answered
#   global_stat NAME                # packets of a global counter (flow_expired, ...)
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/testlib.sh"

FLOWS_PY=$LAB_DIR/servers/flows.py

# lb_config FILE [KEY=VALUE...] BACKEND[:WEIGHT[:STATE]]...: services web (tcp/80) and
# dns (udp/53) on the lab's VIP, both with these backends (weight 100 when not given).
# Keys: table (table_size of both, default 65537), drain (drain_timeout of both), and
# flows.size, flows.udp_idle_timeout, flows.new_flow_guard (the flows section).
lb_config()
{
	local file=$1 table=65537 drain='' flows=() spec be weight state svc port proto

	shift
	while [[ ${1-} == *=* ]]; do
		case ${1%%=*} in
		table) table=${1#*=} ;;
		drain) drain=${1#*=} ;;
		flows.*) flows+=("${1#flows.}") ;;
		*) echo "lb_config: unknown key ${1%%=*}" >&2; return 2 ;;
		esac
		shift
	done
	{
		if ((${#flows[@]})); then
			printf 'flows:\n'
			for spec in "${flows[@]}"; do
				printf '  %s: %s\n' "${spec%%=*}" "${spec#*=}"
			done
		fi
		printf 'services:\n'
		for svc in web:80:tcp dns:53:udp; do
			IFS=: read -r svc port proto <<<"$svc"
			printf '  - name: %s\n    vip: %s\n    port: %s\n    proto: %s\n' \
				"$svc" "$LAB_VIP4" "$port" "$proto"
			printf '    forward: l2dsr\n    table_size: %s\n' "$table"
			[[ -n $drain ]] && printf '    drain_timeout: %s\n' "$drain"
			printf '    backends:\n'
			for spec in "$@"; do
				IFS=: read -r be weight state <<<"$spec"
				printf '      - {addr: %s, weight: %s%s}\n' "${LAB_IP4[$be]}" \
					"${weight:-100}" "${state:+, state: $state}"
			done
		done
	} >"$file"
}

# udp_flows FIRST COUNT: one datagram to the VIP's udp/53 from each of COUNT source
# ports from FIRST; prints "SPORT BACKEND" per flow ("-": no answer).
udp_flows()
{
	lab_exec client python3 "$FLOWS_PY" udp "$LAB_VIP4" 53 "$1" "$2"
}

# all_answered FILE: every flow of FILE got an answer.
all_answered()
{
	local n

	n=$(awk '$2 == "-"' "$1" | wc -l)
	((n == 0)) || { echo "  $n flows of $1 got no answer" >&2; return 1; }
}

# answered_by FILE BACKEND: how many flows of FILE BACKEND answered ("-": none did).
answered_by()
{
	awk -v be="$2" '$2 == be' "$1" | wc -l
}

# stat_json PYTHON-EXPR: evaluate EXPR on `sluice stats --json` (bound to s), or on the
# file STATS_SNAPSHOT names when set: checks of one moment read one snapshot.
stat_json()
{
	if [[ -n ${STATS_SNAPSHOT:-} ]]; then
		cat "$STATS_SNAPSHOT"
	else
		sluice stats eth0 --json
	fi | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1"
}

# global_stat NAME: packets counted by the global counter NAME.
global_stat()
{
	stat_json "s['global']['$1']['packets']"
}

# ratio_within WHAT MEASURED EXPECTED TOLERANCE: |MEASURED - EXPECTED| <= TOLERANCE,
# printed either way.
ratio_within()
{
	awk -v what="$1" -v m="$2" -v e="$3" -v t="$4" 'BEGIN {
		d = m - e; if (d < 0) d = -d
		printf "  %s: measured %.4f, expected %.4f, error %.4f, tolerance %.4f\n",
			what, m, e, d, t
		exit !(d <= t)
	}' >&2
}

# binomial_tolerance P N [SIGMAS]: SIGMAS (default 4.5) standard deviations of the share
# of N independent flows that land where each lands with probability P.
binomial_tolerance()
{
	awk -v p="$1" -v n="$2" -v k="${3:-4.5}" 'BEGIN { printf "%.6f\n", k * sqrt(p * (1 - p) / n) }'
}
