#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Install (Debian 12, as root) everything sluice needs to build, test and run its lab.
# Quiet and quick when all of it is already there.
set -euo pipefail

PACKAGES=(
	# build
	clang llvm meson ninja-build pkg-config gcc libc6-dev
	libbpf-dev libxdp-dev libelf-dev zlib1g-dev libyaml-dev libnl-3-dev libnl-route-3-dev
	libjson-c-dev libcmocka-dev bpftool libmicrohttpd-dev libncurses-dev libsystemd-dev
	libgcrypt20-dev
	# fuzz/: clang's libFuzzer runtime (with its sanitizers)
	libclang-rt-14-dev
	libsmartcols-dev
	# sluice monitor --pcap writes with libpcap; its test reads the file back with tcpdump
	libpcap-dev tcpdump
	# the man pages
	scdoc
	# the unit file's check (systemd-analyze verify)
	systemd
	# lab and tests
	iproute2 ethtool socat python3 xdp-tools util-linux procps
	# metrics and top: promtool and a real Prometheus server, a real terminal
	prometheus tmux
	# the fleet: BIRD and FRR announce the VIPs sluice keeps routes for
	bird2 frr
	# the Debian package's test: clean Debian 12 roots to build and install it in
	# (mmdebstrap's eatmydata hook asks dpkg-architecture)
	mmdebstrap dpkg-dev
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$pkg")
done
# Daemons the tests start themselves, in namespaces of their own, and their units: a
# package installed here must not start them on this machine, now or at its next boot.
TEST_DAEMONS=(bird2:bird.service frr:frr.service prometheus:prometheus.service)

if ((${#missing[@]})); then
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# invoke-rc.d asks policy-rc.d: 101 is "do not start". One already there is kept.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	for daemon in "${TEST_DAEMONS[@]}"; do
		[[ " ${missing[*]} " == *" ${daemon%%:*} "* ]] || continue
		systemctl disable --quiet "${daemon#*:}" 2>/dev/null || true
	done
fi
