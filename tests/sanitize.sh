#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Build sluice a second time, into build-asan/, with AddressSanitizer and
# UndefinedBehaviorSanitizer, and run the unit and build suites there: an
# over-read, a leak or undefined behaviour fails the run at its first report.
# As root the packet tests run too (they load the object through libbpf).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
dir=build-asan
[[ -f $dir/build.ninja ]] ||
	meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C "$dir" >/dev/null || ninja -C "$dir"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
suites=(--suite unit --suite build)
if [[ $(id -u) == 0 ]]; then
	suites+=(--suite bpf)
fi
meson test -C "$dir" --no-rebuild --print-errorlogs "${suites[@]}"
