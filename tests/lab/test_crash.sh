#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# sluice killed at every write point of an apply and of an attach (SLUICE_FAULT_WRITE=N
# raises SIGKILL before the N-th write, kernel/fault.h). After each kill the node runs
# one of the two configs exactly, as `status --json` shows it and real packets find it,
# and the next command finishes or undoes what the killed one began. Packets see the
# old config until the root (xdp/abi.h) is written and the new one from then on,
# before any command has looked: an apply killed before its commit journal was pinned
# changed nothing packets use; killed after, packets see the old config or the new
# one by the root, and the next command finishes it (the new config). An attach killed at any
# point leaves, once the next command has looked, nothing, or the node attached with
# its whole config; so does `sluice run` killed while it attaches the node.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

CONF_A=$LAB_DIR/configs/crash-a.yaml
CONF_B=$LAB_DIR/configs/crash-b.yaml

trap lab_test_cleanup EXIT
trap 'exit 130' INT TERM
lab_up >/dev/null || bail_out "the lab did not come up"
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"

# What a config is, as status shows it: ids, slots and counters left out (they are
# where a config sits, not what it is), and what changes by the second.
state()
{
	sluice status --json eth0 | python3 -c '
import json, sys
s = json.load(sys.stdin)
for k in ("daemon", "leftovers", "netns"):
	s.pop(k, None)
s["program"].pop("id", None)
s.get("filter", {}).pop("slot", None)
for svc in s["services"]:
	svc.pop("id", None); svc.pop("table_slot", None)
	for be in svc["backends"]:
		be.pop("id", None); be.pop("drain_seconds_left", None)
for r in s["rules"]:
	r.pop("counter", None)
json.dump(s, sys.stdout, indent=1, sort_keys=True)'
}

# same_as REF: the node's state is REF's exactly.
same_as()
{
	state >"$TEST_TMP/now" || return
	diff -u "$TEST_TMP/$1" "$TEST_TMP/now" >&2
}

# Packets: what A answers that B does not (the DNS service, lb's own port 6379), and
# the web backends each hands out.
runs_a()
{
	lab_udp_request "$LAB_VIP4" 53 >/dev/null && lab_request "${LAB_IP4[lb]}" 6379 >/dev/null
}

runs_b()
{
	local be

	! lab_udp_request "$LAB_VIP4" 53 >/dev/null 2>&1 &&
		! lab_request "${LAB_IP4[lb]}" 6379 >/dev/null 2>&1 &&
		be=$(lab_request "$LAB_VIP4" 80) && [[ $be == be1 ]]
}

check "attach with A" expect_exit 0 sluice attach eth0 -f "$CONF_A"
state >"$TEST_TMP/a" || bail_out "no status"
check "  A's packets" runs_a
check "apply B" expect_exit 0 sluice apply eth0 -f "$CONF_B"
state >"$TEST_TMP/b" || bail_out "no status"
check "  B's packets" runs_b
check "  B is not A" bash -c "! cmp -s '$TEST_TMP/a' '$TEST_TMP/b'"
check "apply A again" expect_exit 0 sluice apply eth0 -f "$CONF_A"
check "  the same state as the first A" same_as a

# killed_at N CMD...: CMD run with SLUICE_FAULT_WRITE=N; 0 when SIGKILL stopped it,
# 1 when it finished (there are fewer than N write points).
killed_at()
{
	local n=$1 rc=0

	shift
	lab_exec lb env SLUICE_FAULT_WRITE="$n" "$SLUICE" "$@" >"$TEST_TMP/out" 2>&1 || rc=$?
	case $rc in
	137) return 0 ;;
	0) return 1 ;;
	*) echo "  exit $rc from $*" >&2; sed 's/^/  | /' "$TEST_TMP/out" >&2; return 2 ;;
	esac
}

journal_left()
{
	[[ -e $PIN/journal ]]
}

root()
{
	bpftool map lookup pinned "$PIN/root" key 0 0 0 0 -j |
		python3 -c 'import json,sys; print(int(json.load(sys.stdin)["value"][0], 0))'
}

# Apply: every write point, in turn. The run past the last one finishes.
points=0 before=0 after=0 flipped=0
for ((n = 1; n < 200; n++)); do
	root_before=$(root)
	killed_at "$n" apply eth0 -f "$CONF_B"
	rc=$?
	((rc != 0)) && break
	points=$n
	if journal_left; then
		after=$((after + 1))
		# Packets first, before any command looks: by the root, A or B whole.
		if [[ $(root) != "$root_before" ]]; then
			flipped=$((flipped + 1))
			check "apply killed at write $n, root written: B's packets" runs_b
		else
			check "apply killed at write $n, root not yet written: A's packets" runs_a
		fi
		check "  status finishes it, B exactly" same_as b
		check "  the journal is gone" bash -c "! test -e '$PIN/journal'"
		check "  B's packets" runs_b
		check "  back to A" expect_exit 0 sluice apply eth0 -f "$CONF_A"
	else
		before=$((before + 1))
		# Nothing packets use has changed: packets first, before any command looks.
		((before == 1 || n % 3 == 0)) && check "apply killed at write $n: A's packets" runs_a
		check "  the root is as it was" test "$(root)" = "$root_before"
		check "apply killed at write $n (no journal): A exactly" same_as a
		if ((n % 4 == 0)); then
			check "  the next apply of B converges to B exactly" \
				eval 'sluice apply eth0 -f "$CONF_B" >/dev/null && same_as b'
			check "  back to A" expect_exit 0 sluice apply eth0 -f "$CONF_A"
		fi
	fi
done
check "apply: $points write points ($before before the commit, $after after, $flipped past the root)" \
	test "$before" -gt 0 -a "$after" -gt 0 -a "$flipped" -gt 0
check "  past the last point the apply finishes" test "$rc" -eq 1
check "  B exactly" same_as b

# A killed apply leaves the other generation part-written, so the numbers above
# move as they go and may step over the instant between the journal and the root.
# Killed there by name (SLUICE_FAULT_AT, kernel/fault.h): packets still see A.
check "back to A" expect_exit 0 sluice apply eth0 -f "$CONF_A"
root_before=$(root)
lab_exec lb env SLUICE_FAULT_AT=commit "$SLUICE" apply eth0 -f "$CONF_B" >/dev/null 2>&1
check "apply killed between its journal and the root: SIGKILL" test $? -eq 137
check "  a journal is left" journal_left
check "  the root is as it was" test "$(root)" = "$root_before"
check "  A's packets, before any command looks" runs_a
check "  status finishes it, B exactly" same_as b

# not_attached: status says so and nothing of sluice is left on the node.
not_attached()
{
	expect_exit 1 sluice status eth0 && output_has "not attached" &&
		[[ ! -e $PIN ]] && ! lab_exec lb ip link show dev eth0 | grep -q "prog/xdp"
}

# killed_attach_checked WHAT N: WHAT, attaching, was killed at write N. Either its
# marker (or an empty directory) stands and the next command removes all of it, or
# it got past its marker and A runs whole (then detached for the next point).
killed_attach_checked()
{
	if [[ -e $PIN/attaching || ! -e $PIN/settings ]]; then
		undone=$((undone + 1))
		check "$1 killed at write $2: the next command removes its attach" not_attached
	else
		whole=$((whole + 1))
		check "$1 killed at write $2 (marker gone): A whole" same_as a
		check "  detach" expect_exit 0 sluice detach eth0
	fi
}

check "detach for the attach points" expect_exit 0 sluice detach eth0
points=0 undone=0 whole=0
for ((n = 1; n < 200; n++)); do
	killed_at "$n" attach eth0 -f "$CONF_A"
	rc=$?
	((rc != 0)) && break
	points=$((points + 1))
	killed_attach_checked attach "$n"
	if ((n == 1 || n % 8 == 0)); then
		check "  the next attach gives A exactly" \
			eval 'sluice attach eth0 -f "$CONF_A" >/dev/null && same_as a'
		check "  A's packets" runs_a
		check "  detach" expect_exit 0 sluice detach eth0
	fi
done
check "attach: $points write points ($undone undone, $whole whole)" test "$undone" -gt 0
check "  past the last point the attach finishes" test "$rc" -eq 1
check "  A exactly" same_as a
check "  A's packets" runs_a

# `sluice run` attaching the node, killed at every third write point of its start:
# the same as an attach. Past its last point it runs until `timeout` stops it (124).
check "detach for the daemon's points" expect_exit 0 sluice detach eth0
points=0 undone=0 whole=0
for ((n = 1; n < 200; n += 3)); do
	lab_exec lb env SLUICE_FAULT_WRITE="$n" timeout 4 "$SLUICE" run eth0 -f "$CONF_A" \
		>"$TEST_TMP/out" 2>&1
	rc=$?
	((rc == 137)) || break
	points=$((points + 1))
	killed_attach_checked run "$n"
done
check "run: killed at $points write points ($undone undone, $whole whole)" \
	test "$undone" -gt 0
check "  past its start the daemon runs until stopped" test "$rc" -eq 124
check "  A exactly" same_as a
check "  A's packets" runs_a

lab_test_done
