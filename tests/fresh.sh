#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Run a command of this repository on a brand-new Debian 12, as a new machine would:
# build a fresh root (mmdebstrap, variant "important": what a minimal server install
# has, from the apt sources this machine uses), copy the work tree in, run the command
# there, and remove the root. What this machine has installed cannot help the command:
# it must install what it needs itself, as the README promises.
#
#   tests/fresh.sh [COMMAND [ARGS...]]     default: tests/run.sh (the whole suite)
#   tests/fresh.sh tests/lab/demo.sh       the demo
#
# Run as root. The root lives in a mount namespace of its own: the root directory is
# itself a mount point, /proc, /sys and /dev are bind-mounted as slaves (so nothing
# mounted inside propagates back), /run is a tmpfs; bpffs is mounted by sluice or the
# suite as on any machine. When the command ends, the namespace and every mount in it
# go, then the root. Downloaded packages are kept in $SLUICE_FRESH_CACHE (default
# /var/cache/sluice-fresh), outside the repository, to save time on the next run; the
# root itself is new every time. Inside, the cache is apt's archive directory, and
# SLUICE_FRESH_CACHE says so to the tests that make roots of their own. Exits with
# the command's status; if the root cannot be made, says why and, for CI's count,
# prints "0 passed, 1 failed, 0 skipped".
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${SLUICE_FRESH_CACHE:-/var/cache/sluice-fresh}
suite=bookworm
((${#@})) || set -- tests/run.sh
root=

say() { echo "fresh: $*" >&2; }

cannot_run()
{
	say "$*"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

remove_root()
{
	[[ -n $root && -d $root ]] || return 0
	# Mounts lived only in the command's mount namespace, which is gone; never let a
	# leftover one lead the removal into this machine's /proc, /sys or /dev.
	if findmnt -rn -o TARGET | grep -q "^$root"; then
		say "mounts remain under $root; not removing it"
		return 1
	fi
	rm -rf --one-file-system "$root"
}
trap remove_root EXIT
trap 'cannot_run "interrupted"' INT TERM HUP

((EUID == 0)) || cannot_run "run as root (it builds a root file system and mounts in it)"
if ! command -v mmdebstrap >/dev/null; then
	say "installing mmdebstrap"
	{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends mmdebstrap; } >&2 ||
		cannot_run "cannot install mmdebstrap: is the package registry reachable?"
fi
mkdir -p "$cache" || cannot_run "cannot create the package cache $cache"
root=$(mktemp -d /var/tmp/sluice-fresh.XXXXXX) || cannot_run "cannot create a directory for the root"

# Packages come from the apt sources this machine is configured with.
sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[[ -s $f ]] && grep -qv '^\s*\(#\|$\)' "$f" && sources+=("$f")
done

# One retry: a mirror can fail a download now and then.
make_root()
{
	rm -rf --one-file-system "$root" && mkdir "$root" &&
	mmdebstrap --variant=important --skip=download/empty \
		--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
		--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
		--setup-hook="sync-in $cache /var/cache/apt/archives/" \
		--customize-hook="sync-out /var/cache/apt/archives $cache" \
		"$suite" "$root" "${sources[@]}" >"$root.log" 2>&1
}
started=$SECONDS
if ! make_root; then
	say "building the Debian 12 root failed; trying once more"
	sleep 5
	if ! make_root; then
		tail -n 20 "$root.log" | sed 's/^/  | /' >&2
		rm -f "$root.log"
		cannot_run "cannot build a Debian 12 root: mmdebstrap failed twice (its last" \
			"lines are above); is the package mirror in this machine's apt sources" \
			"reachable?"
	fi
fi
rm -f "$root.log"
say "Debian 12 root ready in $((SECONDS - started)) s: $root"

# The work tree as it is (tracked and untracked files git does not ignore), no build.
mkdir "$root/sluice" || cannot_run "cannot create $root/sluice"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard -z |
		tar --null -T - -cf - .git) | tar -C "$root/sluice" -xf - ||
		cannot_run "cannot copy the work tree into the root"
else
	tar -C "$top" --exclude=./build -cf - . | tar -C "$root/sluice" -xf - ||
		cannot_run "cannot copy the tree into the root"
fi

# In a mount namespace of its own, so that every mount goes when the command ends.
# The packages the command installs are downloaded into the cache, bound in.
unshare --mount --propagation private -- /bin/bash -c '
	root=$1 cache=$2
	shift 2
	set -e
	mount --bind "$root" "$root"
	for fs in proc sys dev; do
		mount --rbind "/$fs" "$root/$fs"
		mount --make-rslave "$root/$fs"
	done
	mount -t tmpfs -o mode=0755 tmpfs "$root/run"
	mkdir -p "$root/var/cache/apt/archives"
	mount --bind "$cache" "$root/var/cache/apt/archives"
	set +e
	exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root TERM="${TERM:-dumb}" CI="${CI:-}" LANG=C.UTF-8 \
		SLUICE_FRESH_CACHE=/var/cache/apt/archives \
		/bin/bash -c "cd /sluice && exec \"\$@\"" fresh "$@"
' fresh "$root" "$cache" "$@"

# Nothing more is printed: the command's last line (the suite's summary) stays last.
exit $?
