#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# `sluice --version` and `sluice version`: the release of meson.build and, for a
# build from a git checkout, a `git describe` of a commit that checkout has.
# Env: SLUICE (the built binary), RELEASE (meson's project version), SOURCE_ROOT.
set -uo pipefail
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$SLUICE" --version >"$tmp/long"
"$SLUICE" version >"$tmp/word"
version=$(cat "$tmp/long")
echo "# $version"

# described_commit: the commit the version's "(git DESCRIBE)" names is in the checkout.
described_commit()
{
	local describe=${version#*"(git "}

	describe=${describe%)}
	describe=${describe%-dirty}
	[[ $describe =~ -g([0-9a-f]+)$ ]] && describe=${BASH_REMATCH[1]}
	git -C "$SOURCE_ROOT" cat-file -e "$describe^{commit}"
}

check "--version and the version command print the same" cmp "$tmp/long" "$tmp/word"
if git -C "$SOURCE_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	check "built from git: 'sluice $RELEASE (git DESCRIBE)'" \
		grep -qxE "sluice $RELEASE \(git [^ ]+\)" "$tmp/long"
	check "the described commit is in the checkout" described_commit
else
	check "built outside git: 'sluice $RELEASE'" grep -qx "sluice $RELEASE" "$tmp/long"
fi
check "version takes no argument: exit 2, the argument named" \
	bash -c '"$1" version extra 2>"$2/err"; (($? == 2)) &&
		grep -qx "sluice version: unexpected argument '\''extra'\''" "$2/err"' - "$SLUICE" "$tmp"
check "the help lists the version command" bash -c '"$1" --help | grep -q "^  version "' - "$SLUICE"
tap_done
