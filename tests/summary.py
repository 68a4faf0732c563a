#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
"""Print "N passed, N failed, N skipped" over every test case of a meson run.

Every test program speaks TAP, so meson's JUnit log has one testcase per case.
A program that failed without reporting a failing case (it crashed, timed out or
bailed out before its plan) or that reported no case at all counts as one failure:
the summary can never look better than the run was.
"""
import json
import sys
import xml.etree.ElementTree as ET

GOOD = {"OK", "EXPECTEDFAIL"}


def show_failure(test):
    """A failed test's failing cases, with what they printed, on stderr: CI's log
    then says what failed without the build directory, which goes with the root."""
    print(f"=== {test['name']}: {test['result']}", file=sys.stderr)
    lines = (test.get("stdout") or "").splitlines()
    shown = 0
    for i, line in enumerate(lines):
        if line.startswith(("not ok", "Bail out!")):
            print(line, file=sys.stderr)
            for context in lines[i + 1:i + 12]:
                if not context.startswith(("#", " ")):
                    break
                print(context, file=sys.stderr)
            shown += 1
    if not shown:
        print("\n".join(lines[-20:]), file=sys.stderr)


def main(logdir):
    cases = {}
    for suite in ET.parse(f"{logdir}/testlog.junit.xml").getroot().iter("testsuite"):
        total = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        cases[suite.get("name")] = (total - failed - skipped, failed, skipped)

    passed = failed = skipped = 0
    with open(f"{logdir}/testlog.json") as log:
        for line in log:
            test = json.loads(line)
            # JUnit names a test "PROJECT.NAME", the JSON log "NAME".
            name = next((n for n in cases if n.split(".", 1)[-1] == test["name"]), None)
            p, f, s = cases.get(name, (0, 0, 0))
            if test["result"] == "SKIP" and not p + f:
                s = max(s, 1)
            elif (test["result"] not in GOOD and not f) or not p + f + s:
                f += 1
            if f:
                show_failure(test)
            passed, failed, skipped = passed + p, failed + f, skipped + s
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1]))
    # Whatever went wrong, the run must still end with its summary line.
    except Exception as err:  # pylint: disable=broad-except
        print(f"tests/summary.py: no usable meson test log: {err}", file=sys.stderr)
        print("0 passed, 1 failed, 0 skipped")
        sys.exit(1)
