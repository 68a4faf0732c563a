#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The Debian package, as a user gets it: built with `dpkg-buildpackage -us -uc -b` in
# a clean Debian 12 root that holds nothing but build-essential and what
# debian/control's Build-Depends pull in (so a missing one fails the build), then
# installed with apt into a second, minimal Debian 12 root (so a missing Depends
# fails there), where the installed sluice must run: --version, validate of the
# example it ships and of a broken file, its completion, its files in place.
# Roots come from mmdebstrap (this machine's apt sources; downloads kept in
# $SLUICE_FRESH_CACHE, default /var/cache/sluice-fresh, as tests/fresh.sh keeps
# them) in a tmpfs that goes when the test ends, also on failure.
# Env: SOURCE_ROOT, RELEASE (meson's project version). Needs root.
set -uo pipefail
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/../tap.sh"

cache=${SLUICE_FRESH_CACHE:-/var/cache/sluice-fresh}
work=

bail() { echo "Bail out! $*"; exit 1; }

cleanup()
{
	[[ -n $work && -d $work ]] || return 0
	cd / && umount -R -l "$work" && rmdir "$work"
}
trap cleanup EXIT
trap 'bail "interrupted"' INT TERM HUP

((EUID == 0)) || bail "needs root (mmdebstrap builds root file systems)"
command -v mmdebstrap >/dev/null || bail "mmdebstrap is missing: tests/deps.sh installs it"
mkdir -p "$cache" || bail "cannot create the package cache $cache"
# The roots live in a tmpfs of a mount namespace of this test's own: quick to fill and
# to drop, and gone with every mount in them (mmdebstrap's /proc, /sys, /dev) when
# the test ends, however it ends.
if [[ ${1:-} != --in-own-mount-namespace ]]; then
	# At low CPU priority: it runs beside the lab tests, whose timing matters more.
	exec unshare --mount --propagation private -- nice -n 10 "$0" --in-own-mount-namespace
fi
work=$(mktemp -d /var/tmp/sluice-deb.XXXXXX) || bail "cannot create a work directory"
mount -t tmpfs -o size=6g,mode=0755 sluice-deb "$work" || bail "cannot mount a tmpfs on $work"

# The tree as it is (tracked and untracked files git does not ignore), without .git:
# a build from a source package, which knows no git describe.
mkdir -p "$work/src/sluice"
if git -C "$SOURCE_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$SOURCE_ROOT" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - --) |
		tar -C "$work/src/sluice" -xf -
else
	tar -C "$SOURCE_ROOT" --exclude='./build*' --exclude='./obj-*' -cf - . |
		tar -C "$work/src/sluice" -xf -
fi || bail "cannot copy the source tree"

sources=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[[ -s $f ]] && grep -qv '^\s*\(#\|$\)' "$f" && sources+=("$f")
done

# root VARIANT DIR HOOK...: a Debian 12 root; each HOOK runs in it (chroot, with /proc,
# /sys and /dev mounted by mmdebstrap), and downloads go to and from the cache.
root()
{
	local variant=$1 dir=$2 hook args=()

	shift 2
	for hook; do
		args+=(--customize-hook="$hook")
	done
	mmdebstrap --variant="$variant" --skip=download/empty \
		--hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
		--setup-hook='mkdir -p "$1"/var/cache/apt/archives' \
		--setup-hook="sync-in $cache /var/cache/apt/archives/" \
		"${args[@]}" \
		--customize-hook="sync-out /var/cache/apt/archives $cache" \
		bookworm "$dir" "${sources[@]}"
}

in_root='chroot "$1" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8'
started=$SECONDS
root buildd "$work/build-root" \
	"cp -a $work/src \"\$1/src\"" \
	"$in_root apt-get build-dep -y -q /src/sluice" \
	"$in_root DEB_BUILD_OPTIONS=parallel=$(nproc) sh -c 'cd /src/sluice && dpkg-buildpackage -us -uc -b'" \
	"cp \"\$1\"/src/sluice_*.deb $work/" \
	>"$work/build.log" 2>&1
echo "# built in a clean root in $((SECONDS - started)) s"
deb=$(ls "$work"/sluice_*.deb 2>/dev/null | head -n 1)
built() { [[ -n $deb ]] || { tail -n 25 "$work/build.log" | sed 's/^/# /'; return 1; }; }
check "dpkg-buildpackage -us -uc -b builds sluice in a root of Build-Depends only" built
[[ -n $deb ]] || { tap_done; exit 1; }
rm -rf "$work/build-root"

# The installed package's answers, written where the test reads them.
printf 'filter:\n  default: maybe\n' >"$work/broken.yaml"
out=$work/out
mkdir "$out"
started=$SECONDS
root apt "$work/run-root" \
	"cp $deb $work/broken.yaml \"\$1/tmp/\"" \
	"$in_root apt-get install -y -q --no-install-recommends /tmp/$(basename "$deb")" \
	"$in_root dpkg-query -W -f='\${Version}' sluice >$out/pkg-version || true" \
	"$in_root dpkg -L sluice >$out/files || true" \
	"$in_root sluice --version >$out/version 2>&1 || true" \
	"$in_root sluice validate -f /usr/share/doc/sluice/examples/lab.yaml >$out/valid 2>&1; echo \$? >$out/valid.rc" \
	"$in_root sluice validate -f /tmp/broken.yaml >$out/broken 2>&1; echo \$? >$out/broken.rc" \
	"$in_root bash -c '. /usr/share/bash-completion/completions/sluice && complete -p sluice' >$out/complete 2>&1 || true" \
	"$in_root ldconfig -p >$out/ldconfig 2>&1 || true" \
	>"$work/install.log" 2>&1
echo "# installed in a fresh minimal root in $((SECONDS - started)) s"

installed() { grep -qx "/usr/sbin/sluice" "$out/files" || { tail -n 25 "$work/install.log" | sed 's/^/# /'; return 1; }; }
shows() { sed 's/^/# /' "$1"; grep -q "$2" "$1"; }
check "apt installs it into a minimal Debian 12 root (its Depends resolve)" installed
check "the package's version is the release, $RELEASE" grep -qx "$RELEASE" "$out/pkg-version"
check "sluice --version there: 'sluice $RELEASE'" shows "$out/version" "^sluice $RELEASE\$"
check "sluice validate of the installed example: exit 0" grep -qx 0 "$out/valid.rc"
check "sluice validate of a broken file: exit 2 and FILE:LINE:COL" \
	bash -c "grep -qx 2 '$out/broken.rc' && grep -q '^/tmp/broken.yaml:2:12: ' '$out/broken'"
for f in /lib/systemd/system/sluice@.service /usr/share/man/man8/sluice.8.gz \
	 /usr/share/man/man5/sluice.yaml.5.gz /usr/share/bash-completion/completions/sluice \
	 /usr/share/doc/sluice/examples/lab.yaml /usr/share/doc/sluice/examples/edge.yaml; do
	check "the package installs $f" grep -qx "$f" "$out/files"
done
# Opened when used (dlopen): the package's Depends must have put them there.
for lib in libmicrohttpd.so.12 libpcap.so.0.8; do
	check "$lib, which sluice opens when used, is installed" grep -qF "$lib " "$out/ldconfig"
done
check "its bash completion loads: complete -F _sluice sluice" shows "$out/complete" "_sluice sluice$"
tap_done
