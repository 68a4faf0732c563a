#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# What the ipip lab tests share (test_ipip, test_pmtu, test_fleet), on top of
# testlib.sh: the ipip topology (lab.sh: backends decapsulate with sluice decap, lb has a
# second port, lb2 is a second sluice node), the client's probes, JSON lookups in
# sluice's output, a sniffer of what lb sends, and the check that a refused apply left
# the live state as it was.
#
#   source "$(dirname "$0")/ipiplib.sh"
#   lab_test_up "$CONFIGS/ipip-lab.yaml"
#   probe flows udp "$LAB_VIP4" 53 20000 10      # servers/lab_probe.py on the client

LAB_TOPOLOGY=ipip
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "${BASH_SOURCE[0]}")/testlib.sh"

# shellcheck disable=SC2034 # for the tests that source this file
CONFIGS=$LAB_DIR/configs

# sluice_on NODE ARGS...: sluice on another node of the lab (lb2, a backend).
sluice_on()
{
	local node=$1

	shift
	lab_exec "$node" "$SLUICE" "$@"
}

# probe ARGS...: servers/lab_probe.py on the client.
probe()
{
	lab_exec client env LAB_TIMEOUT="$LAB_TIMEOUT" python3 "$LAB_DIR/servers/lab_probe.py" "$@"
}

# json_get PATH: the value at PATH in the JSON on stdin. PATH is keys separated by
# '/'; in a list, the item whose name, addr or interface is that key.
json_get()
{
	python3 -c '
import json, sys
node = json.load(sys.stdin)
for key in sys.argv[1].split("/"):
    if isinstance(node, list):
        node = next(x for x in node
                    if key in (x.get("name"), x.get("addr"), x.get("interface")))
    else:
        node = node[key]
print(json.dumps(node, sort_keys=True) if isinstance(node, (dict, list)) else node)
' "$1"
}

# stat_of PATH [NODE]: a value of `sluice stats eth0 --json` on NODE (default lb).
stat_of()
{
	sluice_on "${2:-lb}" stats eth0 --json | json_get "$1"
}

# value_is WHAT VALUE OP N: VALUE compares with N by OP (-eq, -gt, -ge, ...); says
# what it saw when not.
value_is()
{
	if [[ ! $2 =~ ^-?[0-9]+$ ]] || ! test "$2" "$3" "$4"; then
		echo "  $1 = $2, expected $3 $4" >&2
		return 1
	fi
}

# stat_is PATH OP N [NODE]: a counter of stats eth0 --json compares with N by OP.
stat_is()
{
	value_is "$1" "$(stat_of "$1" "${4:-lb}")" "$2" "$3"
}

# answers_only FILE BE...: FILE (from spread) holds answers of exactly these backends,
# each at least once, and no unanswered request.
answers_only()
{
	local file=$1

	shift
	if ! awk -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) ok[w[i]] = 1 }
		{ seen[$2] = 1; if (!($2 in ok)) { print "  unexpected answer " $2; bad = 1 } }
		END {
			for (b in ok) if (!(b in seen)) { print "  " b " never answered"; bad = 1 }
			exit bad
		}' "$file" >&2; then
		sed 's/^/  | /' "$file" >&2
		return 1
	fi
}

# sniff_start: watch what lb sends out of both ports (the switch's ends of them).
sniff_start()
{
	local deadline=$((EPOCHSECONDS + LAB_WAIT))

	rm -f "$TEST_TMP/sniff.ready" "$TEST_TMP/sniff.json"
	nsenter --net="/run/netns/$(lab__ns sw)" python3 "$LAB_DIR/servers/encap_sniff.py" \
		"$TEST_TMP/sniff.ready" "$TEST_TMP/sniff.json" lb lb-e1 &
	SNIFF_PID=$!
	until [[ -e $TEST_TMP/sniff.ready ]]; do
		if ((EPOCHSECONDS >= deadline)) || ! kill -0 "$SNIFF_PID" 2>/dev/null; then
			bail_out "the sniffer did not start"
		fi
		sleep 0.1
	done
}

# sniff_stop: stop the sniffer; its summary is then in $TEST_TMP/sniff.json.
sniff_stop()
{
	kill -TERM "$SNIFF_PID" 2>/dev/null
	wait "$SNIFF_PID"
	[[ -s $TEST_TMP/sniff.json ]] || bail_out "the sniffer left no summary"
}

# sniffed PATH: a value of the sniffer's summary.
sniffed()
{
	json_get "$1" <"$TEST_TMP/sniff.json"
}

# refused CODE FILE TEXT...: `sluice apply eth0 -f FILE` on lb exits CODE, its output
# holds every TEXT, and `status --json` is byte-identical before and after.
refused()
{
	local code=$1 file=$2 text

	shift 2
	sluice status eth0 --json >"$TEST_TMP/refused-before.json" || return 1
	expect_exit "$code" sluice apply eth0 -f "$file" || return 1
	for text in "$@"; do
		output_has "$text" || return 1
	done
	sluice status eth0 --json >"$TEST_TMP/refused-after.json" || return 1
	if ! cmp -s "$TEST_TMP/refused-before.json" "$TEST_TMP/refused-after.json"; then
		echo "  the live state changed:" >&2
		diff "$TEST_TMP/refused-before.json" "$TEST_TMP/refused-after.json" >&2
		return 1
	fi
}

# line_of PATTERN FILE: the number of the first line of FILE matching PATTERN.
line_of()
{
	grep -n -m1 -- "$1" "$2" | cut -d: -f1
}
