#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Pins are trusted only when they are the maps of sluice's program on the interface.
# Three ways an operator gets there by hand, each refused by every command that
# reads or writes the state, with a message naming it and the way out, which then
# works: sluice detached and attached again from a mount namespace without these
# pins (they name maps no program reads), another tool's program put in sluice's
# place, and the pins removed while sluice runs.
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
lab_test_done
