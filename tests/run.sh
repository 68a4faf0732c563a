#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The whole test suite, from a fresh Debian 12 machine (as root): install what is
# missing, build, run every meson test (unit, packet, lab, bench), print the
# benchmark's table, and end with one line "N passed, N failed, N skipped" over
# every test case. Exits non-zero if any failed.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || exit 1

# A run that cannot start still ends with the summary line, counting itself as failed.
cannot_run()
{
	echo "tests/run.sh: $*" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

# Stopped from outside (a CI time limit, Ctrl-C): the last line still says so.
trap 'cannot_run "interrupted"' INT TERM HUP

((EUID == 0)) || cannot_run "run as root (packet and lab tests load XDP programs and make namespaces)"
tests/deps.sh || cannot_run "installing the dependencies failed"
tests/build.sh || cannot_run "the build failed"

rm -f build/meson-logs/testlog.json build/meson-logs/testlog.junit.xml
rm -rf build/bench-report
meson test -C build --no-rebuild --print-errorlogs "$@"
status=$?

# The benchmark's table (suite 'bench'), for the CI log.
if [[ -f build/bench-report/report.txt ]]; then
	echo
	cat build/bench-report/report.txt
fi

tests/summary.py build/meson-logs
summary=$?
((status == 0 && summary == 0))
