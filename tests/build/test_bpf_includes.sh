#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# The build's guard against libc headers in BPF code (xdp/bpf_cc.py), run as the build
# runs it: a header planted beside sluice's own must fail the compile and name the chain
# that brought it in, on any machine, whether or not glibc's 32-bit stubs are installed.
# Environment (from meson): BPF_CC (the wrapper), CLANG, MULTIARCH, SOURCE_ROOT.
set -uo pipefail
# shellcheck source=tests/tap.sh
source "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compile DIR SOURCE: as meson does, with DIR as the source root; output in $tmp/out.
compile()
{
	"$BPF_CC" "$MULTIARCH" -- "$CLANG" -g -O2 -target bpf -mcpu=v3 -Wall -Werror \
		-isystem "/usr/include/$MULTIARCH" -I "$1" -I "$SOURCE_ROOT" \
		-c "$1/$2" -o "$tmp/prog.o" >"$tmp/out" 2>&1
}

# expect_refusal SOURCE HEADER LINK...: the compile fails, names HEADER, shows each LINK.
expect_refusal()
{
	local src=$1 header=$2 link

	shift 2
	if compile "$tmp/tree" "$src"; then
		echo "  the compile of $src succeeded" >&2
		return 1
	fi
	grep -q "BPF code includes .*$header, which is not a kernel uapi" "$tmp/out" || {
		sed 's/^/  | /' "$tmp/out" >&2
		return 1
	}
	for link in "$@"; do
		grep -q "^ *[^ ]*$link\$" "$tmp/out" || {
			echo "  the chain lacks $link:" >&2
			sed 's/^/  | /' "$tmp/out" >&2
			return 1
		}
	done
	[[ ! -e $tmp/prog.o ]]
}

mkdir -p "$tmp/tree/xdp"
# A stage header that includes <linux/icmp.h>, the include that once broke fresh machines.
cat >"$tmp/tree/xdp/planted.h" <<'C'
#include <linux/bpf.h>
#include <linux/icmp.h>
#include "xdp/abi.h"
C
cat >"$tmp/tree/planted.bpf.c" <<'C'
#include "xdp/planted.h"
#include <bpf/bpf_helpers.h>
SEC("xdp") int prog(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
C
cat >"$tmp/tree/stdint.bpf.c" <<'C'
#include <stdint.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int prog(struct xdp_md *ctx) { return (uint32_t)XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
C
cat >"$tmp/tree/clean.bpf.c" <<'C'
#include <linux/bpf.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include "xdp/abi.h"
#include "xdp/icmp4.h"
SEC("xdp") int prog(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
C

check "a libc header reached through <linux/icmp.h> fails the build with its chain" \
	expect_refusal planted.bpf.c "sys/socket.h" "planted.bpf.c" "xdp/planted.h" \
	"linux/icmp.h" "linux/if.h" "sys/socket.h"
check "<stdint.h> included directly fails the build" \
	expect_refusal stdint.bpf.c "stdint.h" "stdint.bpf.c"
check "uapi, libbpf and sluice headers compile" \
	eval 'compile "$tmp/tree" clean.bpf.c && [[ -s $tmp/prog.o ]] || { sed "s/^/  | /" "$tmp/out" >&2; false; }'
check "a compile error of clang's own still fails and is shown" eval '
	echo "int broken(" >"$tmp/tree/broken.bpf.c"
	! compile "$tmp/tree" broken.bpf.c && grep -q "error:" "$tmp/out"'
tap_done
