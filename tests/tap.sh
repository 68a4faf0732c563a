#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# TAP for the shell tests that need no lab (source it): check WHAT CMD... runs CMD with
# its output on stderr and prints "ok N - WHAT" or "not ok N - WHAT"; tap_done prints
# the plan and fails if any check did.
TAP_COUNT=0
TAP_FAILED=0

check()
{
	local what=$1

	shift
	TAP_COUNT=$((TAP_COUNT + 1))
	if "$@" >&2; then
		echo "ok $TAP_COUNT - $what"
	else
		echo "not ok $TAP_COUNT - $what"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

tap_done()
{
	echo "1..$TAP_COUNT"
	((TAP_FAILED == 0))
}
