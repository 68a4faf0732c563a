#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The whole test suite, from a fresh Debian 12 machine (as root): install what is
# missing, build, run every meson test (unit, packet, lab, bench), print the
# benchmark's table, and end with one line "N passed, N failed, N skipped" over
# every test case. Exits non-zero if any failed.
set -uo pipefail
# Whatever ends the run (a step that cannot start, an error in this script, a stop
# from outside such as a CI time limit), its last line is the summary: a run that
# did not get as far as counting its tests counts as one failure.
summarized=0
on_exit()
{
	((summarized)) || echo "0 passed, 1 failed, 0 skipped"
}
trap on_exit EXIT

cannot_run()
{
	echo "tests/run.sh: $*" >&2
	exit 1
}
trap 'cannot_run "interrupted"' INT TERM HUP

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top" || cannot_run "cannot enter the repository"
((EUID == 0)) || cannot_run "run as root (packet and lab tests load XDP programs and make namespaces)"
tests/deps.sh || cannot_run "installing the dependencies failed"
tests/build.sh || cannot_run "the build failed"

rm -f build/meson-logs/testlog.json build/meson-logs/testlog.junit.xml
rm -rf build/bench-report
started=$SECONDS
# Three at a time on two cores: the lab tests mostly wait (on traffic, timers,
# daemons), and the long CPU-bound work (building the package and the sanitizer
# build, fuzzing) runs niced beside them; the lab tests that assert timing windows
# run alone at the end.
meson test -C build --no-rebuild --print-errorlogs --num-processes 3 "$@"
status=$?
echo "meson test ran for $((SECONDS - started)) s"

# The benchmark's table (suite 'bench'), for the CI log.
if [[ -f build/bench-report/report.txt ]]; then
	echo
	cat build/bench-report/report.txt
fi

# The line is printed only if the summary could be made; else the exit trap's stands.
summary_line=$(tests/summary.py build/meson-logs)
summary=$?
if [[ $summary_line =~ ^[0-9]+\ passed,\ [0-9]+\ failed ]]; then
	echo "$summary_line"
	summarized=1
fi
((status == 0 && summary == 0 && summarized))
