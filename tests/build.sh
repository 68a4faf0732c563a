#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#
# Configure (once) and build sluice into build/ at the top of the repository.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
[[ -f build/build.ninja ]] || meson setup build >/dev/null
ninja -C build >/dev/null || ninja -C build
