#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The bash completion sluice installs, driven as bash drives it: COMP_WORDS and
# COMP_CWORD set, the function `complete` names for sluice called, COMPREPLY read.
# Commands and long flags must be exactly those of the built binary's --help.
# Env: COMPLETION (completion/sluice.bash), SLUICE (the built binary).
set -uo pipefail
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/../tap.sh"
# shellcheck source=completion/sluice.bash
source "$COMPLETION"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One line of the words read, sorted, without duplicates.
words() { sort -u | sed '/^$/d' | paste -sd' '; }

# completes "WORDS..." EXPECTED: completing the last word (may be empty) offers
# exactly EXPECTED (words in any order).
completes()
{
	local line=$1 want got

	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	"$func" sluice "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | words)
	want=$(printf '%s\n' $2 | words)
	[[ $got == "$want" ]] && return 0
	echo "# '$line': offered '$got', expected '$want'"
	return 1
}

# The long flags of `sluice WORDS... --help`, and --help, which every command takes.
long_flags()
{
	{ "$SLUICE" "$@" --help | grep -oE '^ +(-[a-zA-Z0-9], )?--[a-z-]+' | grep -oE -- '--[a-z-]+'
	  echo --help; } | words
}

func=$(complete -p sluice 2>/dev/null | sed -n 's/.*-F \([^ ]*\) sluice$/\1/p')
check "complete -F names the function for sluice" test -n "$func"
commands=$("$SLUICE" --help | sed -n '/^commands:/,/^$/s/^  \([a-z]*\) .*/\1/p' | words)
check "the first word: every command of --help, --help, --version" \
	completes "sluice " "$commands --help --version"
check "a prefix picks the commands it starts" completes "sluice st" "status stats"
check "sluice -v: -v and -vv" completes "sluice -v" "-v -vv"
check "sluice --v: --verbose and --version" completes "sluice --v" "--verbose --version"
check "after -vv: the commands" completes "sluice -vv " "$commands --help --version"
check "after --verbose: a command's flags" \
	completes "sluice --verbose validate --" "$(long_flags validate)"
check "after -v: an interface" completes "sluice -v status l" \
	"$(ls /sys/class/net | grep '^l' | words)"
check "after -v: decap's subcommands" completes "sluice -v decap " "attach detach status --help"
check "after -v: the value of --mode" completes "sluice -v attach lo --mode " "native generic"
for cmd in $commands; do
	[[ $cmd == decap ]] && continue
	check "sluice $cmd --: the long flags of its --help" \
		completes "sluice $cmd --" "$(long_flags "$cmd")"
done
# decap's subcommands share one --help: each offers its own part of it.
decap_flags=$(long_flags decap)
decap_offers()
{
	local sub=$1 flags=$2 f

	completes "sluice decap $sub --" "$flags" || return 1
	for f in $flags; do
		[[ " $decap_flags " == *" $f "* ]] || { echo "# $f is not in decap's --help"; return 1; }
	done
}
check "sluice decap attach --: --mode --from --help" decap_offers attach "--mode --from --help"
check "sluice decap detach --: --help" decap_offers detach "--help"
check "sluice decap status --: --json --help" decap_offers status "--json --help"
check "sluice decap: its subcommands" completes "sluice decap " "attach detach status --help"
ifaces=$(ls /sys/class/net | words)
check "an interface: every one in /sys/class/net ($ifaces)" completes "sluice attach " "$ifaces"
check "an interface by prefix: lo" completes "sluice status l" \
	"$(ls /sys/class/net | grep '^l' | words)"
check "after the interface, no second one" completes "sluice attach lo " ""
check "the interface after a flag's value" completes "sluice run -f x.yaml " "$ifaces"
check "validate takes no interface" completes "sluice validate " ""
check "--mode: native or generic" completes "sluice attach lo --mode " "native generic"
check "top --sort: its keys" completes "sluice top --sort " "packets bits flows active name"
touch "$tmp/edge.yaml" "$tmp/lab.yaml" "$tmp/other.txt"
check "-f: files" completes "sluice validate -f $tmp/" "$tmp/edge.yaml $tmp/lab.yaml $tmp/other.txt"
check "--file: files by prefix" completes "sluice apply --file $tmp/e" "$tmp/edge.yaml"
tap_done
