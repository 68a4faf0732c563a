#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `sluice upgrade`: another build's program takes over the running one's pinned maps
# in one atomic swap, under traffic. A long-lived TCP connection keeps its backend,
# counters and the flow table carry on; a program built for another map layout, an
# object that is not sluice's and a file that is not there are refused, and the
# running program stays.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

cat >"$TEST_TMP/up.yaml" <<YAML
filter:
  default: allow
  rules:
    - {name: web-seen, proto: tcp, dport: 80, action: count}
    - {name: no-redis, proto: tcp, dport: 6379, action: deny}
services:
  - name: web
    vip: $LAB_VIP4
    port: 80
    proto: tcp
    backends:
      - {addr: 10.200.0.11}
      - {addr: 10.200.0.12}
      - {addr: 10.200.0.13}
YAML
lab_test_up "$TEST_TMP/up.yaml"

# json_of EXPR: a Python expression of d, the JSON on stdin.
json_of()
{
	python3 -c 'import json, sys; d = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"
}

prog_id()
{
	sluice status eth0 --json 2>/dev/null | json_of 'd["program"]["id"]'
}

prog_tag()
{
	bpftool prog show id "$1" -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])'
}

web_seen()
{
	sluice stats eth0 --json 2>/dev/null |
		json_of '[r["packets"] for r in d["rules"] if r["name"] == "web-seen"][0]'
}

flows_active()
{
	sluice stats eth0 --json 2>/dev/null | json_of 'd["services"][0]["active_flows"]'
}

round=0
still_echoes()
{
	round=$((round + 1))
	lab_conn_send long "ping-$round" || return 1
	[[ $(lab_conn_read long) == "ping-$round" ]]
}

# at_least NAME BEFORE NOW: a counter that must not have gone back.
at_least()
{
	(($3 >= $2)) || { echo "  $1 went from $2 back to $3" >&2; return 1; }
}

lab_conn_open long "$LAB_VIP4" 80
pinned=$(lab_conn_read long)
echo "# long-lived connection landed on $pinned" >&2
check "the connection echoes before the upgrade" still_echoes
for _ in 1 2 3 4 5; do lab_request "$LAB_VIP4" 80 >/dev/null; done
old_id=$(prog_id)
old_tag=$(prog_tag "$old_id")
seen_before=$(web_seen)
flows_before=$(flows_active)
check "traffic was counted before the upgrade" test "${seen_before:-0}" -gt 0

# Requests all through the swap: none may go unanswered.
(
	fails=0
	end=$((SECONDS + 4))
	while ((SECONDS < end)); do
		lab_request "$LAB_VIP4" 80 >/dev/null 2>&1 || fails=$((fails + 1))
	done
	echo "$fails" >"$TEST_TMP/fails"
) &
TRAFFIC=$!
TEST_PIDS+=("$TRAFFIC")
check "sluice upgrade --object (another build, same layout): exit 0" \
	expect_exit 0 sluice upgrade eth0 --object "$UPGRADE_NEXT_OBJ"
check "  says what it replaced" output_has "program $old_id replaced by"
new_id=$(prog_id)
check "  a new program is on eth0" test "${new_id:-0}" -ne "${old_id:-0}"
check "  whose code differs (another tag)" test "$(prog_tag "$new_id")" != "$old_tag"
check "  natively, as before" test "$(sluice status eth0 --json 2>/dev/null |
	json_of 'd["program"]["mode"]')" = native
wait "$TRAFFIC"
check "  no request went unanswered during the swap" test "$(cat "$TEST_TMP/fails")" = 0
check "  the established connection keeps its backend" still_echoes
check "  its counters carry on" at_least web-seen "$seen_before" "$(web_seen)"
check "  and the flow table too" at_least active_flows "$flows_before" "$(flows_active)"
check "  new connections are balanced by the new program" lab_request "$LAB_VIP4" 80
seen_after=$(web_seen)
check "  which counts into the same counters" at_least web-seen "$((seen_before + 1))" \
	"$seen_after"

check "status with this sluice: exit 0" expect_exit 0 sluice status eth0
check "  notes that another build runs, and how to run this one's" \
	output_has "is another sluice build's (same map layout); \`sluice upgrade eth0\`"
check "sluice upgrade (back to this sluice's own program): exit 0" \
	expect_exit 0 sluice upgrade
check "  the connection still echoes" still_echoes
check "  status has nothing to note any more" expect_exit 0 sluice status eth0
check "  (no note)" bash -c "! grep -q 'another sluice build' '$TEST_TMP/out'"

id=$(prog_id)
check "a program built for the next map layout: exit 1" \
	expect_exit 1 sluice upgrade eth0 --object "$UPGRADE_BUMPED_OBJ"
check "  says why and what to do" output_has "keeps its maps in layout 4, and sluice migrates no layout: nothing changed. To run it, \`sluice attach --replace eth0 -f CONFIG\`"
check "  the running program stays" test "$(prog_id)" -eq "$id"
check "  and so does the connection" still_echoes
check "an object that is not sluice's: exit 1" \
	expect_exit 1 sluice upgrade eth0 --object "$LAB_PASS_OBJ"
check "  says so" output_has "is not a sluice program"
check "a file that is not there: exit 1" \
	expect_exit 1 sluice upgrade eth0 --object "$TEST_TMP/none.bpf.o"
check "  says so" output_has "cannot read $TEST_TMP/none.bpf.o"
check "  the running program stays" test "$(prog_id)" -eq "$id"
check "an interface sluice is not on: exit 1" expect_exit 1 sluice upgrade lo
check "  says so" output_has "not attached to lo"
check "a stray argument: exit 2" expect_exit 2 sluice upgrade eth0 lo
check "the connection survived it all" still_echoes
check "and detach leaves nothing" expect_exit 0 sluice detach eth0
lab_conn_close long
lab_test_done
