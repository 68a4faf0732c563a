#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Changes made behind sluice's back: the filter's active slot flipped with bpftool, a
# backend rewritten, the root's generation flipped, sluice's program replaced. status and stats name what differs
# and exit 1 (packets were being judged by another rule set than status listed); an
# apply puts it back; `sluice run` finds it within seconds and repairs it, or with
# settings.tamper: alert only logs and counts it.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

CONF_A=$LAB_DIR/configs/crash-a.yaml
CONF_B=$LAB_DIR/configs/crash-b.yaml
METRICS_PORT=9457

trap tamper_cleanup EXIT
trap 'exit 130' INT TERM
tamper_cleanup()
{
	[[ -n ${DAEMON_PID-} ]] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID"
	lab_test_cleanup
}
lab_up >/dev/null || bail_out "the lab did not come up"
PIN=$(lab_pin_dir lb) || bail_out "cannot read lb's network namespace cookie"

# The root (xdp/abi.h): bit 0 the filter's slot, bit 4 the generation.
root() { bpftool map lookup pinned "$PIN/root" key 0 0 0 0 -j | python3 -c \
	'import json,sys; print(int(json.load(sys.stdin)["value"][0], 0))'; }
flip() { bpftool map update pinned "$PIN/root" key 0 0 0 0 value "$(($(root) ^ ${1:-1}))" 0 0 0; }
# Backend 1 of the running generation, as bpftool's key bytes.
backend1() { echo 1 $((($(root) & 16) << 2)) 0 0; }
redis_open() { lab_request "${LAB_IP4[lb]}" 6379 >/dev/null 2>&1; }

check "attach with A" expect_exit 0 sluice attach eth0 -f "$CONF_A"
check "apply B (A's rule set stays in the other slot)" expect_exit 0 sluice apply eth0 -f "$CONF_B"
# tampered_is PYTHON-LIST: status --json lists these parts as tampered.
tampered_is()
{
	{ sluice status --json eth0 2>/dev/null || true; } | python3 -c \
		'import json, sys; t = json.load(sys.stdin)["tampered"]; print("  tampered:", t, file=sys.stderr); sys.exit(t != eval(sys.argv[1]))' "$1"
}
check "status: exit 0" expect_exit 0 sluice status eth0
check "  \"tampered\": []" tampered_is "[]"
check "B denies lb's port 6379" no_answer "${LAB_IP4[lb]}" 6379
check "the slot flipped with bpftool" flip
check "  packets are judged by A's rules again (6379 answers)" redis_open
check "status: exit 1" expect_exit 1 sluice status eth0
check "  names the flipped slot" output_has "tampered: the filter's active slot is"
check "  while it lists B's rules (what rule_meta says)" output_has "slow-udp"
check "status --json: \"tampered\": [\"filter\"]" tampered_is "['filter']"
check "stats: exit 1" expect_exit 1 sluice stats eth0
check "  names it" output_has "tampered: the filter's active slot"
check "watch --once: exit 1" expect_exit 1 sluice watch --once eth0
check "  names it" output_has "tampered: the filter's active slot"
check "apply B puts it back" expect_exit 0 sluice apply eth0 -f "$CONF_B"
check "  and says what it found" output_has "tampered: the filter's active slot"
check "  status: exit 0" expect_exit 0 sluice status eth0
check "  6379 is denied again" no_answer "${LAB_IP4[lb]}" 6379

# A backend's MAC rewritten by hand: the backends part.
# shellcheck disable=SC2046 # key and value are lists of bytes
check "a backend rewritten with bpftool" bpftool map update pinned "$PIN/backends" \
	key $(backend1) value $(bpftool map lookup pinned "$PIN/backends" key $(backend1) -j |
	python3 -c 'import json,sys; v=[int(x,0) for x in json.load(sys.stdin)["value"]]; v[16]^=1; print(*v)')
check "status: exit 1, names the backends" expect_exit 1 sluice status eth0
check "  (backends)" output_has "the backends differ from what the last apply left"
check "apply puts it back" expect_exit 0 sluice apply eth0 -f "$CONF_B"
check "  status: exit 0" expect_exit 0 sluice status eth0

# The root's generation flipped: packets see the configuration before the last apply.
check "the generation flipped with bpftool" flip 16
check "status: exit 1, names the root" expect_exit 1 sluice status eth0
check "  (root)" output_has "tampered: the root selects generation"
check "apply puts it back" expect_exit 0 sluice apply eth0 -f "$CONF_B"
check "  status: exit 0" expect_exit 0 sluice status eth0

# The seal after an apply digests again only the parts the apply wrote and keeps the
# check's digests of the others: a change to one of those is still found, and an
# apply that repairs a part seals the repair.
sed 's/weight: 300}/weight: 200}/' "$CONF_B" >"$TEST_TMP/b-weight.yaml"
check "an apply of one weight (writes no filter map)" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/b-weight.yaml"
check "  status: exit 0 (every part sealed as it is)" expect_exit 0 sluice status eth0
check "the slot flipped after it" flip
check "  status: exit 1, names the filter that apply did not write" \
	expect_exit 1 sluice status eth0
check "  (filter)" output_has "tampered: the filter's active slot is"
check "an apply of one weight back finds it" expect_exit 0 sluice apply eth0 -f "$CONF_B"
check "  says what it found" output_has "tampered: the filter's active slot"
check "  status: exit 0 (the repair is sealed)" expect_exit 0 sluice status eth0
check "  6379 is denied again" no_answer "${LAB_IP4[lb]}" 6379

# The daemon: repair (the default), then alert.
start_daemon()
{
	{ cat "$1"; printf 'metrics: {listen: "127.0.0.1:%s"}\n' "$METRICS_PORT"; } \
		>"$TEST_TMP/run.yaml"
	nsenter --net="/run/netns/$(lab__ns lb)" \
		"$SLUICE" run eth0 -f "$TEST_TMP/run.yaml" >>"$TEST_TMP/daemon.log" 2>&1 &
	DAEMON_PID=$!
}
stop_daemon() { kill "$DAEMON_PID" && wait "$DAEMON_PID"; DAEMON_PID=; }
wait_for()
{
	local deadline=$((SECONDS + $1))

	shift
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}
daemon_says() { grep -qF -- "$1" "$TEST_TMP/daemon.log"; }
scraped()
{
	lab_exec lb python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode())' \
		"http://127.0.0.1:$METRICS_PORT/metrics" | grep -qE "^$1 $2\$"
}
status_clean() { sluice status eth0 >/dev/null 2>&1; }

start_daemon "$CONF_B"
check "the daemon runs B" wait_for 10 scraped 'sluice_applies_total\{interface="eth0",result="applied"\}' 1
check "the slot flipped under the daemon" flip
check "  the daemon finds it and applies again" \
	wait_for 10 daemon_says "tampered: what the daemon applied differs in filter; applying"
check "  status is clean again" wait_for 5 status_clean
check "  6379 is denied again" no_answer "${LAB_IP4[lb]}" 6379
check "  counted" scraped 'sluice_tamper_total\{interface="eth0",part="filter"\}' 1
stop_daemon

printf 'settings: {tamper: alert}\n' >"$TEST_TMP/alert.yaml"
grep -v '^settings:\|^  malformed:' "$CONF_B" >>"$TEST_TMP/alert.yaml"
start_daemon "$TEST_TMP/alert.yaml"
check "the daemon runs with tamper: alert" wait_for 10 scraped 'sluice_tamper_total\{interface="eth0",part="filter"\}' 0
check "the slot flipped again" flip
check "  the daemon says so" wait_for 10 daemon_says "left so (settings.tamper: alert)"
check "  counted once" scraped 'sluice_tamper_total\{interface="eth0",part="filter"\}' 1
check "  and left it: status still exit 1" expect_exit 1 sluice status eth0
stop_daemon
check "an apply puts it back" expect_exit 0 sluice apply eth0 -f "$CONF_B"

# Another program in sluice's place.
check "sluice's program replaced by another" bash -c \
	"nsenter --net=/run/netns/$(lab__ns lb) ip link set dev eth0 xdp off &&
	 nsenter --net=/run/netns/$(lab__ns lb) ip link set dev eth0 xdpdrv obj '$LAB_PASS_OBJ' sec xdp"
check "status: exit 1" expect_exit 1 sluice status eth0
check "  names the program that is there instead" output_has "is not sluice's (id"
check "stats: exit 1" expect_exit 1 sluice stats eth0
check "  names the program that is there instead" output_has "another tool replaced sluice"
lab_exec lb ip link set dev eth0 xdp off
check "detach removes the state" expect_exit 0 sluice detach eth0

lab_test_done
