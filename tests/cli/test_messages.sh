#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# What the sluice command says, and its exit code, for the mistakes that need no lab:
# a mistyped command, a user without the privileges (told so, never "not attached"),
# -f - where it cannot work, a quoted number, the verbosity switches.
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/../tap.sh"
set -uo pipefail

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# A copy every user may run, wherever the build tree is.
chmod 755 "$TMP"
cp "$SLUICE" "$TMP/sluice"
chmod 755 "$TMP/sluice"

# expect CODE TEXT CMD...: CMD exits with CODE and says TEXT (stdout or stderr).
expect()
{
	local want=$1 text=$2 rc=0

	shift 2
	"$@" >"$TMP/out" 2>&1 </dev/null || rc=$?
	if ((rc != want)) || ! grep -qF -- "$text" "$TMP/out"; then
		echo "  expected exit $want and '$text', got $rc from: $*" >&2
		sed 's/^/  | /' "$TMP/out" >&2
		return 1
	fi
}

# A rule set the filter compiler cannot build: validate refuses it as apply would.
icmp_rules()
{
	local n=$1 t

	printf 'filter:\n  rules:\n'
	for ((t = 0; t < n; t++)); do
		printf '    - {name: t%d, proto: icmp, icmp_type: %d, action: deny}\n' "$t" "$t"
	done
}
icmp_rules 40 >"$TMP/icmp40.yaml"
icmp_rules 20 >"$TMP/icmp20.yaml"
check "validate of 40 ICMP types: the filter cannot tell them apart, exit 2" \
	expect 2 "icmp40.yaml: filter: the rules combine protocols, TCP flags and ICMP types in 41 ways; the filter tells at most 32 apart" \
	"$SLUICE" validate -f "$TMP/icmp40.yaml"
check "  the same as JSON: invalid, exit 2" \
	expect 2 '"valid":false' "$SLUICE" validate --json -f "$TMP/icmp40.yaml"
check "validate of 20 ICMP types: ok" \
	expect 0 "ok (0 services, 20 filter rules)" "$SLUICE" validate -f "$TMP/icmp20.yaml"

check "a mistyped command: did you mean, exit 2" \
	expect 2 "unknown command 'aply'; did you mean 'apply'?" "$SLUICE" aply
check "another one" expect 2 "did you mean 'export'?" "$SLUICE" exprot
check "a word like no command: the list of commands, exit 2" \
	expect 2 "commands:" "$SLUICE" frobnicate
check "a mistyped decap command: did you mean, exit 2" \
	expect 2 "unknown command 'stats'; did you mean 'status'?" "$SLUICE" decap stats
check "-v and -vv are described in the usage" expect 0 "-vv  their debug messages" \
	"$SLUICE" --help
check "-v goes before the command" expect 0 "usage: sluice validate" \
	"$SLUICE" -v validate --help
check "-vv too" expect 0 "usage: sluice export" "$SLUICE" -vv export --help
check "apply's help documents the exit code of drift" \
	expect 0 "3 --dry-run found changes to make" "$SLUICE" apply --help

check "run -f - is refused: it could not reload, exit 2" \
	expect 2 "sluice run: -f - (standard input) cannot be reloaded; give the daemon a file" \
	"$SLUICE" run -f -
check "validate -f - reads stdin" \
	expect 0 "<stdin>: ok (0 services, 0 filter rules)" bash -c '"$1" validate -f - <<<"{}"' \
	_ "$SLUICE"
check "a quoted weight is refused at its position, exit 2" \
	expect 2 "<stdin>:2:39: weight must be a number, found the string \"100\"; write it without quotes" \
	bash -c '"$1" validate -f - <<<"services: [{name: w, vip: 192.0.2.1, port: 80, proto: tcp,
  backends: [{addr: 10.0.0.1, weight: \"100\"}]}]"' _ "$SLUICE"

# include: through the command, its mistakes where they are.
mkdir "$TMP/conf"
printf 'include: [blocklist.yaml, nope.yaml]\n' >"$TMP/conf/main.yaml"
printf 'filter:\n  rules:\n    - {src: 10.0.0.0/8, action: dney}\n' >"$TMP/conf/blocklist.yaml"
check "validate names the included file's mistake at its FILE:LINE:COL, exit 2" \
	expect 2 "$TMP/conf/blocklist.yaml:3:33: unknown action 'dney'; did you mean 'deny'?" \
	"$SLUICE" validate -f "$TMP/conf/main.yaml"
check "  and the missing one where it is named" \
	expect 2 "$TMP/conf/main.yaml:1:27: include '$TMP/conf/nope.yaml': No such file or directory" \
	"$SLUICE" validate -f "$TMP/conf/main.yaml"
printf 'include: main.yaml\n' >"$TMP/conf/blocklist.yaml"
check "an include cycle is refused, exit 2" \
	expect 2 "include cycle: $TMP/conf/main.yaml -> $TMP/conf/blocklist.yaml -> $TMP/conf/main.yaml" \
	"$SLUICE" validate -f "$TMP/conf/main.yaml"

# In a network namespace of its own (anonymous: no name to collide with), where
# nothing can be attached: status and decap status fail alike, for scripts.
check "status with nothing attached: exit 1" \
	expect 1 "not attached to any interface" unshare --net -- "$SLUICE" status
check "decap status with nothing attached: exit 1 too" \
	expect 1 "decap is not attached to any interface" unshare --net -- "$SLUICE" decap status
check "export with nothing attached: exit 1" \
	expect 1 "not attached to any interface" unshare --net -- "$SLUICE" export

check "monitor with nothing attached: exit 1" \
	expect 1 "not attached to any interface" unshare --net -- "$SLUICE" monitor
check "monitor of an interface sluice is not on: exit 1" \
	expect 1 "sluice: not attached to nosuch0 (see \`sluice attach\`)" \
	unshare --net -- "$SLUICE" monitor nosuch0 --drops

# sluice monitor's mistakes, found before anything is opened: exit 2.
check "monitor --match with a misspelt field: did you mean, exit 2" \
	expect 2 "sluice monitor: --match: 'dprot' is not a field; did you mean 'dport'?" \
	"$SLUICE" monitor --match "dprot 80"
check "monitor --match with a bad prefix: exit 2" \
	expect 2 "sluice monitor: --match: src '10.0.0.1/8' has host bits set; did you mean 10.0.0.0/8?" \
	"$SLUICE" monitor --match "src 10.0.0.1/8"
check "monitor --match with two terms unjoined: exit 2" \
	expect 2 "sluice monitor: --match: expected 'and' or 'or' before 'src'" \
	"$SLUICE" monitor --match "dport 80 src 10.0.0.0/8"
check "monitor --match empty: exit 2" \
	expect 2 "sluice monitor: --match: the expression is empty" "$SLUICE" monitor --match ""
check "monitor --rate 0: exit 2" \
	expect 2 "sluice monitor: --rate '0' is not a number from 1 to 1000000" \
	"$SLUICE" monitor --rate 0
check "monitor --count x: exit 2" \
	expect 2 "sluice monitor: --count 'x' is not a number from 1 to" "$SLUICE" monitor --count x
check "monitor --pcap without a file: exit 2" \
	expect 2 "usage: sluice monitor" "$SLUICE" monitor --pcap

# Every command that touches the kernel, run by a user without privileges.
nobody()
{
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "$TMP/sluice" "$@"
}
NEEDS="sluice: permission denied: sluice needs root (CAP_SYS_ADMIN, CAP_BPF, CAP_NET_ADMIN)"
for cmd in "status" "stats" "top --once" "monitor --drops" "export" "watch --once" "apply -f /dev/null" \
	"attach lo" "detach lo" "detach --prune" "run lo -f /dev/null" "decap status" \
	"decap attach lo" "decap detach lo"; do
	# shellcheck disable=SC2086
	check "non-root: sluice $cmd says it needs root, exit 1" expect 1 "$NEEDS" nobody $cmd
done

tap_done
