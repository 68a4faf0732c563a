#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Attach under contention and in the states an operator can get into by hand: of
# two attaches at once exactly one wins and the other removes nothing; a user
# without the capabilities is told so; a program whose pins were removed gets a
# message naming that state and the way out, not "not attached".
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

trap lab_test_cleanup EXIT
trap 'exit 130' INT TERM
lab_up >/dev/null || bail_out "the lab did not come up"
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"
ROUNDS=10

check "a single attach with the lab config" expect_exit 0 sluice attach eth0 -f "$LAB_CONFIG"
ls "$PIN" >"$TEST_TMP/pins-whole"
check "detach it" expect_exit 0 sluice detach eth0

attached_natively()
{
	lab_exec lb ip link show dev eth0 | grep -q " xdp qdisc"
}

pins_whole()
{
	ls "$PIN" 2>/dev/null | cmp -s - "$TEST_TMP/pins-whole"
}

# Both attaches start together; one must win, the other must say why and exit 1.
race_round()
{
	local a b rc_a=0 rc_b=0

	sluice attach eth0 -f "$LAB_CONFIG" >"$TEST_TMP/a" 2>&1 &
	a=$!
	sluice attach eth0 -f "$LAB_CONFIG" >"$TEST_TMP/b" 2>&1 &
	b=$!
	wait "$a" || rc_a=$?
	wait "$b" || rc_b=$?
	if [[ "$rc_a $rc_b" == "0 1" ]]; then
		loser=$TEST_TMP/b
	elif [[ "$rc_a $rc_b" == "1 0" ]]; then
		loser=$TEST_TMP/a
	else
		echo "  exits $rc_a and $rc_b" >&2
		sed 's/^/  a| /' "$TEST_TMP/a" >&2
		sed 's/^/  b| /' "$TEST_TMP/b" >&2
		return 1
	fi
	grep -q "already attached" "$loser" || { sed 's/^/  | /' "$loser" >&2; return 1; }
}

for ((round = 1; round <= ROUNDS; round++)); do
	check "round $round: two attaches at once, one wins and the other is already attached" \
		race_round
	check "  the program is attached" attached_natively
	check "  every map is pinned" pins_whole
	check "  traffic flows" lab_request "$LAB_VIP4" 80
	check "  detach" expect_exit 0 sluice detach eth0
done

check "attach again for the checks below" expect_exit 0 sluice attach eth0 -f "$LAB_CONFIG"

# Without CAP_SYS_ADMIN every command that touches the state says that is why.
as_nobody()
{
	lab_exec lb setpriv --reuid=nobody --regid=nogroup --clear-groups "$SLUICE" "$@"
}
for cmd in status stats detach watch attach; do
	check "sluice $cmd eth0 as nobody: exit 1" expect_exit 1 as_nobody "$cmd" eth0
	check "  says it needs root" \
		output_has "sluice needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN)"
done
check "sluice apply as nobody: exit 1" expect_exit 1 as_nobody apply -f "$LAB_CONFIG" eth0
check "  says it needs root" output_has "sluice needs root"
check "  and the program stays attached" attached_natively
check "  with every pin" pins_whole

# Pins removed by hand while the program runs: every command names that state.
rm -rf "$PIN"
for cmd in status stats; do
	check "sluice $cmd eth0 without the pins: exit 1" expect_exit 1 sluice "$cmd" eth0
	check "  names the state and the recovery" \
		output_has "is attached to eth0 but its pinned state is gone"
	check "  (sluice detach eth0 first)" output_has "\`sluice detach eth0\`"
done
check "sluice apply without the pins: exit 1" expect_exit 1 sluice apply -f "$LAB_CONFIG" eth0
check "  names the state" output_has "but its pinned state is gone"
check "sluice attach without the pins: exit 1" expect_exit 1 sluice attach eth0
check "  names the state, not 'already attached'" output_has "but its pinned state is gone"
check "  and tells to detach first" output_has "\`sluice detach eth0\`"
check "the recovery: detach" expect_exit 0 sluice detach eth0
check "  then attach" expect_exit 0 sluice attach eth0 -f "$LAB_CONFIG"
check "  pins whole again" pins_whole
check "  traffic flows again" lab_request "$LAB_VIP4" 80

lab_test_done
