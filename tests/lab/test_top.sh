#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `sluice top` through a real terminal: tmux runs it on the sluice node while traffic
# flows; keys sort and quit; the screen shows the service at a non-zero rate. Without
# a terminal it prints plain frames. Every flag a user can get wrong gets its error.
# shellcheck source=tests/lab/testlib.sh
source "$(dirname "$0")/testlib.sh"

# A tmux server of this test's own, so no one else's sessions are touched.
TMUX_SOCKET=$LAB_PREFIX-top

tmux_()
{
	tmux -L "$TMUX_SOCKET" "$@"
}

cleanup()
{
	tmux_ kill-server >/dev/null 2>&1
	lab_test_cleanup
}

# screen_shows TEXT: within 10 s, the pane shows TEXT (a fixed string).
screen_shows()
{
	local i

	for ((i = 0; i < 20; i++)); do
		tmux_ capture-pane -p -t top >"$TEST_TMP/screen" 2>/dev/null
		grep -qF -- "$1" "$TEST_TMP/screen" && return 0
		sleep 0.5
	done
	echo "  the screen never showed '$1':" >&2
	sed 's/^/  | /' "$TEST_TMP/screen" >&2
	return 1
}

# web_rate_positive FILE: web's row in the SERVICE table has packets/s above 0.
web_rate_positive()
{
	awk '/^SERVICE/ { on = 1; next } /^[A-Z]/ { on = 0 }
	     on && $1 == "web" { found = 1; if ($2 + 0 > 0) ok = 1 }
	     END { exit !(found && ok) }' "$1" || {
		echo "  no non-zero rate for web in:" >&2
		sed 's/^/  | /' "$1" >&2
		return 1
	}
}

screen_web_rate_positive()
{
	local i

	for ((i = 0; i < 20; i++)); do
		tmux_ capture-pane -p -t top >"$TEST_TMP/screen"
		web_rate_positive "$TEST_TMP/screen" 2>/dev/null && return 0
		sleep 0.5
	done
	web_rate_positive "$TEST_TMP/screen"
}

# gone: the session ended (top exited) within 5 s.
gone()
{
	local i

	for ((i = 0; i < 10; i++)); do
		tmux_ has-session -t top 2>/dev/null || return 0
		sleep 0.5
	done
	return 1
}

lab_test_up
trap cleanup EXIT

# --- what a user can get wrong -----------------------------------------------------------------
check "top --sort bogus is a usage error" expect_exit 2 sluice top eth0 --sort bogus
check "  naming the sorts there are" output_has "--sort 'bogus' is not one of packets, bits, flows, active, name"
check "top --sort without a key is a usage error" expect_exit 2 sluice top eth0 --sort
check "top --interval (unknown flag) is a usage error" expect_exit 2 sluice top eth0 --interval 5
check "top on an interface sluice is not on fails" expect_exit 1 sluice top eth9
check "top --help documents the keys" expect_exit 0 sluice top --help
check "  (sort and quit)" output_has "keys on screen: p packets/s, b bits/s, f new flows/s, a active flows"

# --- plain text: no terminal ---------------------------------------------------------------------
lab_traffic 30
check "top --once prints one frame and exits" expect_exit 0 sluice top eth0 --once
check "  with the program's cost per packet" output_has "ns/packet"
check "  with web's rate above 0" web_rate_positive "$TEST_TMP/out"
check "  and the backends" output_has "BACKEND"
check "top into a pipe prints frames until interrupted" expect_exit 0 \
	lab_exec lb timeout -s INT --preserve-status 4.5 "$SLUICE" top eth0
check "  (two frames)" test "$(grep -c '^sluice top eth0' "$TEST_TMP/out")" -ge 2

# --- a real terminal ---------------------------------------------------------------------------
tmux_ new-session -d -s top -x 120 -y 50 \
	"LAB_PREFIX=$LAB_PREFIX $LAB_DIR/lab.sh exec lb $SLUICE top eth0"
check "top draws its screen in tmux" screen_shows "sorted by packets"
check "  showing the keys" screen_shows "q quit"
check "  and the program's cost" screen_shows "of a CPU"
check "  and web at a non-zero rate" screen_web_rate_positive
tmux_ send-keys -t top n
check "key n sorts by name" screen_shows "sorted by name"
tmux_ send-keys -t top b
check "key b sorts by bits per second" screen_shows "sorted by bits"
tmux_ send-keys -t top a
check "key a sorts by active flows" screen_shows "sorted by active"
tmux_ send-keys -t top q
check "key q quits" gone
lab_stop "$TRAFFIC"

lab_test_done
