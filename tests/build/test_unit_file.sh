#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The systemd unit sluice ships, checked by systemd itself: `systemd-analyze verify`
# reads unit files offline (no running systemd needed, so it works in a chroot and
# in CI). It exits 0 on many mistakes and only prints them, so any output fails.
# UNIT is the unit as this build installs it (ExecStart names the binary in SBINDIR).
# ExecStart must name an executable that exists: the built one stands in for the
# installed one. A broken copy must be caught, so the check itself can fail.
set -uo pipefail
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/../tap.sh"
unit=$UNIT
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# verify_silent DIR: systemd-analyze verify finds nothing to say of DIR's instance.
verify_silent()
{
	systemd-analyze verify "$1/sluice@eth0.service" >"$tmp/out" 2>&1 || return 1
	if [[ -s $tmp/out ]]; then
		sed 's/^/# /' "$tmp/out"
		return 1
	fi
}

verify_catches() { ! verify_silent "$1"; }

mkdir -p "$tmp/good" "$tmp/broken"
sed "s#^ExecStart=$SBINDIR/sluice #ExecStart=$SLUICE #" "$unit" >"$tmp/good/sluice@.service"
sed 's/^Type=notify$/Type=notifyy/' "$tmp/good/sluice@.service" >"$tmp/broken/sluice@.service"

check "systemd-analyze verify finds nothing wrong with sluice@.service" verify_silent "$tmp/good"
check "a broken copy of it is caught (the check can fail)" verify_catches "$tmp/broken"
check "Type=notify: ready once the first apply is done" grep -qx 'Type=notify' "$unit"
check "the instance is the interface, its config /etc/sluice/IFACE.yaml" \
	grep -qx "ExecStart=$SBINDIR/sluice run %i -f /etc/sluice/%i.yaml" "$unit"
check "restarted on failure, watched by the watchdog" \
	bash -c "grep -qx 'Restart=on-failure' '$unit' && grep -q '^WatchdogSec=' '$unit'"
check "reload is SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
tap_done
