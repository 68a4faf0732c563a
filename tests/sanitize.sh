#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Build sluice a second time, into build-asan/, with AddressSanitizer and
# UndefinedBehaviorSanitizer, and run the unit and build suites there: an
# over-read, a leak or undefined behaviour fails the run at its first report.
# As root the packet tests run too (they load the object through libbpf). Speaks
# TAP: one case per test program run under the sanitizers; the rest is the log's.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
dir=build-asan
[[ -f $dir/build.ninja ]] ||
	meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false >&2
ninja -C "$dir" >/dev/null || { ninja -C "$dir" >&2; echo "Bail out! the sanitizer build failed"; exit 1; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
suites=(--suite unit --suite build)
if [[ $(id -u) == 0 ]]; then
	suites+=(--suite bpf)
fi
rm -f "$dir/meson-logs/testlog.json"
meson test -C "$dir" --no-rebuild --print-errorlogs "${suites[@]}" >&2 || true
python3 - "$dir/meson-logs/testlog.json" <<'PY'
import json, sys
try:
	runs = [json.loads(line) for line in open(sys.argv[1])]
except OSError as err:
	print(f"Bail out! no meson test log under the sanitizers: {err}")
	sys.exit(1)
for n, run in enumerate(runs, 1):
	ok = "ok" if run["result"] == "OK" else "not ok"
	print(f"{ok} {n} - {run['name']} under ASan and UBSan ({run['result']})")
print(f"1..{len(runs)}")
sys.exit(0 if runs and all(r["result"] == "OK" for r in runs) else 1)
PY
