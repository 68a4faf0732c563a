#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Pins are trusted only when they are the maps of sluice's program on the interface.
# Three ways an operator gets there by hand, each refused by every command that
# reads or writes the state, with a message naming it and the way out, which then
# works: sluice detached and attached again from a mount namespace without these
# pins (they name maps no program reads), another tool's program put in sluice's
# place, and the pins removed while sluice runs. decap's state is proven the same way.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

lab_test_up
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"

prog_on_eth0()
{
	lab_exec lb ip -j link show dev eth0 |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])'
}

nothing_on_eth0()
{
	! lab_exec lb ip link show dev eth0 | grep -q " xdp"
}

# refused_by_all WHAT TEXT: each command that opens the pins exits 1 saying TEXT.
refused_by_all()
{
	local what=$1 text=$2 cmd

	for cmd in "status eth0" "status" "stats eth0" "apply eth0 -f $LAB_CONFIG" \
		   "watch eth0 --once" "top eth0 --once" "upgrade eth0"; do
		# shellcheck disable=SC2086
		check "$what: sluice ${cmd//$LAB_CONFIG/CONFIG} exits 1" expect_exit 1 sluice $cmd
		check "  and says what is wrong" output_has "$text"
	done
}

# 1. Detached and attached again where /sys/fs/bpf is another bpffs: the old pins
# stay, the new program has maps of its own.
check "detach and attach from a mount namespace without the pins" \
	lab_exec lb unshare -m --propagation private sh -c \
	"umount /sys/fs/bpf && '$SLUICE' detach eth0 && '$SLUICE' attach eth0 -f '$LAB_CONFIG'"
refused_by_all "pins of no program" "are not those of sluice's program"
check "  the message names the way out" output_has "\`sluice attach --replace eth0\`"
check "attach (without --replace) exits 1" expect_exit 1 sluice attach eth0
check "  and points at --replace" output_has "sluice attach --replace eth0"
stray=$(prog_on_eth0)
check "sluice attach --replace eth0 -f CONFIG: exit 0" \
	expect_exit 0 sluice attach --replace eth0 -f "$LAB_CONFIG"
check "  says it detached the stray program" output_has "detached sluice's program $stray"
check "  and removed the old pins" output_has "removed sluice's pins in $PIN"
check "  status works again" expect_exit 0 sluice status eth0
check "  traffic flows" lab_request "$LAB_VIP4" 80

# 2. Another tool's program in sluice's place.
check "another tool replaces sluice's program (ip -force ... xdp obj)" \
	lab_exec lb ip -force link set dev eth0 xdpdrv obj "$LAB_PASS_OBJ" sec xdp
other=$(prog_on_eth0)
refused_by_all "another tool's program" "is not sluice's (id $other, name 'xdp_pass')"
check "  the message names the way out" output_has "\`sluice detach --force eth0\`"
check "attach --replace leaves another tool's program alone: exit 1" \
	expect_exit 1 sluice attach --replace eth0
check "  says why" output_has "--replace replaces only sluice's"
check "  the program is still there" test "$(prog_on_eth0)" = "$other"
check "attach exits 1" expect_exit 1 sluice attach eth0 -f "$LAB_CONFIG"
check "  and points at detach --force" output_has "\`sluice detach --force eth0\` removes both"
check "detach (without --force): exit 0, removes sluice's state" expect_exit 0 sluice detach eth0
check "  says the other program stays" output_has "(id $other, name 'xdp_pass') is not sluice's and stays"
check "  it does" test "$(prog_on_eth0)" = "$other"
check "  the pins are gone" test ! -e "$PIN"
check "detach --force: exit 0" expect_exit 0 sluice detach --force eth0
check "  says what it removed" output_has "removed XDP program $other (name 'xdp_pass', not sluice's)"
check "  nothing is on eth0" nothing_on_eth0
check "attach again: exit 0" expect_exit 0 sluice attach eth0 -f "$LAB_CONFIG"
check "  traffic flows" lab_request "$LAB_VIP4" 80

# 3. The pins removed while sluice runs: every command sends to the same way out.
check "remove the pins by hand" rm -r "$PIN"
for cmd in "status eth0" "status" "apply -f $LAB_CONFIG" "attach eth0"; do
	# shellcheck disable=SC2086
	check "no pins: sluice ${cmd//$LAB_CONFIG/CONFIG} exits 1" expect_exit 1 sluice $cmd
	check "  says the state is gone and to attach --replace" \
		output_has "\`sluice attach --replace eth0\`"
done
check "sluice attach --replace eth0 -f CONFIG: exit 0" \
	expect_exit 0 sluice attach --replace eth0 -f "$LAB_CONFIG"
check "  status works again" expect_exit 0 sluice status eth0
check "  traffic flows" lab_request "$LAB_VIP4" 80
check "detach --force of sluice's own program: exit 0" expect_exit 0 sluice detach --force eth0
check "  and nothing is left" test ! -e "$PIN"

# 4. decap's pins are proven the same way: a backend's decap state that no program
# reads is an error of `decap status`, which says why and the way out.
decap_status() { lab_exec be1 "$SLUICE" decap status eth0 "$@" >"$TEST_TMP/out" 2>&1; }
# decap_problem_is EXIT PYTHON: decap status --json exits EXIT and its "problem" (p) holds.
decap_problem_is()
{
	local want=$1 rc=0

	lab_exec be1 "$SLUICE" decap status eth0 --json 2>/dev/null >"$TEST_TMP/json" || rc=$?
	((rc == want)) || { echo "  exit $rc, expected $want" >&2; return 1; }
	python3 -c 'import json, sys
p = json.load(open(sys.argv[1]))["interfaces"][0]["problem"]
print("  problem:", p, file=sys.stderr)
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TEST_TMP/json" "$2"
}
check "decap attach on be1" lab_exec be1 "$SLUICE" decap attach eth0 --from 10.0.0.0/8
check "  decap status --json: exit 0, no problem" decap_problem_is 0 "p is None"
check "decap detached and attached again from a mount namespace without its pins" \
	lab_exec be1 unshare -m --propagation private sh -c \
	"umount /sys/fs/bpf && ip link set dev eth0 xdp off && '$SLUICE' decap attach eth0"
check "  decap status exits 1" expect_exit 1 lab_exec be1 "$SLUICE" decap status eth0
check "  naming the map that is no program's" output_has "(its 'decap_settings') are not those of decap program"
check "  and the way out" output_has "\`sluice decap detach eth0\`, then \`sluice decap attach eth0\`"
check "  --json carries the problem, exit 1" decap_problem_is 1 \
	"p.startswith('the maps pinned for eth0')"
check "the way out: decap detach, decap attach" eval 'lab_exec be1 "$SLUICE" decap detach eth0 >&2 &&
	lab_exec be1 "$SLUICE" decap attach eth0 >&2'
check "  decap status: exit 0 again" expect_exit 0 lab_exec be1 "$SLUICE" decap status eth0
check "another tool takes decap's program off (ip link set xdp off)" \
	lab_exec be1 ip link set dev eth0 xdp off
check "  decap status exits 1" expect_exit 1 lab_exec be1 "$SLUICE" decap status eth0
check "  saying no decap program is attached" \
	output_has "decap's state of eth0 is pinned, but no decap program is attached"
check "  decap detach removes the state" expect_exit 0 lab_exec be1 "$SLUICE" decap detach eth0
check "  then decap status says nothing is attached, exit 1" eval \
	'! decap_status && grep -q "decap is not attached to eth0" "$TEST_TMP/out"'
lab_test_done
