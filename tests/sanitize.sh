#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Build sluice a second time, into build-asan/, with AddressSanitizer and
# UndefinedBehaviorSanitizer, and run the unit and build suites there: an
# over-read, a leak or undefined behaviour fails the run at its first report.
# As root the packet tests run too (they load the object through libbpf), and the
# lab tests of the commands themselves (lab-cli, lab-attach), whose SLUICE is then
# build-asan's binary. Every report also lands in build-asan/sanitizer-reports/, so
# one from a command a test expected to fail still fails the run. Speaks TAP: one
# case per test program run under the sanitizers, and one for the reports.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# As root it runs in a network namespace and a mount namespace of its own, with a
# /run/netns of its own: the packet tests' namespaces (fixed names) and the labs'
# (named from build-asan's 'a' prefix) never meet those of the main build's tests,
# which run at the same time.
if [[ $(id -u) == 0 && ${1:-} != --in-own-namespaces ]]; then
	exec unshare --net --mount --propagation private -- "$0" --in-own-namespaces
fi
if [[ ${1:-} == --in-own-namespaces ]]; then
	mkdir -p /run/netns
	mount -t tmpfs -o mode=0755 sluice-asan-netns /run/netns
	ip link set lo up
fi
dir=build-asan
# The build at low CPU priority: the tests beside it, whose timing matters, go first.
[[ -f $dir/build.ninja ]] ||
	meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false >&2
nice -n 10 ninja -C "$dir" >/dev/null ||
	{ ninja -C "$dir" >&2; echo "Bail out! the sanitizer build failed"; exit 1; }
reports=$top/$dir/sanitizer-reports
rm -rf "$reports"
mkdir -p "$reports"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$reports/asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan
logs=$(mktemp)
trap 'rm -f "$logs"' EXIT

run()
{
	rm -f "$dir/meson-logs/testlog.json"
	meson test -C "$dir" --no-rebuild --print-errorlogs "$@" >&2 || true
	cat "$dir/meson-logs/testlog.json" >>"$logs" 2>/dev/null || true
}

run --suite unit --suite build
if [[ $(id -u) == 0 ]]; then
	run --suite bpf
	run lab-cli lab-attach
fi
for report in "$reports"/*; do
	if [[ -e $report ]]; then
		echo "=== $report" >&2
		cat "$report" >&2
	fi
done
python3 - "$logs" "$reports" <<'PY'
import json, os, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
if not runs:
	print("Bail out! no meson test log under the sanitizers")
	sys.exit(1)
for n, run in enumerate(runs, 1):
	ok = "ok" if run["result"] == "OK" else "not ok"
	print(f"{ok} {n} - {run['name']} under ASan and UBSan ({run['result']})")
found = sorted(os.listdir(sys.argv[2]))
print(f"{'not ok' if found else 'ok'} {len(runs) + 1} - no sanitizer report"
      + (f" ({len(found)}: {', '.join(found)})" if found else ""))
print(f"1..{len(runs) + 1}")
sys.exit(0 if all(r["result"] == "OK" for r in runs) and not found else 1)
PY
