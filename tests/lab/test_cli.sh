#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The operator's side of sluice: every command explains itself, every mistake gets a
# precise error and the right exit code and changes nothing, and detach leaves no
# program and no pins behind.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

trap lab_test_cleanup EXIT
lab_up >/dev/null || bail_out "the lab did not come up"
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"

for cmd in attach detach apply validate status stats; do
	check "sluice $cmd --help explains itself" expect_exit 0 sluice "$cmd" --help
	check "  (usage line for $cmd)" output_has "usage: sluice $cmd"
done
check "sluice with no command: exit 2" expect_exit 2 sluice
check "unknown command: exit 2" expect_exit 2 sluice frobnicate
check "  names it" output_has "unknown command 'frobnicate'"
check "attach without IFACE: exit 2" expect_exit 2 sluice attach
check "attach to an interface that does not exist: exit 2" expect_exit 2 sluice attach nosuch0
check "  says so" output_has "no interface nosuch0"
check "attach --mode bogus: exit 2" expect_exit 2 sluice attach eth0 --mode bogus
check "  names the mode" output_has "unknown mode 'bogus'"
check "apply without -f: exit 2" expect_exit 2 sluice apply
check "status before attach: exit 1" expect_exit 1 sluice status
check "  says it is not attached" output_has "not attached"

no_trace()
{
	[[ ! -e $PIN ]] && ! lab_exec lb ip link show dev eth0 | grep -q "prog/xdp"
}

printf 'services:\n  - name: web\n    vip: 192.0.2.10\n    porto: 80\n' >"$TEST_TMP/bad.yaml"
check "validate of an unknown key: exit 2" expect_exit 2 sluice validate -f "$TEST_TMP/bad.yaml"
check "  error is FILE:LINE:COL" output_has "$TEST_TMP/bad.yaml:4:5:"
check "attach with an invalid config: exit 2" \
	expect_exit 2 sluice attach eth0 -f "$TEST_TMP/bad.yaml"
check "  and nothing is attached or pinned" no_trace
check "validate of the lab config: exit 0" expect_exit 0 sluice validate -f "$LAB_CONFIG"

sed 's/10.200.0.13/10.200.0.99/' "$LAB_CONFIG" >"$TEST_TMP/unreachable.yaml"
check "attach whose config has an unreachable backend: exit 2" \
	expect_exit 2 sluice attach eth0 -f "$TEST_TMP/unreachable.yaml"
check "  says the attach was undone" output_has "detached from eth0 again"
check "  and nothing stays attached or pinned" no_trace

check "attach in generic mode works" expect_exit 0 sluice attach eth0 --mode generic
check "  and says generic" output_has "generic mode"
check "detach after generic attach" expect_exit 0 sluice detach eth0
check "  leaves no program and no pins" no_trace

check "attach with the lab config" expect_exit 0 sluice attach eth0 -f "$LAB_CONFIG"
check "  program attached natively" expect_exit 0 lab_exec lb ip link show dev eth0
check "  (ip shows native xdp, not xdpgeneric, on eth0)" output_has " xdp qdisc"
check "  maps pinned" test -e "$PIN/services"
check "status names the pin directory and the namespace" expect_exit 0 sluice status
check "  (pins: DIR, network namespace NAME)" \
	output_has "pins: $PIN (network namespace $LAB_PREFIX-lb)"
check "attach twice: exit 1" expect_exit 1 sluice attach eth0
check "  says already attached" output_has "already attached"

sluice status --json >"$TEST_TMP/before.json"
state_unchanged()
{
	sluice status --json >"$TEST_TMP/now.json" && cmp -s "$TEST_TMP/before.json" "$TEST_TMP/now.json"
}

check "apply of an invalid config: exit 2" expect_exit 2 sluice apply -f "$TEST_TMP/bad.yaml"
check "  leaves the live state exactly as it was" state_unchanged

check "apply with a backend that does not answer ARP: exit 2" \
	expect_exit 2 sluice apply -f "$TEST_TMP/unreachable.yaml"
check "  names the backend" output_has "backend 10.200.0.99 did not answer ARP"
check "  leaves the live state exactly as it was" state_unchanged

sed 's/10.200.0.13/10.9.9.9/' "$LAB_CONFIG" >"$TEST_TMP/offlink.yaml"
check "apply with a backend off the segment: exit 2" \
	expect_exit 2 sluice apply -f "$TEST_TMP/offlink.yaml"
check "  explains l2dsr needs the same segment" output_has "is not on a subnet of eth0"
check "  leaves the live state exactly as it was" state_unchanged
answers()
{
	lab_request "$@" >/dev/null
}
check "traffic still flows after the refused applies" answers "$LAB_VIP4" 80

check "apply to an interface sluice is not on: exit 1" \
	expect_exit 1 sluice apply lo -f "$LAB_CONFIG"

check "detach" expect_exit 0 sluice detach eth0
check "  leaves no program and no pins" no_trace
check "  and no sluice directory in bpffs" test ! -e "$PIN"
check "detach again: exit 1" expect_exit 1 sluice detach eth0
check "  says not attached" output_has "not attached to eth0"

lab_test_done
