#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The whole test suite, from a fresh Debian 12 machine (as root): install what is
# missing, build, run every meson test (unit, packet, lab), and end with one line
# "N passed, N failed, N skipped". Exits non-zero if any test failed.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1

if ((EUID != 0)); then
	echo "tests/run.sh: run as root (packet and lab tests load XDP programs and make namespaces)" >&2
	exit 2
fi
tests/deps.sh || exit 1
tests/build.sh || { echo "0 passed, 1 failed"; exit 1; }

rm -f build/meson-logs/testlog.json
meson test -C build --no-rebuild --print-errorlogs "$@"
status=$?

python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
counts = {"passed": 0, "failed": 0, "skipped": 0}
try:
    with open(sys.argv[1]) as log:
        for line in log:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                counts["passed"] += 1
            elif result == "SKIP":
                counts["skipped"] += 1
            else:
                counts["failed"] += 1
except FileNotFoundError:
    counts["failed"] += 1
print(f'{counts["passed"]} passed, {counts["failed"]} failed, {counts["skipped"]} skipped')
sys.exit(1 if counts["failed"] else 0)
PY
summary=$?
((status == 0 && summary == 0))
