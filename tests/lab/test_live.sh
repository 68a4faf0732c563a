#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Live changes: an established TCP connection keeps its backend while `apply` adds,
# removes and reweights the OTHER backends; new connections follow the new set;
# applying the same file twice changes nothing; --dry-run changes nothing.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

declare -A ADDR_OF=([be1]=10.200.0.11 [be2]=10.200.0.12 [be3]=10.200.0.13)

# write_config FILE BACKEND[:WEIGHT]...: the lab's services with these backends.
write_config()
{
	local file=$1 spec be weight

	shift
	{
		printf 'filter:\n  default: allow\n  rules:\n'
		printf '    - {name: no-redis, proto: tcp, dport: 6379, action: deny}\n'
		printf 'services:\n'
		printf '  - name: web\n    vip: %s\n    port: 80\n    proto: tcp\n' "$LAB_VIP4"
		printf '    backends:\n'
		for spec in "$@"; do
			be=${spec%%:*}
			weight=100
			[[ $spec == *:* ]] && weight=${spec#*:}
			printf '      - {addr: %s, weight: %s}\n' "${ADDR_OF[$be]}" "$weight"
		done
	} >"$file"
}

write_config "$TEST_TMP/all.yaml" be1 be2 be3
lab_test_up "$TEST_TMP/all.yaml"

lab_conn_open long "$LAB_VIP4" 80
pinned=$(lab_conn_read long)
echo "# long-lived connection landed on $pinned"
others=()
for be in be1 be2 be3; do
	[[ $be == "$pinned" ]] || others+=("$be")
done

round=0
still_echoes()
{
	round=$((round + 1))
	lab_conn_send long "ping-$round" || return 1
	[[ $(lab_conn_read long) == "ping-$round" ]]
}

# only_backends N BE...: N new connections all land on the given backends.
only_backends()
{
	local n=$1 answer

	shift
	spread "$n" lab_request "$LAB_VIP4" 80 >"$TEST_TMP/spread"
	while read -r _ answer; do
		[[ " $* " == *" $answer "* ]] || {
			echo "  unexpected answer '$answer' (allowed: $*)" >&2
			cat "$TEST_TMP/spread" >&2
			return 1
		}
	done <"$TEST_TMP/spread"
}

check "the connection echoes before any change" still_echoes

write_config "$TEST_TMP/minus.yaml" "$pinned" "${others[1]}"
check "apply removing ${others[0]} succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/minus.yaml"
check "  and reports the removal" output_has "backend ${ADDR_OF[${others[0]}]} removed"
check "the connection on $pinned survives the removal of ${others[0]}" still_echoes
check "new connections avoid the removed ${others[0]}" only_backends 30 "$pinned" "${others[1]}"

write_config "$TEST_TMP/plus.yaml" "$pinned" "${others[0]}:300" "${others[1]}"
check "apply adding ${others[0]} back with weight 300 succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/plus.yaml"
check "the connection on $pinned survives the addition" still_echoes

write_config "$TEST_TMP/minus2.yaml" "$pinned"
check "apply removing both other backends succeeds" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/minus2.yaml"
check "the connection survives while its backend is the only one" still_echoes
check "new connections all go to $pinned" only_backends 10 "$pinned"

check "apply of the full set succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/all.yaml"
check "the connection survives going back to three backends" still_echoes
sluice status eth0 --json >"$TEST_TMP/before.json"
check "applying the same file again changes nothing" \
	expect_exit 0 sluice apply eth0 -f "$TEST_TMP/all.yaml"
check "  and says so" output_has "no changes"
sluice status eth0 --json >"$TEST_TMP/after.json"
check "  and the live state is byte-identical" cmp -s "$TEST_TMP/before.json" "$TEST_TMP/after.json"

check "--dry-run of a removal: exit 3, changes pending" \
	expect_exit 3 sluice apply eth0 --dry-run -f "$TEST_TMP/minus.yaml"
check "  and says what it would do" output_has "would: service web: backend"
sluice status eth0 --json >"$TEST_TMP/dry.json"
check "  and changes nothing" cmp -s "$TEST_TMP/before.json" "$TEST_TMP/dry.json"
all_three_answer()
{
	spread 30 lab_request "$LAB_VIP4" 80 >"$TEST_TMP/spread"
	[[ $(awk '$2 ~ /^be[123]$/' "$TEST_TMP/spread" | wc -l) == 3 ]] ||
		{ cat "$TEST_TMP/spread" >&2; return 1; }
}
check "new connections still reach all three backends after the dry run" all_three_answer

check "the connection still echoes at the end" still_echoes
lab_conn_close long

lab_test_done
