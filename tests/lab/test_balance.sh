#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# How flows spread and how few move, measured on thousands of real flows:
# (a) removing one of three backends moves only its flows (held TCP connections on
#     the others keep working, UDP flows keep their backend), and the share that
#     moves is close to 1/3;
# (b) without the flow table (a fresh attach with the new set) Maglev alone moves only
#     a small share of the surviving backends' flows, and the flows (a) moved went
#     exactly where Maglev sends them;
# (c) weights 1:2:3 give each backend its weight's share of new flows.
#
# Every flow comes from its own fixed source port, so a flow can be sent again after a
# change and compared with itself. The flow hash has a fixed seed, so these figures
# are the same on every run; the tolerances say how far chance alone could take them.
# shellcheck source=tests/lab/lbtest.sh
source "$(dirname "$0")/lbtest.sh"

UDP_FIRST=20000		# flows of (a) and (b)
UDP_COUNT=3000
TCP_FIRST=30000		# held TCP connections of (a)
TCP_COUNT=150
FRESH_FIRST=10000	# flows of (c), never sent before
FRESH_COUNT=6000

# --- the held TCP connections (flows.py tcp as a coprocess) -----------------------

HOLDER=
tcp_hold_start()
{
	local line

	coproc HOLD { lab_exec client python3 "$FLOWS_PY" tcp "$LAB_VIP4" 80 "$@"; }
	# bash forgets HOLD and HOLD_PID once the coprocess ends: keep copies.
	HOLDER=$HOLD_PID
	exec {HOLD_IN}<&"${HOLD[0]}" {HOLD_OUT}>&"${HOLD[1]}"
	while IFS= read -r -t 20 -u "$HOLD_IN" line && [[ $line != ready ]]; do
		echo "$line"
	done
	[[ $line == ready ]]
}

# One line on every held connection; "SPORT ok" for those that echoed it.
tcp_hold_check()
{
	local line

	# In a subshell: if the holder is gone, SIGPIPE ends the subshell, not the test.
	(echo check >&"$HOLD_OUT") 2>/dev/null || return 1
	while IFS= read -r -t 20 -u "$HOLD_IN" line && [[ $line != "done" ]]; do
		echo "$line"
	done
	[[ $line == "done" ]]
}

tcp_hold_stop()
{
	[[ -n $HOLDER ]] || return 0
	# "end", not only end of input: other children may hold the pipe open too.
	(echo end >&"$HOLD_OUT") 2>/dev/null
	exec {HOLD_OUT}>&- {HOLD_IN}<&-
	wait "$HOLDER" 2>/dev/null
	HOLDER=
}

# --- comparing two runs of the same flows -----------------------------------------

# moves BEFORE AFTER GONE: "total gone survivors survivors_moved gone_after": flows of
# BEFORE, those that were on GONE, the others, those of the others whose backend
# differs in AFTER, and flows that AFTER still finds on GONE.
moves()
{
	awk -v gone="$3" '
		NR == FNR { was[$1] = $2; next }
		$1 in was {
			n++
			if (was[$1] == gone) g++; else { s++; if ($2 != was[$1]) sm++ }
			if ($2 == gone) ga++
		}
		END { printf "%d %d %d %d %d\n", n, g, s, sm, ga }' "$1" "$2"
}

# share FILE BACKEND: the share of FILE's flows that BACKEND answered.
share()
{
	awk -v k="$(answered_by "$1" "$2")" -v n="$(wc -l <"$1")" 'BEGIN { printf "%.6f\n", k / n }'
}

# table_share SERVICE BACKEND_ADDR: that backend's share of the Maglev slots (status).
table_share()
{
	sluice status eth0 --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
svc = next(x for x in s["services"] if x["name"] == sys.argv[1])
print(next(b["share"] for b in svc["backends"] if b["addr"] == sys.argv[2]))' "$@"
}

lb_test_cleanup()
{
	tcp_hold_stop
	lab_test_cleanup
}

lb_config "$TEST_TMP/three.yaml" be1 be2 be3
lb_config "$TEST_TMP/two.yaml" be1 be2
lab_test_up "$TEST_TMP/three.yaml"
trap lb_test_cleanup EXIT

# --- (a) removing be3 moves only be3's flows ---------------------------------------

udp_flows "$UDP_FIRST" "$UDP_COUNT" >"$TEST_TMP/udp-three"
check "$UDP_COUNT UDP flows from distinct source ports all answered" \
	all_answered "$TEST_TMP/udp-three"
tcp_hold_start "$TCP_FIRST" "$TCP_COUNT" >"$TEST_TMP/tcp-three" ||
	bail_out "could not open $TCP_COUNT TCP connections"
tcp_connected()
{
	local bad

	bad=$(awk '$2 !~ /^be[123]$/' "$TEST_TMP/tcp-three" | wc -l)
	((bad == 0)) || { echo "  $bad connections got no greeting" >&2; return 1; }
}
check "$TCP_COUNT TCP connections held open, each greeted by its backend" tcp_connected
for f in udp-three tcp-three; do
	echo "# $f: $(awk '{ print $2 }' "$TEST_TMP/$f" | sort | uniq -c | xargs)"
done
be3_share=$(table_share dns "${LAB_IP4[be3]}")

check "apply removing be3 succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/two.yaml"

tcp_hold_check >"$TEST_TMP/tcp-check" || bail_out "the held connections stopped answering"
# held_after: every connection to be1/be2 still echoes; every one to be3 is gone (its
# packets now reach a backend that never heard of it, which resets it).
held_after()
{
	awk 'NR == FNR { was[$1] = $2; next }
		was[$1] != "be3" && $2 != "ok" { bad++; print "  " $1 " on " was[$1] ": " $2 }
		was[$1] == "be3" && $2 == "ok" { bad++; print "  " $1 " on be3 still echoes" }
		END { exit bad > 0 }' "$TEST_TMP/tcp-three" "$TEST_TMP/tcp-check" >&2
}
check "every held TCP connection on be1/be2 still echoes, none on be3 does" held_after
read -r n g _ _ _ < <(moves "$TEST_TMP/tcp-three" "$TEST_TMP/tcp-three" be3)
echo "# TCP: $g of $n held connections were on be3 and moved (share $(awk -v g="$g" -v n="$n" 'BEGIN { printf "%.3f", g / n }'), 1/N = 0.333)"

udp_flows "$UDP_FIRST" "$UDP_COUNT" >"$TEST_TMP/udp-two"
check "the same UDP flows after the removal all answered" all_answered "$TEST_TMP/udp-two"
read -r n g s sm ga < <(moves "$TEST_TMP/udp-three" "$TEST_TMP/udp-two" be3)
echo "# UDP: $n flows, $g were on be3; of the $s on be1/be2, $sm moved; $ga still on be3"
check "no UDP flow of be1/be2 moved" test "$sm" -eq 0
check "no UDP flow is still answered by the removed be3" test "$ga" -eq 0
# The share on be3 is a binomial draw: each flow's hash lands on one of be3's slots
# with probability be3_share (its slot share, 1/3 within 0.01% at M=65537).
# 4.5 standard deviations of that draw: about 0.039 for 3000 flows.
tol=$(binomial_tolerance 0.333333 "$n")
moved_share=$(awk -v g="$g" -v n="$n" 'BEGIN { printf "%.6f", g / n }')
echo "# moved share $moved_share vs 1/N = 0.3333 (be3 held $be3_share of the slots)"
check "the moved share is 1/3 within 4.5 sigma ($tol)" \
	ratio_within "moved share vs 1/N" "$moved_share" 0.333333 "$tol"
udp_flows "$UDP_FIRST" "$UDP_COUNT" >"$TEST_TMP/udp-two-again"
check "moved flows stay on their new backend" cmp "$TEST_TMP/udp-two" "$TEST_TMP/udp-two-again"

# --- (b) Maglev alone, without the flow table --------------------------------------

tcp_hold_stop
sluice detach eth0 >/dev/null
check "fresh attach with be1 and be2 only" expect_exit 0 sluice attach eth0 -f "$TEST_TMP/two.yaml"
udp_flows "$UDP_FIRST" "$UDP_COUNT" >"$TEST_TMP/udp-fresh"
check "the same UDP flows on a fresh flow table all answered" all_answered "$TEST_TMP/udp-fresh"
read -r n g s sm ga < <(moves "$TEST_TMP/udp-three" "$TEST_TMP/udp-fresh" be3)
maglev_moved=$(awk -v a="$sm" -v b="$s" 'BEGIN { printf "%.6f", a / b }')
echo "# Maglev alone (M=65537): $sm of the $s flows of be1/be2 moved (share $maglev_moved)"
# Maglev hands a surviving backend's slot to another only where their permutations
# compete for it: in these two tables 30 of be1's and be2's 43692 slots (0.07%). 1%
# leaves room for chance. That it is not zero is what (a) shows the flow table for.
check "Maglev alone moves under 1% of the surviving backends' flows" \
	awk -v m="$maglev_moved" 'BEGIN { exit !(m < 0.01) }'
# went_by_maglev: each flow (a) moved off be3 got what Maglev gives it on a fresh table.
went_by_maglev()
{
	awk 'NR == FNR { was[$1] = $2; next }
		FILENAME == ARGV[2] { after[$1] = $2; next }
		was[$1] == "be3" && after[$1] != $2 { bad++; print "  " $1 ": " after[$1] " vs " $2 }
		END { exit bad > 0 }' "$TEST_TMP/udp-three" "$TEST_TMP/udp-two" "$TEST_TMP/udp-fresh" >&2
}
check "every flow moved off be3 went to the backend Maglev gives it" went_by_maglev

# The same with the smallest table: fewer slots per backend, more collisions.
lb_config "$TEST_TMP/three-251.yaml" table=251 be1 be2 be3
lb_config "$TEST_TMP/two-251.yaml" table=251 be1 be2
sluice detach eth0 >/dev/null
sluice attach eth0 -f "$TEST_TMP/three-251.yaml" >/dev/null || bail_out "attach (M=251) failed"
udp_flows "$UDP_FIRST" "$UDP_COUNT" >"$TEST_TMP/udp-three-251"
sluice detach eth0 >/dev/null
sluice attach eth0 -f "$TEST_TMP/two-251.yaml" >/dev/null || bail_out "attach (M=251) failed"
udp_flows "$UDP_FIRST" "$UDP_COUNT" >"$TEST_TMP/udp-two-251"
check "flows with M=251 all answered" all_answered "$TEST_TMP/udp-three-251"
check "  (and again after the removal)" all_answered "$TEST_TMP/udp-two-251"
read -r n g s sm ga < <(moves "$TEST_TMP/udp-three-251" "$TEST_TMP/udp-two-251" be3)
maglev_moved=$(awk -v a="$sm" -v b="$s" 'BEGIN { printf "%.6f", a / b }')
echo "# Maglev alone (M=251): $sm of the $s flows of be1/be2 moved (share $maglev_moved)"
# About 84 slots per backend: a few percent of the survivors' slots change owner
# (bench-maglev --size 251 3 says 2% for its backends). 5% leaves room for chance.
check "Maglev alone with M=251 moves under 5% of the surviving backends' flows" \
	awk -v m="$maglev_moved" 'BEGIN { exit !(m < 0.05) }'

# --- (c) weights 1:2:3 --------------------------------------------------------------

lb_config "$TEST_TMP/weights.yaml" be1:100 be2:200 be3:300
check "apply with weights 100:200:300 succeeds" expect_exit 0 sluice apply eth0 -f "$TEST_TMP/weights.yaml"
udp_flows "$FRESH_FIRST" "$FRESH_COUNT" >"$TEST_TMP/udp-weights"
check "$FRESH_COUNT new UDP flows all answered" all_answered "$TEST_TMP/udp-weights"
echo "# weights 1:2:3: $(awk '{ print $2 }' "$TEST_TMP/udp-weights" | sort | uniq -c | xargs)"
i=0
for be in be1 be2 be3; do
	i=$((i + 1))
	want=$(awk -v i="$i" 'BEGIN { printf "%.6f", i / 6 }')
	# 4.5 sigma of a binomial share over 6000 flows: 0.022 (1/6) to 0.029 (1/2).
	tol=$(binomial_tolerance "$want" "$FRESH_COUNT")
	check "$be gets $i/6 of the new flows within 4.5 sigma ($tol)" \
		ratio_within "$be share" "$(share "$TEST_TMP/udp-weights" "$be")" "$want" "$tol"
	check "  and $i/6 of the slots within 0.005" \
		ratio_within "$be slots" "$(table_share dns "${LAB_IP4[$be]}")" "$want" 0.005
done

# Proportional at any scale: 1:2:3 and 1000:2000:3000 give the same table.
slots()
{
	sluice status eth0 --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print([(b["addr"], b["slots"]) for x in s["services"] for b in x["backends"]])'
}
slots >"$TEST_TMP/slots-100"
lb_config "$TEST_TMP/weights-1.yaml" be1:1 be2:2 be3:3
sluice apply eth0 -f "$TEST_TMP/weights-1.yaml" >/dev/null
slots >"$TEST_TMP/slots-1"
lb_config "$TEST_TMP/weights-1000.yaml" be1:1000 be2:2000 be3:3000
sluice apply eth0 -f "$TEST_TMP/weights-1000.yaml" >/dev/null
slots >"$TEST_TMP/slots-1000"
check "weights 1:2:3 and 100:200:300 give the same slots" \
	cmp "$TEST_TMP/slots-100" "$TEST_TMP/slots-1"
check "weights 1000:2000:3000 and 100:200:300 give the same slots" \
	cmp "$TEST_TMP/slots-100" "$TEST_TMP/slots-1000"

lab_test_done
