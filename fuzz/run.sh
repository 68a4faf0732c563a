#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Run one libFuzzer harness for SECONDS (at low priority) and speak TAP: one case,
# ok when the time ran out without a finding, with the executions counted.
#   fuzz/run.sh NAME SECONDS      e.g. fuzz/run.sh filter 3600
# NAME is conf, filter, maglev or packet (packet needs root). The seeds of
# fuzz/corpus/NAME are only read; what the fuzzer finds interesting is kept beside
# the harness (build/fuzz/corpus-NAME), so a long run picks up where the last ended.
# With FUZZ_FRESH=1 (the meson suite) it starts from the seeds alone, in a
# directory of its own, so that a short run spends its time fuzzing, not loading.
# A finding is saved as build/fuzz/findings-NAME/crash-... (or leak-, timeout-):
# replay it with `build/fuzz/fuzz-NAME FILE`. libFuzzer's log goes to stderr.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${1:-}
seconds=${2:-}
if [[ -z $name || ! $seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: fuzz/run.sh NAME SECONDS" >&2
	exit 2
fi
harness=${FUZZ_HARNESS:-$top/build/fuzz/fuzz-$name}
seeds=$top/fuzz/corpus/$name
echo "1..1"
if [[ ! -x $harness || ! -d $seeds ]]; then
	echo "not ok 1 - fuzz $name: no harness at $harness or no seeds in $seeds"
	echo "# build with tests/build.sh (clang's libFuzzer runtime: tests/deps.sh)"
	exit 1
fi
findings=$(dirname "$harness")/findings-$name
log=$(mktemp)
if [[ ${FUZZ_FRESH:-} == 1 ]]; then
	work=$(mktemp -d)
	trap 'rm -rf "$log" "$work"' EXIT
else
	work=$(dirname "$harness")/corpus-$name
	trap 'rm -f "$log"' EXIT
fi
mkdir -p "$work" "$findings"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1
nice -n 10 "$harness" "$work" "$seeds" -max_total_time="$seconds" -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" 2>&1 |
	tee "$log" >&2
status=${PIPESTATUS[0]}

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
if ((status == 0)) && [[ -n $runs && -z $found ]]; then
	echo "ok 1 - fuzz $name: $runs executions in ${took:-$seconds} s," \
		"no crash, leak or hang"
	exit 0
fi
echo "not ok 1 - fuzz $name: exit $status after ${runs:-?} executions" \
	"${found:+(input saved as $found)}"
if [[ -n $found && -f $found ]]; then
	# The input itself, for a CI log that outlives the build directory.
	echo "# the input, base64: $(head -c 4096 "$found" | base64 -w0)"
fi
exit 1
