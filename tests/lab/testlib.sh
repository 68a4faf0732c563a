#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# What every lab test shares: the lab itself, the sluice binary under test, checks
# reported in TAP (so meson counts each one), and a cleanup that runs however the
# test ends. Only TAP goes to stdout; everything else a test prints goes to stderr.
#
#   source "$(dirname "$0")/testlib.sh"
#   lab_test_up                 # fresh lab, sluice attached to lb's eth0 with CONFIG
#   check "what it proves" CMD  # passes when CMD succeeds
#   ...
#   lab_test_done               # the TAP plan; exit status 0 only if every check passed

set -uo pipefail
LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$LAB_DIR/../.." && pwd)
: "${SLUICE:=$TOP/build/cli/sluice}"
: "${LAB_CONFIG:=$TOP/conf/examples/lab.yaml}"
# shellcheck source=tests/lab/lab.sh
source "$LAB_DIR/lab.sh"

TEST_FAILED=0
TEST_PASSED=0
TEST_TMP=$(mktemp -d)
TEST_PIDS=()

# sluice as run on the sluice node; bpffs stays visible because nsenter keeps /sys.
sluice()
{
	lab_exec lb "$SLUICE" "$@"
}

check()
{
	local what=$1 n=$((TEST_PASSED + TEST_FAILED + 1))

	shift
	if "$@" >&2; then
		TEST_PASSED=$((TEST_PASSED + 1))
		echo "ok $n - $what"
	else
		TEST_FAILED=$((TEST_FAILED + 1))
		echo "not ok $n - $what"
	fi
}

# bail_out WHY: the test cannot go on (TAP "Bail out!", which meson counts as a failure).
bail_out()
{
	echo "Bail out! $*"
	exit 1
}

# expect_exit CODE CMD...: CMD exits with CODE; its output is kept in $TEST_TMP/out.
expect_exit()
{
	local want=$1 rc=0

	shift
	"$@" >"$TEST_TMP/out" 2>&1 || rc=$?
	if ((rc != want)); then
		echo "  expected exit $want, got $rc from: $*" >&2
		sed 's/^/  | /' "$TEST_TMP/out" >&2
		return 1
	fi
}

# output_has TEXT: the last expect_exit's output contains TEXT.
output_has()
{
	if ! grep -qF -- "$1" "$TEST_TMP/out"; then
		echo "  output lacks '$1':" >&2
		sed 's/^/  | /' "$TEST_TMP/out" >&2
		return 1
	fi
}

# output_matches REGEX: a line of the last expect_exit's output matches REGEX (grep -E).
output_matches()
{
	if ! grep -qE -- "$1" "$TEST_TMP/out"; then
		echo "  output has no line matching /$1/:" >&2
		sed 's/^/  | /' "$TEST_TMP/out" >&2
		return 1
	fi
}

# no_answer [-6] ADDR PORT: a TCP connection from the client gets nothing back.
no_answer()
{
	! lab_request "$@" >/dev/null 2>&1
}

# lab_spawn NODE CMD...: run CMD on NODE in the background until the test ends (or
# lab_stop stops it); $LAB_SPAWNED is its pid, the command's own (nsenter execs it).
lab_spawn()
{
	local node=$1

	shift
	# Its output is the log's, never TAP's.
	nsenter --net="/run/netns/$(lab__ns "$node")" -- "$@" >&2 &
	LAB_SPAWNED=$!
	TEST_PIDS+=("$LAB_SPAWNED")
}

# lab_stop PID [SIGNAL]: stop a spawned command and wait for it; its exit status.
lab_stop()
{
	kill -"${2:-TERM}" "$1" 2>/dev/null
	wait "$1"
}

# lab_traffic SECONDS: new TCP connections from the client to the lab's VIP port 80,
# back to back, in the background for SECONDS; $TRAFFIC is the loop's pid.
lab_traffic()
{
	local end=$((SECONDS + $1))

	while ((SECONDS < end)); do
		lab_request "$LAB_VIP4" 80 >/dev/null 2>&1
	done &
	TRAFFIC=$!
	TEST_PIDS+=("$TRAFFIC")
}

lab_test_cleanup()
{
	local pid

	for pid in "${TEST_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	lab_exec lb "$SLUICE" detach eth0 >/dev/null 2>&1
	lab_down >/dev/null 2>&1
	rm -rf "$TEST_TMP"
}

# A fresh lab with sluice attached natively to lb's eth0 and CONFIG applied.
lab_test_up()
{
	trap lab_test_cleanup EXIT
	trap 'exit 130' INT TERM
	lab_up >/dev/null || bail_out "the lab did not come up"
	if ! sluice attach eth0 -f "${1:-$LAB_CONFIG}" >"$TEST_TMP/attach" 2>&1; then
		cat "$TEST_TMP/attach" >&2
		bail_out "sluice attach failed"
	fi
}

# Ask the VIP N times (new connection each, so a new flow); print the answers' counts.
spread()
{
	local n=$1 i

	shift
	for ((i = 0; i < n; i++)); do
		"$@" || echo "no-answer"
	done | sort | uniq -c
}

lab_test_done()
{
	echo "1..$((TEST_PASSED + TEST_FAILED))"
	((TEST_FAILED == 0))
}
